import type { Environment } from '../../environment.js'
import { HyperdeltaError } from '../../errors.js'
import type { Layer, Send } from './api-request.js'
import { isAuthExpired } from './http.js'

// The re-auth layer of the transport: it adds the session token to every authenticated request and, on a 401, has
// the session sign in again once. The session itself (sessions/session.ts) is seen only through SessionHandle, so
// the transport does not depend on how signing in works.

/** What the transport needs of a signed-in session. */
export interface SessionHandle {
  /** Negotiated REST API version (roots `api` and `site` paths). */
  readonly apiVersion: string | undefined
  /** Site LUID (roots `site` paths). */
  readonly siteId: string | undefined
  readonly token: string | undefined
  /** Everything to scrub from text that ends up in an error. */
  secrets(): readonly string[]
  /** Signs in again through `send` unless another call already replaced `staleToken`. */
  reauth(staleToken: string | undefined, send: Send): Promise<void>
}

/**
 * The re-auth layer: adds `X-Tableau-Auth` to requests with `auth !== false`, and answers a 401 by signing in again
 * once through `transport()` (the whole stack). A second 401 after that is `AUTH_FAILED`.
 */
export function reauthLayer(session: SessionHandle, env: Environment, transport: () => Send): Layer {
  return (next) => async (request) => {
    if (request.auth === false) return next(request)
    let reauthed = false
    for (;;) {
      const token = session.token
      const headers = { ...request.headers, ...(token !== undefined && { 'X-Tableau-Auth': token }) }
      try {
        return await next({ ...request, headers })
      } catch (error) {
        if (request.reauth === false || !isAuthExpired(error)) throw error
        if (reauthed) {
          throw new HyperdeltaError(
            'AUTH_FAILED',
            `auth: still unauthorized after signing in again (${error.details.tableauCode ?? 401})`,
            { cause: error, details: { ...error.details } },
          )
        }
        reauthed = true
        env.logger.info('auth: token rejected, signing in again', { tableauCode: error.details.tableauCode })
        await session.reauth(token, transport())
      }
    }
  }
}
