import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import type { z } from 'zod'
import { parseActions } from '../actions/parse-actions.js'
import type { WireBatch } from '../actions/wire-schema.js'
import { type Environment, environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import type { ApiRequest, Send } from './api-request.js'
import { compareApiVersions, MAX_API_VERSION, MIN_API_VERSION, negotiateApiVersion } from './api-version.js'
import { authKind, type TableauAuth } from './auth.js'
import { assertSupported, type Capabilities } from './capabilities.js'
import {
  type Connection,
  chooseConnection,
  type Datasource,
  findDatasource,
  listConnections,
} from './datasource-lookup.js'
import { DatasourcesApi } from './datasources/datasources-api.js'
import { type Job, toJob } from './job.js'
import { createTransport } from './pipeline.js'
import * as datasources from './resources/datasources.js'
import * as jobs from './resources/jobs.js'
import * as sessions from './resources/sessions.js'
import * as vds from './resources/vizql-data-service.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from './retry-policy.js'
import { Session } from './session.js'
import { type UploadFileOptions, type UploadResult, uploadFile } from './upload-file.js'
import type { VizqlReader } from './vizql-data-service.js'
import { type WaitForJobOptions, waitForJob } from './wait-for-job.js'

/**
 * Options of {@link TableauClient.signIn}. `now`, `sleep`, `random` and `logger` are the client's
 * {@link Environment} (each defaults to the real one); pass the same parts to `pushChanges` and the pipelines.
 */
export interface SignInOptions extends Partial<Environment> {
  /** Server origin, e.g. `https://tableau.example.com` (a path prefix is kept). */
  server: string
  /** Site content URL as in `/#/site/<contentUrl>/…`; `''` (default) is the default site. */
  site?: string
  auth: TableauAuth
  /** undici dispatcher (Agent, ProxyAgent, MockAgent…); default: undici's global one. */
  dispatcher?: Dispatcher
  retry?: Partial<RetryPolicyOptions>
  /** Refuse servers below this REST API version (default and lowest allowed: 3.13). */
  minApiVersion?: string
  /** Never use a REST API version above this (default {@link MAX_API_VERSION}). */
  maxApiVersion?: string
  /**
   * What `hyperdelta probe` found on this server (see `readCapabilities`): requests using a fact it saw rejected are
   * refused before anything is sent (`CAPABILITY_REJECTED`). Without it nothing changes.
   */
  capabilities?: Capabilities
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
  /** The probed capabilities given at sign-in, if any. */
  readonly capabilities: Capabilities | undefined
  /**
   * The VizQL Data Service of this server: reads a published data source's rows back (used by `verify` and `probe`).
   *
   * @example
   * ```ts
   * const [row] = await client.vizql.queryDatasource(ds.id, { fields: [{ fieldCaption: 'id', function: 'COUNT' }] })
   * ```
   */
  readonly vizql: VizqlReader = {
    readMetadata: async (luid, signal) => (await this.#send(vds.readMetadata(luid, signal))).data,
    queryDatasource: async (luid, query, options) => (await this.#send(vds.queryDatasource(luid, query, options))).data,
  }

  readonly #env: Environment
  readonly #session: Session
  readonly #transport: Send
  #closing: Promise<void> | undefined

  private constructor(init: {
    server: string
    site: string
    env: Environment
    session: Session
    transport: Send
    capabilities: Capabilities | undefined
  }) {
    this.capabilities = init.capabilities
    this.server = init.server
    this.site = init.site
    this.apiVersion = init.session.apiVersion ?? ''
    this.siteId = init.session.siteId ?? ''
    this.userId = init.session.userId
    this.#env = init.env
    this.#session = init.session
    this.#transport = init.transport
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
    const env = environment(options)
    const session = new Session({ server, site, auth: options.auth, env })
    const transport = createTransport({
      origin: server,
      dispatcher: options.dispatcher,
      env,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      session,
    })
    const info = await transport(sessions.serverInfo())
    session.apiVersion = negotiateApiVersion(info.serverInfo.restApiVersion, {
      min: minApi,
      max: options.maxApiVersion ?? MAX_API_VERSION,
    })
    await session.signIn(transport)
    env.logger.info('auth: signed in', {
      server,
      site,
      apiVersion: session.apiVersion,
      auth: authKind(options.auth),
    })
    return new TableauClient({ server, site, env, session, transport, capabilities: options.capabilities })
  }

  /** Sends one request through the transport (refused once the client is closed). */
  #send: Send = (request) => {
    if (this.#closing) {
      return Promise.reject(
        new HyperdeltaError('CLIENT_CLOSED', `${request.label}: the client is closed (signed out)`, { details: {} }),
      )
    }
    return this.#transport(request)
  }

  /**
   * Sends a request described by a resource module (see `src/client/resources/`), through the same layers as
   * every method of the client: site path, session token and re-sign-in, retry policy, zod validation.
   */
  request<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>> {
    return this.#send(request)
  }

  /**
   * Every Data Sources method (publish, query, download, update, connections, refresh, tags, revisions, keychains,
   * delete) on the same transport.
   *
   * @example
   * ```ts
   * await client.datasources.publish({ name: 'Orders', file: 'orders.parquet', mode: 'overwrite' })
   * ```
   */
  readonly datasources: DatasourcesApi = new DatasourcesApi((request) => this.#send(request))

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
    return findDatasource(this.#send, query)
  }

  /**
   * The connections of a data source. `DATASOURCE_NOT_FOUND` when the id is unknown.
   *
   * @example
   * ```ts
   * const connections = await client.listConnections(ds.id)
   * ```
   */
  listConnections(datasourceId: string): Promise<Connection[]> {
    return listConnections(this.#send, datasourceId)
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
    return uploadFile(this.#send, path, options)
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
    assertSupported(this.capabilities, {
      actions: actions.actions,
      hasPayload: request.payload !== undefined || request.uploadSessionId !== undefined,
    })
    const body = JSON.stringify(actions)
    let uploadSessionId = request.uploadSessionId
    if (request.payload !== undefined) {
      const upload = await this.uploadFile(request.payload, request.signal ? { signal: request.signal } : {})
      uploadSessionId = upload.uploadSessionId
    }
    const res = await this.#send(
      datasources.updateData({
        datasource: request.datasource,
        connection: request.connection,
        uploadSessionId,
        body,
        requestId: request.requestId,
        signal: request.signal,
      }),
    )
    const job = toJob(res.job)
    this.#env.logger.info('update: job created', {
      jobId: job.id,
      datasource: request.datasource,
      requestId: request.requestId,
    })
    return job
  }

  /**
   * Reads a job's current state.
   *
   * @example
   * ```ts
   * const job = await client.getJob(id)
   * ```
   */
  async getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return toJob((await this.#send(jobs.getJob(id, signal))).job)
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
    return waitForJob(
      id,
      options,
      { getJob: (jobId, signal) => this.getJob(jobId, signal), cancelJob: (jobId) => this.cancelJob(jobId) },
      this.#env,
    )
  }

  /**
   * Asks the server to cancel a job (`PUT …/jobs/{id}`). Best-effort: Tableau does not document cancelling update
   * jobs, so check the job afterwards.
   *
   * @example
   * ```ts
   * await client.cancelJob(job.id)
   * ```
   */
  async cancelJob(id: string): Promise<void> {
    await this.#send(jobs.cancelJob(id))
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
      await this.#session.settled()
      try {
        await this.#transport(sessions.signOut())
        this.#env.logger.info('auth: signed out', { server: this.server })
      } catch (error) {
        this.#env.logger.warn('auth: sign-out failed (the token expires on its own)', {
          code: error instanceof HyperdeltaError ? error.code : undefined,
          status: error instanceof HyperdeltaError ? error.details['status'] : undefined,
        })
      }
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
