import type { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { inspect } from 'node:util'
import { Agent, type Dispatcher } from 'undici'
import type { z } from 'zod'
import { parseActions } from '../actions/parse-actions.js'
import type { WireBatch } from '../actions/wire-schema.js'
import { HyperdeltaError } from '../errors.js'
import { type Logger, silentLogger } from '../logger.js'
import {
  compareApiVersions,
  MAX_API_VERSION,
  MIN_API_VERSION,
  negotiateApiVersion,
  SERVER_INFO_API_VERSION,
} from './api-version.js'
import { authKind, signInBody, type TableauAuth } from './auth.js'
import {
  type ApiCaller,
  type Connection,
  chooseConnection,
  type Datasource,
  findDatasource,
  listConnections,
} from './datasource-lookup.js'
import {
  DEFAULT_HTTP_TIMEOUTS,
  type HttpCall,
  type HttpRuntime,
  type HttpTimeouts,
  isAuthExpired,
  sendOnce,
} from './http.js'
import { type Job, toJob } from './job.js'
import {
  cancelJobResponseSchema,
  emptyResponseSchema,
  jobResponseSchema,
  serverInfoResponseSchema,
  signInResponseSchema,
} from './responses.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions, type RetryRuntime, withRetry } from './retry-policy.js'
import { type UploadFileOptions, type UploadResult, uploadFile } from './upload-file.js'
import { type WaitForJobOptions, waitForJob } from './wait-for-job.js'

/** Options of {@link TableauClient.signIn}. */
export interface SignInOptions {
  /** Server origin, e.g. `https://tableau.example.com` (a path prefix is kept). */
  server: string
  /** Site content URL as in `/#/site/<contentUrl>/…`; `''` (default) is the default site. */
  site?: string
  auth: TableauAuth
  /** undici dispatcher (Agent, ProxyAgent, MockAgent…); default: undici's global one. */
  dispatcher?: Dispatcher
  /**
   * Time limits of every HTTP request (defaults: connect 30 s, headers 120 s, body 120 s). A server that
   * never answers fails as a retryable `NETWORK_ERROR` (retried by the policy). `connectMs` applies when
   * no `dispatcher` is given (the client then uses its own agent); configure your dispatcher otherwise.
   */
  timeouts?: Partial<HttpTimeouts>
  logger?: Logger
  /** Sleep used by retries and the job waiter; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
  random?: () => number
  retry?: Partial<RetryPolicyOptions>
  /** Refuse servers below this REST API version (default and lowest allowed: 3.13). */
  minApiVersion?: string
  /** Never use a REST API version above this (default {@link MAX_API_VERSION}). */
  maxApiVersion?: string
}

export type { Connection, Datasource } from './datasource-lookup.js'

/** Request of {@link TableauClient.updateData}. */
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

interface CallSpec<S extends z.ZodType> {
  layer: string
  method: HttpCall<S>['method']
  path: string
  headers?: Record<string, string>
  body?: () => string | Readable
  expect: readonly number[]
  schema: S
  requestId?: string
  signal?: AbortSignal | undefined
  /** false: no token, no re-sign-in (server info, sign-in). */
  auth?: boolean
  maxAttempts?: number
  /** false for calls that are not idempotent (appends): see isAmbiguousFailure. */
  retryAmbiguous?: boolean
}

interface Runtime extends RetryRuntime {
  logger: Logger
  dispatcher: Dispatcher | undefined
  timeouts: HttpTimeouts
  /** An agent the client created (for `timeouts.connectMs`), closed by close(). */
  ownAgent: Agent | undefined
}

function httpTimeouts(given: Partial<HttpTimeouts> | undefined): HttpTimeouts {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...given }
  for (const [field, ms] of Object.entries(timeouts)) {
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new HyperdeltaError('CONFIG_INVALID', `client: timeouts.${field} must be a positive number of ms`, {
        details: { field: `timeouts.${field}` },
      })
    }
  }
  return timeouts
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined)

function parseServer(server: string): string {
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

/**
 * A signed-in session on one Tableau site, for the Hyper Update flow: find the data source, upload a payload,
 * `PATCH …/data`, wait for the job. Every call is retried by one policy (network errors, 408, 429, 5xx, 409094),
 * re-signs in once on 401, and validates every response with zod. Credentials and the session token are held in
 * private fields and never appear in logs, errors, `inspect` or `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { TableauClient } from 'hyperdelta'
 * const client = await TableauClient.signIn({
 *   server: 'https://tableau.example.com', site: 'marketing',
 *   auth: { personalAccessToken: { name: process.env.TABLEAU_PAT_NAME!, secret: process.env.TABLEAU_PAT_SECRET! } },
 * })
 * try {
 *   const ds = await client.findDatasource({ name: 'Orders', project: 'Sales' })
 *   const connection = await client.resolveConnection(ds.id)
 *   const job = await client.updateData({ datasource: ds.id, connection, actions, payload: 'changes.parquet', requestId })
 *   await client.waitForJob(job.id, { timeoutMs: 2 * 3600_000 })
 * } finally {
 *   await client.close()
 * }
 * ```
 */
export class TableauClient {
  /** Server origin (plus path prefix, if any). */
  readonly server: string
  /** Site content URL ('' = default site). */
  readonly site: string
  /** The negotiated REST API version used in every URL. */
  readonly apiVersion: string
  /** Site LUID from sign-in (URLs use it, not the content URL). */
  readonly siteId: string
  /** Signed-in user's LUID, when the server reports it. */
  readonly userId: string | undefined

  readonly #auth: TableauAuth
  readonly #runtime: Runtime
  readonly #policy: RetryPolicyOptions
  #token: string
  #secrets: string[]
  #reauthing: Promise<void> | undefined
  #closing: Promise<void> | undefined

  private constructor(init: {
    server: string
    site: string
    apiVersion: string
    siteId: string
    userId: string | undefined
    auth: TableauAuth
    runtime: Runtime
    policy: RetryPolicyOptions
    token: string
    secrets: string[]
  }) {
    this.server = init.server
    this.site = init.site
    this.apiVersion = init.apiVersion
    this.siteId = init.siteId
    this.userId = init.userId
    this.#auth = init.auth
    this.#runtime = init.runtime
    this.#policy = init.policy
    this.#token = init.token
    this.#secrets = init.secrets
  }

  /**
   * Reads the server's REST API version (`GET /api/2.4/serverInfo`, unauthenticated), picks
   * min(server, ours), refuses servers below 3.13 (`API_VERSION_UNSUPPORTED`), then signs in.
   *
   * @example
   * ```ts
   * const client = await TableauClient.signIn({ server, site: '', auth: { password: { username, password } } })
   * console.log(client.apiVersion, client.siteId)
   * ```
   */
  static async signIn(options: SignInOptions): Promise<TableauClient> {
    const server = parseServer(options.server)
    const site = options.site ?? ''
    const minApi = options.minApiVersion ?? MIN_API_VERSION
    if (!/^\d+\.\d+$/.test(minApi) || compareApiVersions(minApi, MIN_API_VERSION) < 0) {
      throw new HyperdeltaError('CONFIG_INVALID', `client: minApiVersion must be at least ${MIN_API_VERSION}`, {
        details: { field: 'minApiVersion' },
      })
    }
    const timeouts = httpTimeouts(options.timeouts)
    // Without a dispatcher, a connect limit other than undici's default needs an agent of our own.
    const ownAgent =
      options.dispatcher === undefined && options.timeouts?.connectMs !== undefined
        ? new Agent({ connect: { timeout: timeouts.connectMs } })
        : undefined
    const runtime: Runtime = {
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      logger: options.logger ?? silentLogger,
      dispatcher: options.dispatcher ?? ownAgent,
      timeouts,
      ownAgent,
    }
    try {
      const policy: RetryPolicyOptions = { ...DEFAULT_RETRY_POLICY, ...options.retry }
      const http = (secrets: () => readonly string[]): HttpRuntime => ({
        origin: server,
        dispatcher: runtime.dispatcher,
        timeouts: runtime.timeouts,
        logger: runtime.logger,
        now: runtime.now,
        secrets,
      })
      const info = await callWithRetry(
        http(() => []),
        runtime,
        policy,
        {
          layer: 'client',
          method: 'GET',
          path: `/api/${SERVER_INFO_API_VERSION}/serverInfo`,
          headers: { Accept: 'application/json' },
          expect: [200],
          schema: serverInfoResponseSchema,
        },
      )
      const apiVersion = negotiateApiVersion(info.serverInfo.restApiVersion, {
        min: minApi,
        max: options.maxApiVersion ?? MAX_API_VERSION,
      })
      const session = await signInOnce(server, site, apiVersion, options.auth, runtime, policy, http)
      runtime.logger.info('auth: signed in', { server, site, apiVersion, auth: authKind(options.auth) })
      return new TableauClient({ server, site, apiVersion, auth: options.auth, runtime, policy, ...session })
    } catch (error) {
      await ownAgent?.close()
      throw error
    }
  }

  /** `/api/{v}/sites/{siteId}` + path. */
  #sitePath(path: string): string {
    return `/api/${this.apiVersion}/sites/${encodeURIComponent(this.siteId)}${path}`
  }

  #http(): HttpRuntime {
    return {
      origin: this.server,
      dispatcher: this.#runtime.dispatcher,
      timeouts: this.#runtime.timeouts,
      logger: this.#runtime.logger,
      now: this.#runtime.now,
      secrets: () => [this.#token, ...this.#secrets],
    }
  }

  /** One authenticated call: retried by the policy, and signed in again once (serialized) on 401. */
  async #call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    let reauthed = false
    for (;;) {
      if (this.#closing) {
        throw new HyperdeltaError('CLIENT_CLOSED', `${spec.layer}: the client is closed (signed out)`, { details: {} })
      }
      const token = this.#token
      try {
        return await callWithRetry(this.#http(), this.#runtime, this.#policy, spec, token)
      } catch (error) {
        if (spec.auth === false || !isAuthExpired(error)) throw error
        if (reauthed) {
          const e = error as HyperdeltaError
          throw new HyperdeltaError(
            'AUTH_FAILED',
            `auth: still unauthorized after signing in again (${e.details['tableauCode'] ?? 401})`,
            { cause: e, details: { ...e.details } },
          )
        }
        reauthed = true
        this.#runtime.logger.info('auth: token rejected, signing in again', {
          tableauCode: (error as HyperdeltaError).details['tableauCode'],
        })
        await this.#reauth(token)
      }
    }
  }

  /**
   * Signs in again, at most once at a time: a PAT allows one session, so concurrent sign-ins would invalidate each
   * other. Calls that saw the same stale token share one sign-in.
   */
  async #reauth(staleToken: string): Promise<void> {
    if (this.#token !== staleToken) return
    this.#reauthing ??= (async () => {
      try {
        const session = await signInOnce(
          this.server,
          this.site,
          this.apiVersion,
          this.#auth,
          this.#runtime,
          this.#policy,
          (secrets) => ({ ...this.#http(), secrets }),
        )
        if (session.siteId !== this.siteId) {
          this.#runtime.logger.warn('auth: site id changed on re-sign-in', { siteId: session.siteId })
        }
        this.#token = session.token
        this.#secrets = session.secrets
      } finally {
        this.#reauthing = undefined
      }
    })()
    await this.#reauthing
  }

  /**
   * Finds a data source by LUID, or by name (and optionally project name or id). Throws `DATASOURCE_NOT_FOUND`, or
   * `DATASOURCE_AMBIGUOUS` when several match (pass `project`, or the id).
   *
   * @example
   * ```ts
   * const ds = await client.findDatasource({ name: 'Orders', project: 'Sales' })
   * ```
   */
  findDatasource(query: { id: string } | { name: string; project?: string }): Promise<Datasource> {
    return findDatasource(this.#caller(), query)
  }

  /**
   * The connections of a data source (spec §5.3). `DATASOURCE_NOT_FOUND` when the id is unknown.
   *
   * @example
   * ```ts
   * const connections = await client.listConnections(ds.id)
   * ```
   */
  listConnections(datasourceId: string): Promise<Connection[]> {
    return listConnections(this.#caller(), datasourceId)
  }

  /**
   * Preflight for `updateData`: which connection to target. Returns `connectionId` after checking it exists
   * (`CONNECTION_NOT_FOUND` otherwise); without one, `undefined` (use `…/data`) when the data source has at most one
   * connection, or `CONNECTION_REQUIRED` when it has several (the server would answer 403062).
   *
   * @example
   * ```ts
   * const connection = await client.resolveConnection(ds.id)
   * ```
   */
  async resolveConnection(datasourceId: string, connectionId?: string): Promise<string | undefined> {
    return chooseConnection(await this.listConnections(datasourceId), datasourceId, connectionId)
  }

  /** The authenticated, retried call and the site path, for the helpers in separate files. */
  #caller(): ApiCaller {
    return { call: (spec) => this.#call(spec), sitePath: (path) => this.#sitePath(path) }
  }

  /**
   * Uploads a file through a file-upload session: initiate, then append parts of at most 64 MiB streamed from disk.
   *
   * @example
   * ```ts
   * const { uploadSessionId } = await client.uploadFile('changes.parquet', {
   *   onProgress: (p) => console.log(`${p.uploadedBytes}/${p.totalBytes}`),
   * })
   * ```
   */
  uploadFile(path: string, options: UploadFileOptions = {}): Promise<UploadResult> {
    return uploadFile(
      {
        call: (spec) => this.#call(spec),
        sitePath: (p) => this.#sitePath(p),
      },
      path,
      options,
    )
  }

  /**
   * `PATCH …/datasources/{id}[/connections/{cid}]/data[?uploadSessionId=…]` with the actions as JSON and the
   * `RequestID` header (reused on every retry, so the server applies the request once). Uploads `payload` first
   * when given. Returns the created job (200 or 202 accepted).
   *
   * @example
   * ```ts
   * const job = await client.updateData({ datasource: ds.id, actions: wire, payload: 'changes.parquet', requestId })
   * ```
   */
  async updateData(request: UpdateDataRequest): Promise<Job> {
    if (typeof request.requestId !== 'string' || request.requestId.trim() === '') {
      throw new HyperdeltaError('CONFIG_INVALID', 'update: requestId must be a non-empty string', {
        details: { field: 'requestId' },
      })
    }
    if (typeof request.datasource !== 'string' || request.datasource === '') {
      throw new HyperdeltaError('CONFIG_INVALID', 'update: datasource must be a data source id', {
        details: { field: 'datasource' },
      })
    }
    if (request.payload !== undefined && request.uploadSessionId !== undefined) {
      throw new HyperdeltaError('CONFIG_INVALID', 'update: pass payload or uploadSessionId, not both', {
        details: { field: 'payload' },
      })
    }
    const actions = parseActions(request.actions)
    let session = request.uploadSessionId
    if (request.payload !== undefined) {
      session = (await this.uploadFile(request.payload, request.signal ? { signal: request.signal } : {}))
        .uploadSessionId
    }
    const ds = encodeURIComponent(request.datasource)
    const target =
      request.connection === undefined
        ? `/datasources/${ds}/data`
        : `/datasources/${ds}/connections/${encodeURIComponent(request.connection)}/data`
    const query = session === undefined ? '' : `?uploadSessionId=${encodeURIComponent(session)}`
    const body = JSON.stringify(actions)
    const res = await this.#call({
      layer: 'update',
      method: 'PATCH',
      path: this.#sitePath(target + query),
      headers: { 'Content-Type': 'application/json', RequestID: request.requestId },
      body: () => body,
      // 202 is what servers send; the docs say 200 (spec §7.5).
      expect: [202, 200],
      schema: jobResponseSchema,
      requestId: request.requestId,
      signal: request.signal,
    })
    const job = toJob(res.job)
    this.#runtime.logger.info('update: job created', {
      jobId: job.id,
      datasource: request.datasource,
      requestId: request.requestId,
    })
    return job
  }

  /**
   * Reads a job's current state (spec §8.1).
   *
   * @example
   * ```ts
   * const job = await client.getJob(id)
   * ```
   */
  async getJob(id: string, signal?: AbortSignal): Promise<Job> {
    const res = await this.#call({
      layer: `job ${id}`,
      method: 'GET',
      path: this.#sitePath(`/jobs/${encodeURIComponent(id)}`),
      expect: [200],
      schema: jobResponseSchema,
      signal,
    })
    return toJob(res.job)
  }

  /**
   * Waits for a job to end: first poll at once, then backoff with jitter (0.5 s ×1.4 up to 30 s) until the
   * deadline. Resolves only on success; throws `JOB_FAILED` / `JOB_CANCELLED` (details: finishCode, notes,
   * statusNotes, job), `JOB_UNKNOWN_OUTCOME`, `JOB_TIMEOUT`, or `JOB_ABORTED` after a best-effort cancel.
   *
   * @example
   * ```ts
   * const done = await client.waitForJob(job.id, { timeoutMs: 3600_000, signal, onProgress: (j) => console.log(j.progress) })
   * ```
   */
  waitForJob(id: string, options: WaitForJobOptions = {}): Promise<Job> {
    return waitForJob(id, options, {
      getJob: (jobId, signal) => this.getJob(jobId, signal),
      cancelJob: (jobId) => this.cancelJob(jobId),
      sleep: this.#runtime.sleep,
      now: this.#runtime.now,
      random: this.#runtime.random,
      logger: this.#runtime.logger,
    })
  }

  /**
   * Asks the server to cancel a job (`PUT …/jobs/{id}`). Best-effort: Tableau does not document cancelling update
   * jobs (spec §8.3), so check the job afterwards.
   *
   * @example
   * ```ts
   * await client.cancelJob(job.id)
   * ```
   */
  async cancelJob(id: string): Promise<void> {
    await this.#call({
      layer: `job ${id}`,
      method: 'PUT',
      path: this.#sitePath(`/jobs/${encodeURIComponent(id)}`),
      expect: [200, 202, 204],
      schema: cancelJobResponseSchema,
    })
  }

  /**
   * Signs out (`POST …/auth/signout`). Idempotent and never throws: a failed sign-out is logged, since the token
   * expires on its own. Later calls throw `CLIENT_CLOSED`.
   *
   * @example
   * ```ts
   * try { … } finally { await client.close() }
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#reauthing?.catch(() => {})
      try {
        await callWithRetry(
          this.#http(),
          this.#runtime,
          this.#policy,
          {
            layer: 'auth',
            method: 'POST',
            path: `/api/${this.apiVersion}/auth/signout`,
            expect: [204, 200],
            schema: emptyResponseSchema,
            maxAttempts: 2,
          },
          this.#token,
        )
        this.#runtime.logger.info('auth: signed out', { server: this.server })
      } catch (error) {
        this.#runtime.logger.warn('auth: sign-out failed (the token expires on its own)', {
          code: (error as HyperdeltaError).code,
          status: (error as HyperdeltaError).details?.['status'],
        })
      }
      await this.#runtime.ownAgent?.close()
    })()
    return this.#closing
  }

  /** What `JSON.stringify` shows: no token, no credentials. */
  toJSON(): Record<string, unknown> {
    return { server: this.server, site: this.site, siteId: this.siteId, apiVersion: this.apiVersion }
  }

  toString(): string {
    return `TableauClient(${this.server}, site "${this.site}", api ${this.apiVersion})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

/** Sends one call under the retry policy, with a fresh body per attempt. */
function callWithRetry<S extends z.ZodType>(
  http: HttpRuntime,
  runtime: Runtime,
  policy: RetryPolicyOptions,
  spec: CallSpec<S>,
  token?: string,
): Promise<z.output<S>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': 'hyperdelta',
    ...spec.headers,
    ...(token !== undefined && { 'X-Tableau-Auth': token }),
  }
  return withRetry(
    async (attempt) =>
      (
        await sendOnce(
          http,
          {
            layer: spec.layer,
            method: spec.method,
            path: spec.path,
            headers,
            ...(spec.body !== undefined && { body: spec.body() }),
            expect: spec.expect,
            schema: spec.schema,
            ...(spec.requestId !== undefined && { requestId: spec.requestId }),
            signal: spec.signal,
          },
          attempt,
        )
      ).value,
    policy,
    runtime,
    {
      label: `${spec.layer}: ${spec.method} ${spec.path.split('?')[0]}`,
      signal: spec.signal,
      ...(spec.maxAttempts !== undefined && { maxAttempts: spec.maxAttempts }),
      ...(spec.retryAmbiguous !== undefined && { retryAmbiguous: spec.retryAmbiguous }),
    },
  )
}

/** `POST /api/{v}/auth/signin` with a JSON body; a 401 becomes `AUTH_FAILED`. */
async function signInOnce(
  server: string,
  site: string,
  apiVersion: string,
  auth: TableauAuth,
  runtime: Runtime,
  policy: RetryPolicyOptions,
  http: (secrets: () => readonly string[]) => HttpRuntime,
): Promise<{ token: string; siteId: string; userId: string | undefined; secrets: string[] }> {
  const { body, secrets } = await signInBody(auth, site, runtime.now)
  let token: string | undefined
  try {
    const res = await callWithRetry(
      http(() => (token === undefined ? secrets : [token, ...secrets])),
      runtime,
      policy,
      {
        layer: 'auth',
        method: 'POST',
        path: `/api/${apiVersion}/auth/signin`,
        headers: { 'Content-Type': 'application/json' },
        body: () => body,
        expect: [200],
        schema: signInResponseSchema,
      },
    )
    token = res.credentials.token
    return { token, siteId: res.credentials.site.id, userId: res.credentials.user?.id, secrets }
  } catch (error) {
    if (error instanceof HyperdeltaError && error.code === 'API_ERROR' && error.details['status'] === 401) {
      throw new HyperdeltaError(
        'AUTH_FAILED',
        `auth: sign-in to ${server} (site "${site}") rejected: ${error.details['tableauCode'] ?? 401} ` +
          `${error.details['detail'] ?? error.details['summary'] ?? ''}`.trimEnd(),
        { cause: error, details: { ...error.details, auth: authKind(auth) } },
      )
    }
    throw error
  }
}
