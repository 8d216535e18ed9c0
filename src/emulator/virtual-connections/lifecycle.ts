import { randomUUID } from 'node:crypto'
import { ApiError } from '../http/api-error.js'
import { objectAt, stringAt } from '../http/body.js'
import { el } from '../http/document.js'
import { pagedReply } from '../runtime/paging.js'
import { type EmulatorState, type Handler, type RequestContext, siteOf } from '../runtime/state.js'
import type { VConnRecord } from '../store/virtual-connections.js'
import { actorOf, requireAccess } from './access.js'
import { readVConnDocument } from './body.js'
import { now, vconnContentElement, vconnListElement, vconnPublishedElement, vconnUpdatedElement } from './elements.js'
import { connectionsFromContent, DRAFTS_ARE_LISTED, PUBLISH_NAME_CLASH } from './inferred.js'
import { applyFilter, applySort } from './query.js'

/** The documented "not found" of most methods (404049). */
export const vconnNotFound = (id: string): ApiError =>
  new ApiError(404, '404049', 'Virtual connection not found', `The virtual connection '${id}' could not be found.`)

/** The virtual connection in the path, or the method's documented not-found error. */
export function vconnOf(state: EmulatorState, ctx: RequestContext, notFound = vconnNotFound): VConnRecord {
  const site = siteOf(state, ctx)
  const id = ctx.params['vconn']!
  const v = state.vconns.find(site.id, id)
  if (!v) throw notFound(id)
  return v
}

const current = (v: VConnRecord): string => v.revisions[v.revisions.length - 1]!.content
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** GET …/virtualconnections[?pageSize&pageNumber&filter&sort]. */
export const listVirtualConnections: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const all = state.vconns.data.virtualConnections.filter(
    (v) => v.siteId === site.id && (DRAFTS_ARE_LISTED || !v.draft),
  )
  const list = applySort(applyFilter(all, ctx.query.get('filter')), ctx.query.get('sort'))
  return pagedReply(ctx.query, 'virtualConnections', list, (v) => vconnListElement(state, v))
}

/** GET …/virtualconnections/{id}: the current content. */
export const downloadVirtualConnection: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  requireAccess(state, actorOf(state, ctx), { role: 'Creator', capability: 'Overwrite', v, code: '403174' })
  return { status: 200, body: [vconnContentElement(v, current(v))] }
}

function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name)
  if (value === null) return fallback
  if (value === 'true' || value === 'false') return value === 'true'
  throw new ApiError(400, '400201', 'Generic error', `The ${name} parameter must be true or false.`)
}

/** POST …/virtualconnections[?overwrite&publishAsDraft]: 201; an overwrite keeps the previous content as a revision. */
export const publishVirtualConnection: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const generic = (detail: string): ApiError => new ApiError(400, '400201', 'Generic error', detail)
  const actor = actorOf(state, ctx)
  requireAccess(state, actor, { role: 'Creator', code: '403175' })
  const overwrite = flag(ctx.query, 'overwrite', false)
  // The page: publishAsDraft defaults to true (and its name is case sensitive).
  const draft = flag(ctx.query, 'publishAsDraft', true)
  const doc = objectAt(await readVConnDocument(ctx.req, generic), 'virtualConnection')
  const name = stringAt(doc, 'name')
  const projectId = stringAt(objectAt(doc, 'project'), 'id')
  const content = doc?.['content']
  if (!name) throw generic('The virtualConnection has no name.')
  if (!projectId) throw generic('The virtualConnection has no project id.')
  if (!stringAt(objectAt(doc, 'owner'), 'id'))
    throw generic('The virtualConnection has no owner id (required, ignored).')
  if (typeof content !== 'string' || content === '') throw generic('The virtualConnection has no content.')
  try {
    JSON.parse(content)
  } catch {
    throw generic('The content is not JSON (download it with Download Virtual Connection).')
  }
  if (!state.catalog.data.projects.some((p) => p.siteId === site.id && p.id === projectId.toLowerCase()))
    throw generic(`The project '${projectId}' could not be found.`)
  const publisher = state.catalog.ensureUser(ctx.session!.userName)
  const at = now()
  const existing = draft
    ? undefined
    : state.vconns.data.virtualConnections.find(
        (v) => v.siteId === site.id && !v.draft && v.projectId === projectId.toLowerCase() && sameName(v.name, name),
      )
  if (existing && !overwrite) {
    const { status, code, summary } = PUBLISH_NAME_CLASH
    throw new ApiError(status, code, summary, `A virtual connection named '${name}' already exists in the project.`)
  }
  let v: VConnRecord
  if (existing) {
    requireAccess(state, actor, { role: 'Creator', capability: 'Overwrite', v: existing, code: '403175' })
    v = existing
    v.revisions.push({ number: v.revisions.length + 1, content, publishedAt: at, publisherId: publisher.id })
    v.connections = connectionsFromContent(content, randomUUID)
    v.updatedAt = at
  } else {
    v = {
      id: randomUUID(),
      siteId: site.id,
      projectId: projectId.toLowerCase(),
      ownerId: publisher.id,
      name,
      createdAt: at,
      updatedAt: at,
      isCertified: false,
      draft,
      number: state.vconns.nextNumber(),
      revisions: [{ number: 1, content, publishedAt: at, publisherId: publisher.id }],
      connections: connectionsFromContent(content, randomUUID),
      tags: [],
      grants: [],
    }
    state.vconns.data.virtualConnections.push(v)
  }
  await state.vconns.save()
  return { status: 201, body: [vconnPublishedElement(v)] }
}

/** PUT …/virtualconnections/{id}: name, isCertified, certificationNote, project, owner. */
export const updateVirtualConnection: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  const actor = actorOf(state, ctx)
  requireAccess(state, actor, { role: 'Creator', capability: 'Overwrite', v, code: '403004' })
  const generic = (detail: string): ApiError => new ApiError(400, '400203', 'Generic error', detail)
  const doc = objectAt(await readVConnDocument(ctx.req, generic), 'virtualConnection')
  if (!doc) throw generic('The request has no virtualConnection.')
  const name = stringAt(doc, 'name')
  const certified = stringAt(doc, 'isCertified')
  const note = stringAt(doc, 'certificationNote')
  const projectId = stringAt(objectAt(doc, 'project'), 'id')?.toLowerCase()
  const ownerId = stringAt(objectAt(doc, 'owner'), 'id')?.toLowerCase()
  if (certified !== undefined && certified !== 'true' && certified !== 'false')
    throw generic('isCertified must be true or false.')
  if (projectId && !state.catalog.data.projects.some((p) => p.siteId === v.siteId && p.id === projectId))
    throw new ApiError(
      403,
      '403177',
      'Forbidden',
      `The project '${projectId}' does not exist or cannot receive assets.`,
    )
  if (ownerId && !state.catalog.data.users.some((u) => u.id === ownerId))
    throw new ApiError(403, '403176', 'Forbidden', `The user '${ownerId}' cannot own the virtual connection.`)
  if (ownerId && ownerId !== v.ownerId && !actor.admin)
    throw new ApiError(403, '403176', 'Forbidden', 'Only administrators can change the owner of a virtual connection.')
  if (projectId && projectId !== v.projectId)
    requireAccess(state, actor, { role: 'Creator', capability: 'ChangeHierarchy', v, code: '403178' })
  const targetName = name ?? v.name
  const targetProject = projectId ?? v.projectId
  const clash = state.vconns.data.virtualConnections.some(
    (o) =>
      o !== v && o.siteId === v.siteId && !o.draft && o.projectId === targetProject && sameName(o.name, targetName),
  )
  if (clash && !v.draft)
    throw new ApiError(
      409,
      '409124',
      'Conflict',
      `A virtual connection named '${targetName}' already exists in the project.`,
    )
  Object.assign(v, {
    name: targetName,
    projectId: targetProject,
    ...(ownerId && { ownerId }),
    ...(certified !== undefined && { isCertified: certified === 'true' }),
    ...(note !== undefined && { certificationNote: note }),
    updatedAt: now(),
  })
  await state.vconns.save()
  return { status: 200, body: [vconnUpdatedElement(v)] }
}

/** DELETE …/virtualconnections/{id} → 204. */
export const deleteVirtualConnection: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  requireAccess(state, actorOf(state, ctx), { role: 'Creator', capability: 'Delete', v, code: '403004' })
  ctx.req.resume()
  state.vconns.data.virtualConnections = state.vconns.data.virtualConnections.filter((o) => o !== v)
  await state.vconns.save()
  return { status: 204 }
}

/** GET …/virtualconnections/{id}/revisions: every revision, `current="true"` on the active one. */
export const listVirtualConnectionRevisions: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  const actor = actorOf(state, ctx)
  requireAccess(state, actor, { role: 'Creator', code: '403173' })
  requireAccess(state, actor, { role: 'Creator', capability: 'Overwrite', v, code: '403054' })
  const last = v.revisions.length
  return pagedReply(ctx.query, 'revisions', v.revisions, (r) => {
    const publisher = state.catalog.data.users.find((u) => u.id === r.publisherId)
    return el(
      'revision',
      { revisionNumber: r.number, publishedAt: r.publishedAt, deleted: false, current: r.number === last },
      [el('publisher', { id: r.publisherId, name: publisher?.name })],
    )
  })
}

/** GET …/virtualconnections/{id}/revisions/{n}: an earlier revision (the active one is 400200). */
export const downloadVirtualConnectionRevision: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  requireAccess(state, actorOf(state, ctx), { role: 'Creator', capability: 'Overwrite', v, code: '403174' })
  const raw = ctx.params['revision']!
  const revision = /^\d+$/.test(raw) ? v.revisions.find((r) => r.number === Number(raw)) : undefined
  if (!revision)
    throw new ApiError(404, '404049', 'Virtual connection not found', `Revision '${raw}' of '${v.id}' does not exist.`)
  if (revision.number === v.revisions.length)
    throw new ApiError(
      400,
      '400200',
      'Generic error',
      `Revision ${raw} is the active virtual connection, not a historical revision; download it with Download Virtual Connection.`,
    )
  return { status: 200, body: [vconnContentElement(v, revision.content)] }
}
