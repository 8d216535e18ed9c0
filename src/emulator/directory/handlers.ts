import type { ResourceRouteName } from '../core/routes.js'
import { el } from '../http/document.js'
import { DEFAULT_SITE_ROLE } from '../runtime/auth.js'
import { pagedReply } from '../runtime/paging.js'
import { type Handler, siteOf } from '../runtime/state.js'

/**
 * The users, groups and projects that virtual-connection permissions and publishing refer to
 * (Get Users on Site, Query Groups, Query Projects): read-only, paged, `filter=name:eq:X`.
 */
function nameFilter(query: URLSearchParams): (name: string) => boolean {
  const m = /^name:(eq|cieq):(.*)$/.exec(query.get('filter') ?? '')
  if (!m) return () => true
  const wanted = m[2]!
  return m[1] === 'eq' ? (n) => n === wanted : (n) => n.toLowerCase() === wanted.toLowerCase()
}

export const queryUsers: Handler = async (state, ctx) => {
  siteOf(state, ctx)
  const keep = nameFilter(ctx.query)
  const list = state.catalog.data.users.filter((u) => keep(u.name))
  return pagedReply(ctx.query, 'users', list, (u) =>
    el('user', {
      id: u.id,
      name: u.name,
      siteRole: state.users.find((c) => c.name === u.name)?.siteRole ?? DEFAULT_SITE_ROLE,
    }),
  )
}

export const queryGroups: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const keep = nameFilter(ctx.query)
  const list = state.vconns.data.groups.filter((g) => g.siteId === site.id && keep(g.name))
  return pagedReply(ctx.query, 'groups', list, (g) => el('group', { id: g.id, name: g.name }))
}

export const queryProjects: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const keep = nameFilter(ctx.query)
  const list = state.catalog.data.projects.filter((p) => p.siteId === site.id && keep(p.name))
  return pagedReply(ctx.query, 'projects', list, (p) => el('project', { id: p.id, name: p.name }))
}

/** Every directory endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const DIRECTORY_HANDLERS = { queryUsers, queryGroups, queryProjects } satisfies Record<
  ResourceRouteName<'directory'>,
  Handler
>
