import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { HyperdeltaError } from '../../src/index.js'

/** How much the CDC set work (DuckDB) may use; beyond the memory limit it spills to the temp directory. */
export interface CdcEngineOptions {
  /** DuckDB `memory_limit`, e.g. `'2GB'`. Default `'1GB'`: the diff and compaction spill beyond it. */
  memoryLimit?: string
  /** DuckDB `temp_directory` for spilled data. Default: a `spill` folder in the run's work directory. */
  tempDirectory?: string
  /** DuckDB worker threads. Default: DuckDB's (one per core). */
  threads?: number
}

export const DEFAULT_CDC_MEMORY_LIMIT = '1GB'

/** `"name"` with inner quotes doubled: an identifier that is always read as one. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`
/** `'text'` with inner quotes doubled. */
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`

type DuckDBModule = typeof import('@duckdb/node-api')
let duckdbModule: Promise<DuckDBModule> | undefined

/** @duckdb/node-api, loaded on first use so the rest of hyperdelta/pipelines works without it. */
export function loadDuckDB(): Promise<DuckDBModule> {
  duckdbModule ??= import('@duckdb/node-api').catch((cause: unknown) => {
    duckdbModule = undefined
    throw new HyperdeltaError(
      'CDC_INVALID',
      'cdc: the nightly CDC pipeline runs its diff and compaction in DuckDB: install @duckdb/node-api (npm install @duckdb/node-api)',
      { cause },
    )
  })
  return duckdbModule
}

/**
 * One DuckDB database for one diff or compaction, in a work directory of its own: inputs loaded
 * from row iterables, intermediate tables and the result Parquet files all live there, so memory
 * stays under `memoryLimit` and disposing removes every trace.
 */
export class CdcEngine {
  private constructor(
    readonly dir: string,
    readonly duckdb: DuckDBModule,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: CdcEngineOptions & { dir?: string | undefined }): Promise<CdcEngine> {
    const duckdb = await loadDuckDB()
    const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'hyperdelta-cdc-'))
    try {
      const spill = options.tempDirectory ?? join(dir, 'spill')
      await mkdir(spill, { recursive: true })
      const config: Record<string, string> = {
        memory_limit: options.memoryLimit ?? DEFAULT_CDC_MEMORY_LIMIT,
        temp_directory: spill,
      }
      if (options.threads !== undefined) config.threads = String(options.threads)
      // A database file (not :memory:) so tables larger than the memory limit live on disk.
      const instance = await duckdb.DuckDBInstance.create(':memory:', config)
      const connection = await instance.connect()
      // Timestamps are UTC instants everywhere: casts between TIMESTAMP and TIMESTAMPTZ must not shift them.
      await connection.run(`SET TimeZone = 'UTC'`)
      return new CdcEngine(dir, duckdb, instance, connection)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      if (error instanceof HyperdeltaError) throw error
      throw new HyperdeltaError('CDC_INVALID', `cdc: cannot start DuckDB: ${(error as Error).message}`, {
        cause: error,
      })
    }
  }

  /** Runs SQL; DuckDB's own errors (a cast that overflows, an unreadable file) become CDC errors naming `what`. */
  async run(sql: string, what: string): Promise<void> {
    try {
      await this.connection.run(sql)
    } catch (error) {
      throw engineError(error, what)
    }
  }

  /** The rows of a query as objects (DuckDB value objects for temporal types). */
  async rows(sql: string, what: string): Promise<Record<string, unknown>[]> {
    try {
      return (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[]
    } catch (error) {
      throw engineError(error, what)
    }
  }

  /** Closes the database and removes the work directory with everything in it. */
  async dispose(): Promise<void> {
    try {
      this.connection.closeSync()
      this.instance.closeSync()
    } finally {
      await rm(this.dir, { recursive: true, force: true })
    }
  }
}

function engineError(error: unknown, what: string): HyperdeltaError {
  if (error instanceof HyperdeltaError) return error
  const message = (error as Error).message ?? String(error)
  // Conversion errors come from input values (an int64 too large for int32); the rest (a missing or
  // unreadable file, a bad setting) is about the inputs or options as a whole.
  const code = /Conversion Error/i.test(message) ? 'ROW_INVALID' : 'CDC_INVALID'
  return new HyperdeltaError(code, `cdc: ${what}: ${message}`, { cause: error })
}
