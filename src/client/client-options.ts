import type { Dispatcher } from 'undici'
import type { WireBatch } from '../actions/wire-schema.js'
import type { Environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import type { Capabilities } from './capabilities.js'
import type { TableauAuth } from './sessions/auth.js'
import type { Session } from './sessions/session.js'
import type { Send } from './transport/api-request.js'
import type { HttpTimeouts } from './transport/http.js'
import type { RetryPolicyOptions } from './transport/retry-policy.js'

// The options of TableauClient's entry points, and the check of the server URL.

/**
 * Options of `TableauClient.signIn`. `now`, `sleep`, `random` and `logger` are the client's
 * `Environment` (each defaults to the real one); pass the same parts to `pushChanges` and the pipelines.
 */
export interface SignInOptions extends Partial<Environment> {
  /**
   * What `hyperdelta probe` found on this server (see `readCapabilities`): requests using a fact it saw rejected are
   * refused before anything is sent (`CAPABILITY_REJECTED`). Without it nothing changes.
   */
  capabilities?: Capabilities

  /** Server origin, e.g. `https://tableau.example.com` (a path prefix is kept). */
  server: string
  /** Site content URL as in `/#/site/<contentUrl>/…`; `''` (default) is the default site. */
  site?: string
  auth: TableauAuth
  /**
   * undici dispatcher (Agent, ProxyAgent, MockAgent…). Default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from
   * `env` are honoured (undici's EnvHttpProxyAgent), `ca` is trusted, otherwise undici's global one.
   */
  dispatcher?: Dispatcher
  /** Extra CA certificates (PEM) to trust, e.g. a corporate TLS-inspecting proxy's; NODE_EXTRA_CA_CERTS works too. */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /** Where proxy variables are read; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /**
   * Time limits of every HTTP request (defaults: headers 120 s, body 120 s). A server that accepts and never
   * answers fails as a retryable `NETWORK_ERROR` (retried by the policy). The connect limit is the
   * dispatcher's (undici's default agent: 10 s; pass `new Agent({ connect: { timeout } })` to change it).
   */
  timeouts?: Partial<HttpTimeouts>
  retry?: Partial<RetryPolicyOptions>
  /**
   * Requests in flight at once on this server and site, for the whole process (default 10: Tableau Cloud serves
   * about 20 per site and answers more with 429, see SITE_LIMIT_FACTS). Every client of the process on the same
   * origin and site shares one FIFO queue; its limit is the smallest any open client asked for.
   */
  maxConcurrentRequests?: number
  /** Refuse servers below this REST API version (default and lowest allowed: 3.13). */
  minApiVersion?: string
  /** Never use a REST API version above this (default `MAX_API_VERSION`). */
  maxApiVersion?: string
}

/** What TableauClient's constructor keeps. */
export interface ClientInit {
  server: string
  site: string
  env: Environment
  session: Session
  transport: Send
  capabilities: Capabilities | undefined
}

/** Request of `TableauClient.updateData`. */
export interface UpdateDataRequest {
  /** Data source LUID. */
  datasource: string
  /** Connection LUID: required when the data source has several connections (see `resolveConnection`). */
  connection?: string
  /** The compiled actions (validated again before anything is sent). */
  actions: WireBatch
  /** An existing upload session holding the payload. */
  uploadSessionId?: string
  /** A payload file to upload first (exclusive with `uploadSessionId`). */
  payload?: string
  /** Idempotency key sent as the `RequestID` header, the same on every retry. */
  requestId: string
  signal?: AbortSignal
}

export function parseServer(server: string): string {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw new HyperdeltaError('CONFIG_INVALID', `client: server must be an http(s) URL, got "${server}"`, {
      details: { field: 'server' },
    })
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search) {
    throw new HyperdeltaError('CONFIG_INVALID', 'client: server must be an http(s) URL without credentials or query', {
      details: { field: 'server' },
    })
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
