import type { Dispatcher } from 'undici'
import type { Environment } from '../../environment.js'
import { type ApiRequest, compose, type Layer, type Send } from './api-request.js'
import { concurrencyLayer } from './concurrency-layer.js'
import { type HttpTimeouts, httpLayer } from './http.js'
import { reauthLayer, type SessionHandle } from './reauth-layer.js'
import { apiPath, checkRequestPath, joinPaths, type RequestPath } from './request-path.js'
import { type RetryPolicyOptions, retryLayer } from './retry-policy.js'
import type { SiteLimiter } from './site-limiter.js'

// The client's transport, top to bottom. A request (an `ApiRequest` from a resource module) passes:
//
//   endpoints  resolves `scope` + `path` to the URL path; maps the transport's errors to the endpoint's own
//   re-auth    adds the session token; on a 401 signs in again once and repeats
//   retry      repeats transient failures under the policy (backoff, Retry-After, 409094 budget)
//   limit      holds one of the site's request slots per attempt (process-wide per origin and site, FIFO)
//   http       sends one attempt with undici, decodes JSON/XML, validates the body with the request's zod schema
//
// Adding an endpoint never touches this file: describe it in its resource folder's endpoints.ts.

/** The root of the VizQL Data Service's endpoints (the catalogue's `vds` scope). */
export const VDS_ROOT = apiPath`/api/v1/vizql-data-service`

/** The endpoints layer: the one place a request's path is rooted, and its error mapping applied. */
export function endpointLayer(session: Pick<SessionHandle, 'apiVersion' | 'siteId'>): Layer {
  return (next) => async (request) => {
    const path = rootedPath(request, session)
    // Last line of defence for a path forged with a cast: nothing a URL resolver would collapse leaves.
    checkRequestPath(request.method, path)
    const resolved: ApiRequest<typeof request.schema> = { ...request, scope: 'server', path }
    try {
      return await next(resolved)
    } catch (error) {
      throw request.mapError === undefined ? error : request.mapError(error)
    }
  }
}

function rootedPath(request: ApiRequest, session: Pick<SessionHandle, 'apiVersion' | 'siteId'>): RequestPath {
  const scope = request.scope ?? 'site'
  if (scope === 'server') return request.path
  if (scope === 'vds') return joinPaths(VDS_ROOT, request.path)
  if (scope === 'api') return joinPaths(apiPath`/api/${session.apiVersion ?? ''}`, request.path)
  return joinPaths(apiPath`/api/${session.apiVersion ?? ''}/sites/${session.siteId ?? ''}`, request.path)
}

/** What the transport is built from. */
export interface TransportConfig {
  /** Server origin plus path prefix, without a trailing slash. */
  origin: string
  dispatcher: Dispatcher | undefined
  /** Headers and body time limits of every HTTP request. */
  timeouts?: HttpTimeouts | undefined
  env: Environment
  policy: RetryPolicyOptions
  session: SessionHandle
  /** The site's process-wide limiter (concurrency-layer.ts); without it nothing is limited. */
  limiter?: SiteLimiter | undefined
}

/** Builds the layered transport of one client. */
export function createTransport(config: TransportConfig): Send {
  const { origin, dispatcher, timeouts, env, policy, session, limiter } = config
  const send: Send = compose(
    endpointLayer(session),
    reauthLayer(session, env, () => send),
    retryLayer(policy, env),
    ...(limiter === undefined ? [] : [concurrencyLayer(limiter, env)]),
  )(httpLayer({ origin, dispatcher, timeouts, env, secrets: () => session.secrets() }))
  return send
}
