import { SIGN_IN_KIND_REFUSED } from '../core/inferred.js'
import { ApiError } from '../http/api-error.js'
import type { EmulatorState, RequestContext } from './state.js'

// Whether an update PATCH accepts a session of each sign-in kind is not documented (a unified access token's in
// particular, docs/protocol.md §4.1): the personality `updateDataSignInKinds` plays a server that refuses some.

/** Refuses the update PATCH when the personality does not accept the session's sign-in kind. */
export function assertUpdateSignInKind(state: EmulatorState, ctx: RequestContext): void {
  const accepted = state.personality.updateDataSignInKinds
  const kind = ctx.session?.kind
  if (accepted === undefined || kind === undefined || accepted.includes(kind)) return
  const { status, code, summary } = SIGN_IN_KIND_REFUSED
  throw new ApiError(status, code, summary, `A session signed in with '${kind}' may not update data.`)
}
