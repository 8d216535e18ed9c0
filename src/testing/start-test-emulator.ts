import { randomBytes } from 'node:crypto'
import { type Emulator, type EmulatorOptions, type FaultController, startEmulator } from '../emulator/index.js'
import {
  HyperdeltaError,
  type RowOf,
  type SignInOptions,
  type Table,
  type TableauAuth,
  TableauClient,
  tableFromParquet,
} from '../index.js'
import { type RowsOptions, readRows } from './read-rows.js'

/** Where a seeded data source lives; both default to the emulator's defaults (site '', project 'Default'). */
interface SeedPlace {
  /** Project name; created when missing. Default 'Default'. */
  project?: string
  /** Site contentUrl; default the test emulator's site. */
  site?: string
}

/** A data source seeded from rows of a `defineTable` table (rows are validated against it). */
export interface RowsSeed<T extends Table = Table> extends SeedPlace {
  table: T
  rows?: Iterable<RowOf<T>> | AsyncIterable<RowOf<T>>
}

/**
 * A data source seeded from a Parquet file, loaded into `Extract.Extract` with the columns `tableFromParquet`
 * reads from the file (or into `table`, whose columns are then loaded by name).
 */
export interface ParquetSeed extends SeedPlace {
  parquet: string
  table?: Table
}

/** One data source to create: from rows or from a Parquet file. */
export type DatasourceSeed<T extends Table = Table> = RowsSeed<T> | ParquetSeed

/** Options of {@link startTestEmulator}: the emulator's, except users, host and dataDir (see below). */
export interface TestEmulatorOptions<D extends Record<string, Table> = Record<string, Table>>
  extends Omit<EmulatorOptions, 'users' | 'host' | 'dataDir' | 'sites'> {
  /** Data sources to create before the emulator is handed out, by name. */
  datasources?: { [Name in keyof D]: DatasourceSeed<D[Name]> }
  /** The site `env`, `auth` and `client()` use, created if needed. Default '' (the default site). */
  site?: string
  /** More sites to create (contentUrls); the sites the `datasources` name are created anyway. */
  sites?: string[]
  /** The personal access token the code under test signs in with. Default: name `hyperdelta-test`, a random secret. */
  pat?: { name: string; secret: string }
  /** How long a job stays queued before it runs. Default 5 ms (the emulator's own default is 50). */
  jobDelayMs?: number
}

/** The variables a job reads its Tableau connection from, pointing at the test emulator. */
export interface TestEmulatorEnv {
  TABLEAU_SERVER: string
  TABLEAU_SITE: string
  TABLEAU_PAT_NAME: string
  TABLEAU_PAT_SECRET: string
}

/** A running emulator for one test (or one file): seed, run the code under test, read back, close. */
export interface TestEmulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** The site contentUrl the credentials are for ('' = default site). */
  readonly site: string
  /** The sign-in the code under test uses: `TableauClient.signIn({ server: emu.url, site: emu.site, auth: emu.auth })`. */
  readonly auth: TableauAuth
  /** The same as variables, for a job that reads them: `{ ...process.env, ...emu.env }`. */
  readonly env: Readonly<TestEmulatorEnv>
  /** Fault injection and its counters (the emulator's own `FaultController`). */
  readonly faults: FaultController
  /** The underlying emulator, for `query()`, `listDatasources()` and the rest. */
  readonly emulator: Emulator
  /** Creates one more data source (the same as an entry of the `datasources` option). */
  seed<T extends Table>(name: string, source: DatasourceSeed<T>): Promise<{ id: string; name: string }>
  /**
   * The rows of a data source's table, with exact values: int64 as bigint, int32 and float64 as number, text,
   * boolean, dates as Dates at midnight UTC, timestamps as bigint microseconds since the epoch, NULL as null
   * (the values `readParquetRows` yields). Sorted by every column unless `orderBy` says otherwise.
   */
  rows(datasource: string, options?: RowsOptions): Promise<Record<string, unknown>[]>
  /**
   * A client signed in with `auth` (to this site unless told otherwise), never through an HTTP(S)_PROXY from the
   * environment unless `env` is given; signed out by `close()`.
   */
  client(options?: Partial<Omit<SignInOptions, 'server'>>): Promise<TableauClient>
  /** Signs out the clients it made, stops the emulator and removes its data dir. Safe to call twice. */
  close(): Promise<void>
  /** `await using emu = await startTestEmulator()` closes it when the block ends. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts an in-process emulator on a free loopback port for a test: data sources seeded from rows or Parquet,
 * credentials ready for the code under test, faults, rows read back exactly. Its state lives in a temp dir
 * that `close()` removes.
 *
 * @example
 * ```ts
 * import { defineTable, int64, text } from 'hyperdelta'
 * import { startTestEmulator } from 'hyperdelta/testing'
 *
 * const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), customer: text() })
 * await using emu = await startTestEmulator({ datasources: { Orders: { table: orders, rows: [{ id: 1n, customer: 'a' }] } } })
 * await runMyNightlyJob(emu.env)                  // reads TABLEAU_SERVER, TABLEAU_SITE, TABLEAU_PAT_NAME, TABLEAU_PAT_SECRET
 * console.log(await emu.rows('Orders'))           // [{ id: 1n, customer: 'a' }, …]
 * ```
 */
export async function startTestEmulator<const D extends Record<string, Table> = Record<string, Table>>(
  options: TestEmulatorOptions<D> = {},
): Promise<TestEmulator> {
  const { datasources, site = '', sites = [], pat: patOption, jobDelayMs = 5, ...emulatorOptions } = options
  const pat = patOption ?? { name: 'hyperdelta-test', secret: randomBytes(24).toString('base64url') }
  const emulator = await startEmulator({
    ...emulatorOptions,
    jobDelayMs,
    host: '127.0.0.1',
    sites: [
      ...new Set(['', site, ...sites, ...Object.values<DatasourceSeed>(datasources ?? {}).map((d) => d.site ?? site)]),
    ],
    users: [{ name: 'admin', pat }],
  })
  const auth: TableauAuth = { personalAccessToken: { name: pat.name, secret: pat.secret } }
  const clients = new Set<TableauClient>()
  let closed = false

  const seed = async (name: string, source: DatasourceSeed): Promise<{ id: string; name: string }> => {
    const place = { project: source.project ?? 'Default', site: source.site ?? site }
    const table = source.table ?? (await tableFromParquet((source as ParquetSeed).parquet, EXTRACT))
    const content =
      'parquet' in source
        ? { parquet: source.parquet }
        : source.rows === undefined
          ? {}
          : { rows: source.rows as Iterable<object> | AsyncIterable<object> }
    const created = await emulator.createDatasource({ name, ...place, table, ...content })
    return { id: created.id, name: created.name }
  }

  const testEmulator: TestEmulator = {
    url: emulator.url,
    site,
    auth,
    env: Object.freeze({
      TABLEAU_SERVER: emulator.url,
      TABLEAU_SITE: site,
      TABLEAU_PAT_NAME: pat.name,
      TABLEAU_PAT_SECRET: pat.secret,
    }),
    faults: emulator.faults,
    emulator,
    seed,
    async rows(datasource, rowsOptions = {}) {
      const where = rowsOptions.site ?? site
      const found = (await emulator.listDatasources()).find(
        (d) => d.site.toLowerCase() === where.toLowerCase() && d.name.toLowerCase() === datasource.toLowerCase(),
      )
      if (!found?.table) {
        throw new HyperdeltaError(
          'DATASOURCE_NOT_FOUND',
          found
            ? `testing: data source "${datasource}" holds a file, not a table`
            : `testing: no data source "${datasource}" on site "${where}"`,
          { details: { name: datasource } },
        )
      }
      return readRows(emulator.query, found.table, datasource, rowsOptions.orderBy)
    },
    async client(signIn = {}) {
      // env {}: a proxy set for the real server must not catch loopback traffic (pass `env` to decide otherwise).
      const client = await TableauClient.signIn({ site, auth, env: {}, ...signIn, server: emulator.url })
      clients.add(client)
      return client
    },
    async close() {
      if (closed) return
      closed = true
      // A client already closed by its user resolves at once; a sign-out failure must not keep the emulator up.
      await Promise.allSettled([...clients].map((c) => c.close()))
      await emulator.close()
    },
    [Symbol.asyncDispose]: () => testEmulator.close(),
  }

  try {
    for (const [name, source] of Object.entries(datasources ?? {}) as [string, DatasourceSeed][]) {
      await seed(name, source)
    }
  } catch (error) {
    await emulator.close()
    throw error
  }
  return testEmulator
}

const EXTRACT = { schema: 'Extract', name: 'Extract' } as const
