import { inspect } from 'node:util'
import type { Dispatcher } from 'undici'
import type { z } from 'zod'
import { type Environment, environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import { type Capabilities, probedPartSize } from './capabilities.js'
import { type ClientInit, parseServer, type SignInOptions, type UpdateDataRequest } from './client-options.js'
import { DatasourcesApi } from './datasources/datasources-api.js'
import { chooseConnection, findDatasource, listConnections } from './datasources/lookup.js'
import type { ConnectionDetails, DatasourceDetails } from './datasources/types.js'
import * as jobs from './jobs/endpoints.js'
import { type Job, toJob } from './jobs/job.js'
import { type WaitForJobOptions, waitForJob } from './jobs/wait-for-job.js'
import { compareApiVersions, MIN_API_VERSION } from './sessions/api-version.js'
import type { SignInKind } from './sessions/auth.js'
import { closeSession, openSession } from './sessions/open-session.js'
import type { Session } from './sessions/session.js'
import type { ApiRequest, Send } from './transport/api-request.js'
import { defaultDispatcher } from './transport/dispatcher.js'
import { updateData } from './update-data.js'
import { type UploadFileOptions, type UploadResult, uploadFile } from './uploads/upload-file.js'
import { VirtualConnections } from './virtual-connections/virtual-connections-api.js'
import { vizqlReader } from './vizql-data-service/endpoints.js'
import type { VizqlReader } from './vizql-data-service/vds.js'

export type { SignInOptions, UpdateDataRequest } from './client-options.js'
export type { Connection, Datasource } from './datasources/types.js'

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
  /** How this client signed in: `personalAccessToken`, `password`, `jwt` or `uat` (`probe` records it). */
  readonly signInKind: SignInKind
  /** Site LUID from sign-in (URLs use it, not the content URL). */
  readonly siteId: string
  /** Signed-in user's LUID, when the server reports it. */
  readonly userId: string | undefined
  /** What `hyperdelta probe` found on this server (`signIn({ capabilities })`); consulted before each update. */
  readonly capabilities: Capabilities | undefined
  readonly #env: Environment
  readonly #session: Session
  readonly #transport: Send
  #closing: Promise<void> | undefined

  private constructor(init: ClientInit) {
    this.server = init.server
    this.site = init.site
    this.apiVersion = init.session.apiVersion ?? ''
    this.signInKind = init.session.kind
    this.siteId = init.session.siteId ?? ''
    this.userId = init.session.userId
    this.capabilities = init.capabilities
    this.#env = init.env
    this.#session = init.session
    this.#transport = init.transport
  }

  /**
   * Reads the server's REST API version (`GET /api/2.4/serverinfo`, unauthenticated), picks
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
    // Our own dispatcher only when the environment or `ca` asks for one (proxy, custom CA); closed by close().
    const owned =
      options.dispatcher === undefined
        ? defaultDispatcher({ ca: options.ca, env: options.env ?? process.env })
        : undefined
    try {
      const dispatcher = options.dispatcher ?? owned
      const { session, transport } = await openSession({ ...options, server, site, env, dispatcher, minApi })
      const client = new TableauClient({ server, site, env, session, transport, capabilities: options.capabilities })
      client.#ownedDispatcher = owned
      return client
    } catch (error) {
      await owned?.close()
      throw error
    }
  }

  /** The dispatcher signIn created (proxy / CA), closed with the client. */
  #ownedDispatcher: Dispatcher | undefined

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
   * Sends a request described by a resource module (each resource folder's `endpoints.ts`), through the same layers as
   * every method of the client: site path, session token and re-sign-in, retry policy, zod validation.
   */
  request<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>> {
    return this.#send(request)
  }

  /** The Virtual Connections API (XML; `.inFormat('json')` for JSON), over the same transport. */
  get virtualConnections(): VirtualConnections {
    return new VirtualConnections(this.#send, 'xml', this.userId)
  }
  /** Every Data Sources method (publish, query, download, revisions, tags, keychains…), e.g. `client.datasources.publish({ name, file })`. */
  readonly datasources: DatasourcesApi = new DatasourcesApi((request) => this.#send(request))
  /** The VizQL Data Service: reads a published data source's rows back (`verify`, `probe`). */
  readonly vizql: VizqlReader = vizqlReader((request) => this.#send(request))

  /**
   * Finds a data source by LUID, or by name (and optionally project name or id). Throws `DATASOURCE_NOT_FOUND`, or
   * `DATASOURCE_AMBIGUOUS` when several match (pass `project`, or the id).
   *
   * @example
   * ```ts
   * const ds = await client.findDatasource({ name: 'Orders', project: 'Sales' })
   * ```
   */
  findDatasource(query: { id: string } | { name: string; project?: string }): Promise<DatasourceDetails> {
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
  listConnections(datasourceId: string): Promise<ConnectionDetails[]> {
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
    return uploadFile(this.#send, path, { partSizeBytes: probedPartSize(this.capabilities), ...options })
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
  updateData(request: UpdateDataRequest): Promise<Job> {
    return updateData(this.#send, request, this.#env.logger, this.capabilities)
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
    this.#closing ??= closeSession({
      session: this.#session,
      transport: this.#transport,
      env: this.#env,
      server: this.server,
      dispatcher: this.#ownedDispatcher,
    })
    return this.#closing
  }

  /** `await using client = await TableauClient.signIn(…)` signs out when the block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
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
