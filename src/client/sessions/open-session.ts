import type { Dispatcher } from 'undici'
import type { Environment } from '../../environment.js'
import { isHyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { leaseSiteLimiter, type SiteLease } from '../transport/concurrency-layer.js'
import { type HttpTimeouts, httpTimeouts } from '../transport/http.js'
import { createTransport } from '../transport/pipeline.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from '../transport/retry-policy.js'
import { maxConcurrentRequests } from '../transport/site-limits.js'
import { MAX_API_VERSION, negotiateApiVersion } from './api-version.js'
import { authKind, type TableauAuth } from './auth.js'
import * as sessions from './endpoints.js'
import { Session } from './session.js'
import { assertUatVersion, uatMaxApiVersion } from './uat.js'

/**
 * Sign-in, step by step: build the transport, read the server's REST version (`GET /api/2.4/serverinfo`,
 * unauthenticated), pick min(server, ours), then sign in. TableauClient.signIn wraps it in a client.
 */
export async function openSession(options: {
  server: string
  site: string
  auth: TableauAuth
  env: Environment
  dispatcher: Dispatcher | undefined
  timeouts?: Partial<HttpTimeouts> | undefined
  retry?: Partial<RetryPolicyOptions> | undefined
  minApi: string
  maxApiVersion?: string | undefined
  maxConcurrentRequests?: number | undefined
}): Promise<{ session: Session; transport: Send }> {
  const { server, site, minApi, env } = options
  const session = new Session({ server, site, auth: options.auth, env })
  const timeouts = httpTimeouts(options.timeouts)
  const lease = leaseSiteLimiter(server, site, maxConcurrentRequests(options.maxConcurrentRequests))
  const transport = createTransport({
    origin: server,
    dispatcher: options.dispatcher,
    timeouts,
    env,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    session,
    limiter: lease.limiter,
  })
  try {
    const info = await transport(sessions.serverInfo())
    const uat = authKind(options.auth) === 'uat'
    const max = uat
      ? uatMaxApiVersion(MAX_API_VERSION, options.maxApiVersion)
      : (options.maxApiVersion ?? MAX_API_VERSION)
    session.apiVersion = negotiateApiVersion(info.serverInfo.restApiVersion, { min: minApi, max })
    if (uat) assertUatVersion(session.apiVersion, info.serverInfo.restApiVersion, max)
    await session.signIn(transport)
  } catch (error) {
    lease.release()
    throw error
  }
  leases.set(session, lease)
  env.logger.info('auth: signed in', { server, site, apiVersion: session.apiVersion, auth: authKind(options.auth) })
  return { session, transport }
}

/** Each open session's hold on its site's request limiter, given back by closeSession. */
const leases = new WeakMap<Session, SiteLease>()

/** Sign-out: waits for a re-sign-in in flight, signs out (a failure is logged: the token expires on its own), closes an owned dispatcher. */
export async function closeSession(o: {
  session: Session
  transport: Send
  env: Environment
  server: string
  dispatcher: Dispatcher | undefined
}): Promise<void> {
  await o.session.settled()
  try {
    await o.transport(sessions.signOut())
    o.env.logger.info('auth: signed out', { server: o.server })
  } catch (error) {
    o.env.logger.warn('auth: sign-out failed (the token expires on its own)', {
      code: isHyperdeltaError(error) ? error.code : undefined,
      status: isHyperdeltaError(error, 'API_ERROR') ? error.details.status : undefined,
    })
  }
  leases.get(o.session)?.release()
  await o.dispatcher?.close()
}
