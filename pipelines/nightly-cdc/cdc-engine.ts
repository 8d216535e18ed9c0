import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { HyperdeltaError } from '../../src/index.js'

/** How much the CDC set work may use; DuckDB spills to the temp directory beyond its share of the memory. */
export interface CdcEngineOptions {
  /**
   * The memory budget of the diff or compaction: the process doing the work keeps its peak RSS under
   * it. DuckDB's `memory_limit` (its buffer manager) gets {@link DUCKDB_MEMORY_SHARE} of it, see
   * {@link duckdbMemoryLimit}; the rest covers what lives outside the buffer manager (Node itself,
   * DuckDB's code and per-thread scan buffers).
   *
   * A size as DuckDB writes it: `'2GB'`, `'1.5GiB'`, `'800MB'`. Default `'1GB'`.
   */
  memoryLimit?: string
  /** DuckDB `temp_directory` for spilled data. Default: a `spill` folder in the run's work directory. */
  tempDirectory?: string
  /** DuckDB worker threads. Default: DuckDB's (one per core); fewer threads use less memory outside the buffer manager. */
  threads?: number
}

export const DEFAULT_CDC_MEMORY_LIMIT = '1GB'
/**
 * The part of `memoryLimit` given to DuckDB's `memory_limit`. DuckDB holds its limit for what its buffer
 * manager tracks, but the process carries more: Node and DuckDB's own code, scan buffers per
 * thread and allocator slack. Half the budget for DuckDB keeps the whole process under the budget
 * (bench/results.md measures it at 10M rows). The part outside the buffer manager does not shrink with
 * the budget and grows with the threads: below about 1GB, or with many cores, it can outgrow the other
 * half; there give fewer `threads`.
 */
export const DUCKDB_MEMORY_SHARE = 0.5

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

/** Bytes of a size like `'1GB'` (powers of 1000, as DuckDB reads them) or `'1GiB'` (powers of 1024); undefined when it is not one. */
export function parseMemorySize(size: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(size)
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined
  if (!m || unit === undefined) return undefined
  const bytes = Number(m[1]) * unit
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined
}

/**
 * DuckDB's `memory_limit` for a CDC memory budget: {@link DUCKDB_MEMORY_SHARE} of it, in KiB.
 * Throws CDC_INVALID when the budget is not a size.
 */
export function duckdbMemoryLimit(memoryLimit: string = DEFAULT_CDC_MEMORY_LIMIT): string {
  const bytes = parseMemorySize(memoryLimit)
  if (bytes === undefined) {
    throw new HyperdeltaError(
      'CDC_INVALID',
      `cdc: cannot start DuckDB: memoryLimit ${JSON.stringify(memoryLimit)} is not a size like '1GB', '512MB' or '2GiB'`,
    )
  }
  return `${Math.max(1, Math.floor((bytes * DUCKDB_MEMORY_SHARE) / 1024))}KiB`
}

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
  /** The Parquet files each input read ('previous snapshot', 'change log', …), globs expanded, in read order. */
  readonly inputs = new Map<string, readonly string[]>()

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
      const memoryLimit = duckdbMemoryLimit(options.memoryLimit)
      const spill = options.tempDirectory ?? join(dir, 'spill')
      await mkdir(spill, { recursive: true })
      const config: Record<string, string> = {
        memory_limit: memoryLimit,
        temp_directory: spill,
      }
      if (options.threads !== undefined) config.threads = String(options.threads)
      // In memory: tables beyond the memory limit spill to the temp directory.
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
