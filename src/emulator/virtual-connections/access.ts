import { ApiError } from '../http/api-error.js'
import { DEFAULT_SITE_ROLE } from '../runtime/auth.js'
import type { EmulatorState, RequestContext } from '../runtime/state.js'
import type { VConnRecord } from '../store/virtual-connections.js'

/**
 * Who may do what to a virtual connection, as the reference page states it: a minimum site role per method, and
 * a capability on the virtual connection. Administrators and the owner hold every capability; everyone else
 * needs an Allow grant (to the user, or to a group the user is in) with no Deny (a Deny wins, as on Tableau).
 * INFERRED: without any grant a non-owner has no capability (no project default permissions are emulated).
 */

const ROLE_RANK: Record<string, number> = {
  Unlicensed: 0,
  Viewer: 1,
  Explorer: 2,
  ExplorerCanPublish: 3,
  SiteAdministratorExplorer: 3,
  Creator: 4,
  SiteAdministratorCreator: 5,
  ServerAdministrator: 6,
}
const ADMINS = new Set(['SiteAdministratorExplorer', 'SiteAdministratorCreator', 'ServerAdministrator'])

export interface Actor {
  userId: string
  role: string
  admin: boolean
}

/** The signed-in user, with the site role configured for it. */
export function actorOf(state: EmulatorState, ctx: RequestContext): Actor {
  const name = ctx.session!.userName
  const role = state.users.find((u) => u.name === name)?.siteRole ?? DEFAULT_SITE_ROLE
  return { userId: state.catalog.ensureUser(name).id, role, admin: ADMINS.has(role) }
}

/** True when the actor holds `capability` on `v`. */
export function holds(state: EmulatorState, actor: Actor, v: VConnRecord, capability: string): boolean {
  if (actor.admin || v.ownerId === actor.userId) return true
  const groups = new Set(
    state.vconns.data.groups.filter((g) => g.siteId === v.siteId && g.members.includes(actor.userId)).map((g) => g.id),
  )
  const grants = v.grants.filter(
    (g) =>
      g.capability === capability &&
      ((g.granteeType === 'user' && g.granteeId === actor.userId) ||
        (g.granteeType === 'group' && groups.has(g.granteeId))),
  )
  return grants.length > 0 && grants.every((g) => g.mode === 'Allow')
}

/** Throws `status code` unless the actor has at least `role` and (when given) `capability` on `v`. */
export function requireAccess(
  state: EmulatorState,
  actor: Actor,
  need: { role: 'Viewer' | 'Explorer' | 'Creator'; capability?: string; v?: VConnRecord; code: string },
): void {
  const roleOk = (ROLE_RANK[actor.role] ?? 0) >= ROLE_RANK[need.role]! || actor.admin
  const capabilityOk =
    need.v === undefined || need.capability === undefined || holds(state, actor, need.v, need.capability)
  if (!roleOk || !capabilityOk) {
    const why = !roleOk
      ? `site role ${actor.role} is below ${need.role}`
      : `the ${need.capability} capability is missing`
    throw new ApiError(403, need.code, 'Forbidden', `The user is not authorized for this operation: ${why}.`)
  }
}
