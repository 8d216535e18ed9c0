import { join } from 'node:path'
import { type Columns, HyperdeltaError, readParquetRows, type Table } from '../../src/index.js'
import { ident, literal } from '../sql-text.js'
import type { CdcEngine } from './cdc-engine.js'

/**
 * The result of a snapshot diff or a change-log compaction: two Parquet files written by DuckDB,
 * sorted by key so that the same inputs always give the same bytes (and so the same RequestIDs on a rerun).
 */
export interface ChangeSet extends AsyncDisposable {
  /** The Parquet files: upserts hold the table's columns, deletes only the key columns. */
  readonly files: { readonly upserts: string; readonly deletes: string }
  /** Rows to upsert (new or changed), read back from `files.upserts`. */
  upserts(): AsyncIterable<Record<string, unknown>>
  /** Key rows to delete, read back from `files.deletes`. */
  deletes(): AsyncIterable<Record<string, unknown>>
  readonly stats: { upserts: number; deletes: number; [name: string]: number }
  /** The Parquet files each input read ('previous snapshot', 'current snapshot', 'change log'), globs expanded. */
  readonly inputs: ReadonlyMap<string, readonly string[]>
  /** Closes DuckDB and removes the work directory (the files included). */
  dispose(): Promise<void>
}

/** Where a change set's two files go in the engine's work directory. */
export function changeFilePaths(engine: CdcEngine): { upserts: string; deletes: string } {
  return { upserts: join(engine.dir, 'upserts.parquet'), deletes: join(engine.dir, 'deletes.parquet') }
}

/** `COPY (query) TO path` as Parquet; returns the rows written (COPY reports them: no second pass to count). */
export async function copyToParquet(engine: CdcEngine, query: string, path: string, what: string): Promise<number> {
  const [result] = await engine.rows(`COPY (${query}) TO ${literal(path)} (FORMAT parquet)`, what)
  return Number(result?.Count)
}

const describeKey = (row: Record<string, unknown>, keys: readonly string[]) =>
  keys.map((k) => `${k}=${row[k] === null ? 'NULL' : String(row[k])}`).join(', ')

/**
 * Checks the rows about to be pushed, where a bad value would reach the server: NULL keys (a NULL
 * never matches, so the row could not be tracked), NULL in a non-nullable column, NaN/±Infinity where
 * the column does not allow them, and a key that occurs twice. Errors name the column and the key.
 */
export async function checkChangeFiles(
  engine: CdcEngine,
  table: Table<Columns>,
  keys: readonly string[],
  files: { upserts: string; deletes: string },
  what: string,
  options: { duplicates: boolean } = { duplicates: true },
): Promise<void> {
  const nullKeys = keys.map((k) => ({ column: k, sql: `${ident(k)} IS NULL`, reason: 'is a NULL key' }))
  const upsertProblems = [...nullKeys]
  for (const c of table.columnNames) {
    const column = table.columns[c]!
    if (!column.nullable && !keys.includes(c)) {
      upsertProblems.push({ column: c, sql: `${ident(c)} IS NULL`, reason: 'is NULL but not nullable' })
    }
    if (column.kind === 'float64' && !column.allowNonFinite) {
      upsertProblems.push({ column: c, sql: `NOT isfinite(${ident(c)})`, reason: 'is not finite' })
    }
  }
  const keyList = keys.map(ident).join(', ')
  const firstProblem = async (file: string, problems: typeof nullKeys, side: string) => {
    const cases = problems.map((p, i) => `WHEN ${p.sql} THEN ${i}`).join(' ')
    const [bad] = await engine.rows(
      `SELECT ${keyList}, CASE ${cases} END AS problem FROM read_parquet(${literal(file)}) WHERE problem IS NOT NULL LIMIT 1`,
      what,
    )
    if (bad) {
      const problem = problems[Number(bad.problem)]!
      throw new HyperdeltaError(
        'ROW_INVALID',
        `cdc: ${what}: ${side} row ${describeKey(bad, keys)}: column "${problem.column}" ${problem.reason}`,
        { details: { column: problem.column, key: describeKey(bad, keys) } },
      )
    }
  }
  await firstProblem(files.upserts, upsertProblems, 'an upsert')
  await firstProblem(files.deletes, nullKeys, 'a delete')
  if (!options.duplicates) return
  const [duplicate] = await engine.rows(
    `SELECT ${keyList}, count(*) AS n FROM read_parquet(${literal(files.upserts)}) GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
    what,
  )
  if (duplicate) {
    throw new HyperdeltaError(
      'DUPLICATE_KEY',
      `cdc: ${what}: key ${describeKey(duplicate, keys)} occurs ${duplicate.n} times among the rows to upsert`,
      { details: { key: describeKey(duplicate, keys) } },
    )
  }
}

/** Wraps the two files and the engine that owns them as a ChangeSet. */
export function changeSetFrom(
  engine: CdcEngine,
  files: { upserts: string; deletes: string },
  stats: ChangeSet['stats'],
): ChangeSet {
  const dispose = () => engine.dispose()
  return {
    files,
    upserts: () => readParquetRows(files.upserts),
    deletes: () => readParquetRows(files.deletes),
    stats,
    inputs: engine.inputs,
    dispose,
    [Symbol.asyncDispose]: dispose,
  }
}
