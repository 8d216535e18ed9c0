import { access, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { HyperdeltaError, type Logger } from '../index.js'
import { toLogger } from '../internal.js'
import { ConsoleServer } from './console/console-server.js'
import { FaultController } from './core/faults.js'
import { DEFAULT_TOKEN_TTL_MS } from './core/inferred.js'
import type { ServerPersonality } from './core/personality.js'
import { datasourceTable } from './datasources/content.js'
import type { CreateDatasourceOptions } from './datasources/create-options.js'
import { createDatasource } from './datasources/query.js'
import { createListener } from './listener.js'
import { type EmulatorUser, Sessions } from './runtime/auth.js'
import { JobRunner, recoverJobs } from './runtime/job-runner.js'
import type { EmulatorState } from './runtime/state.js'
import { Catalog, type DatasourceRecord } from './store/catalog.js'
import { lockDataDir } from './store/data-dir-lock.js'
import { NameLocks } from './store/name-locks.js'
import { stateInvalid } from './store/state-file.js'
import { Store } from './store/store.js'
import {
  type EmulatorGroup,
  openVirtualConnections,
  type VirtualConnectionCatalog,
} from './store/virtual-connections.js'

export type { CreateDatasourceOptions }

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
  /** State persists here (catalog.json + one DuckDB file per data source). Default: a temp dir removed on close. */
  dataDir?: string
  /** Users who may sign in (password, PAT, connected-app JWT). Default: admin / admin. */
  users?: EmulatorUser[]
  /** Site contentUrls; default [''] (the default site). */
  sites?: string[]
  /** `api.server.update_uploaded_file.max_size_in_mb`; default 100. */
  maxSizeInMb?: number
  /** Token lifetime; default 240 minutes. */
  tokenTtlMs?: number
  /** How long a job stays queued before it runs; default 50 ms. */
  jobDelayMs?: number
  /** `restApiVersion` reported by serverinfo; default '3.24'. */
  restApiVersion?: string
  logger?: Logger
  /** Groups that virtual-connection permissions may name (every site also has "All Users"). */
  groups?: EmulatorGroup[]
  /** Departures from the default protocol reading, to test `probe` and `verify` (see {@link ServerPersonality}). */
  personality?: ServerPersonality
  /**
   * Serve the web console at `/console` (data sources and their rows, jobs, requests, faults); answers loopback
   * clients only. Default false here; the `hyperdelta emulator` command turns it on.
   */
  console?: boolean
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** `http://127.0.0.1:PORT/console` when the console is on (option `console`), else undefined. */
  readonly consoleUrl: string | undefined
  readonly port: number
  /** Creates a published data source directly (the initial publish). */
  createDatasource(options: CreateDatasourceOptions): Promise<{ id: string; name: string; connectionIds: string[] }>
  /** Runs SQL against the data sources' databases; BIGINT as bigint, timestamps as µs values. */
  query(sql: string): Promise<Record<string, unknown>[]>
  /**
   * The published data sources (every site). `table` is the SQL name of the table a data source holds, for
   * `query()` (e.g. `"Orders"."Extract"."Extract"`, or `"Orders#2"…` for a name already used on another site);
   * undefined when it holds an opaque file (a `.hyper` or `.tds` published as is). `project` is the project's name.
   */
  listDatasources(): Promise<{ id: string; name: string; site: string; project: string; table: string | undefined }[]>
  /** Fault injection and its counters. */
  readonly faults: FaultController
  /** Stops the server, waits for running jobs, closes DuckDB (and removes a temp data dir). */
  close(): Promise<void>
  /** `await using emu = await startEmulator()` closes it when the block ends. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts a local Tableau REST emulator (node:http + DuckDB) for the Hyper Update flow.
 *
 * @example
 * ```ts
 * import { defineTable, int64, text } from 'hyperdelta'
 * import { startEmulator } from 'hyperdelta/emulator'
 * const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })
 * const emu = await startEmulator({ users: [{ name: 'admin', password: 'pw', pat: { name: 'ci', secret: 's3cret' } }] })
 * await emu.createDatasource({ name: 'Orders', table: orders, rows: [{ id: 1n, name: 'a' }] })
 * // ... point a client at emu.url ...
 * console.log(await emu.query('SELECT count(*) AS n FROM "Orders"."Extract"."Extract"'))
 * await emu.close()
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const temporary = options.dataDir === undefined
  const dataDir = temporary ? await mkdtemp(join(tmpdir(), 'hyperdelta-emulator-')) : resolve(options.dataDir!)
  const uploadsDir = join(dataDir, 'uploads')
  await mkdir(join(dataDir, 'datasources'), { recursive: true })
  await mkdir(uploadsDir, { recursive: true })
  const unlock = await lockDataDir(dataDir)
  try {
    return await start(options, dataDir, temporary, unlock)
  } catch (error) {
    await unlock()
    throw error
  }
}

async function start(
  options: EmulatorOptions,
  dataDir: string,
  temporary: boolean,
  unlock: () => Promise<void>,
): Promise<Emulator> {
  const uploadsDir = join(dataDir, 'uploads')
  const logger = toLogger(options.logger)
  const users = options.users ?? [{ name: 'admin', password: 'admin' }]
  const tokenTtlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS

  const catalog = await Catalog.open(dataDir)
  for (const contentUrl of options.sites ?? ['']) catalog.ensureSite(contentUrl)
  for (const u of users) catalog.ensureUser(u.name)
  const store = await Store.open(dataDir)
  let vconns: VirtualConnectionCatalog
  try {
    for (const ds of catalog.data.datasources) await attachAtStart(store, ds)
    await recoverJobs(catalog, store)
    vconns = await openVirtualConnections(dataDir, catalog, options.groups)
    await catalog.save()
  } catch (error) {
    store.close()
    throw error
  }

  const faults = new FaultController()
  // A copy: the console's form switches it in place, never the caller's object.
  const personality = { ...options.personality }
  const jobs = new JobRunner(catalog, store, faults, options.jobDelayMs ?? 50, uploadsDir, logger, personality)
  const server = createServer()
  let url = ''
  const state: EmulatorState = {
    get url() {
      return url
    },
    catalog,
    names: new NameLocks(),
    store,
    sessions: new Sessions(users, tokenTtlMs),
    faults,
    jobs,
    users,
    maxSizeInMb: options.maxSizeInMb ?? 100,
    restApiVersion: options.restApiVersion ?? '3.24',
    tokenTtlMs,
    uploadsDir,
    logger,
    vconns,
    personality,
  }
  const web = options.console === true ? new ConsoleServer(state) : undefined
  server.on('request', createListener(state, web))
  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail)
      server.listen(options.port ?? 0, host, () => ok())
    })
  } catch (error) {
    await jobs.close()
    store.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new HyperdeltaError(
        'EMULATOR_LISTEN_FAILED',
        `emulator: cannot listen on ${host}:${options.port ?? 0}: ${code === 'EADDRINUSE' ? 'port in use (pass another --port, or 0 for any)' : code}`,
        { cause: error },
      )
    }
    throw error
  }
  const port = (server.address() as AddressInfo).port
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info('emulator: listening', { url, dataDir })

  let closed = false
  const emulator: Emulator = {
    url,
    port,
    // Bound to every interface: the console still answers loopback only, so announce it there.
    consoleUrl: web ? `${host === '0.0.0.0' || host === '::' ? `http://127.0.0.1:${port}` : url}/console` : undefined,
    faults,
    createDatasource: (o) => createDatasource(state, o),
    listDatasources: () =>
      Promise.all(
        catalog.data.datasources.map(async (d) => ({
          id: d.id,
          name: d.name,
          site: catalog.data.sites.find((s) => s.id === d.siteId)?.contentUrl ?? '',
          project: catalog.data.projects.find((p) => p.id === d.projectId)?.name ?? '',
          table: await datasourceTable(state, d),
        })),
      ),
    query: (sql) => store.query(sql),
    [Symbol.asyncDispose]: () => emulator.close(),
    async close() {
      if (closed) return
      closed = true
      web?.close()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
      await jobs.close()
      await catalog.save()
      store.close()
      await unlock()
      if (temporary) await rm(dataDir, { recursive: true, force: true })
    },
  }
  return emulator
}

/**
 * Attaches a data source's database at start. DuckDB would create a missing file empty (the data source would
 * silently lose its data), so a missing or unopenable file is EMULATOR_STATE_INVALID naming it.
 */
async function attachAtStart(store: Store, ds: DatasourceRecord): Promise<void> {
  const file = store.fileOf(ds.file)
  const what = `the database of data source "${ds.name}" (${ds.id}) in catalog.json`
  try {
    await access(file)
  } catch (e) {
    throw stateInvalid(file, `is missing or unreadable (${what})`, e)
  }
  try {
    await store.attach(ds.alias, ds.file)
  } catch (e) {
    throw stateInvalid(file, `cannot be opened as ${what}: ${(e as Error).message}`, e)
  }
}
