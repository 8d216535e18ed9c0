import { join } from 'node:path'
import { type Columns, HyperdeltaError, readParquetRows, type Table } from '../../src/index.js'
import { type CdcEngine, ident, literal } from './cdc-engine.js'

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
  /** Closes DuckDB and removes the work directory (the files included). */
  dispose(): Promise<void>
}

/** Where a change set's two files go in the engine's work directory. */
export function changeFilePaths(engine: CdcEngine): { upserts: string; deletes: string } {
  return { upserts: join(engine.dir, 'upserts.parquet'), deletes: join(engine.dir, 'deletes.parquet') }
}

/** `COPY (query) TO path` as Parquet; returns the path's SQL literal for reading it back. */
export async function copyToParquet(engine: CdcEngine, query: string, path: string, what: string): Promise<string> {
  await engine.run(`COPY (${query}) TO ${literal(path)} (FORMAT parquet)`, what)
  return `read_parquet(${literal(path)})`
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
): Promise<void> {
  const problems: string[] = []
  for (const c of table.columnNames) {
    const column = table.columns[c]!
    if (keys.includes(c)) problems.push(`WHEN ${ident(c)} IS NULL THEN 'key column "${c}" is NULL'`)
    else if (!column.nullable) problems.push(`WHEN ${ident(c)} IS NULL THEN 'column "${c}" is NULL but not nullable'`)
    if (column.kind === 'float64' && !column.allowNonFinite) {
      problems.push(`WHEN NOT isfinite(${ident(c)}) THEN 'column "${c}" is not finite'`)
    }
  }
  const keyList = keys.map(ident).join(', ')
  const firstProblem = async (file: string, cases: string[], side: string) => {
    const [bad] = await engine.rows(
      `SELECT ${keyList}, CASE ${cases.join(' ')} END AS problem FROM read_parquet(${literal(file)}) WHERE problem IS NOT NULL LIMIT 1`,
      what,
    )
    if (bad) {
      throw new HyperdeltaError('ROW_INVALID', `cdc: ${what}: ${side} row ${describeKey(bad, keys)}: ${bad.problem}`, {
        details: { column: String(bad.problem).split('"')[1] },
      })
    }
  }
  await firstProblem(files.upserts, problems, 'an upsert')
  await firstProblem(
    files.deletes,
    keys.map((k) => `WHEN ${ident(k)} IS NULL THEN 'key column "${k}" is NULL'`),
    'a delete',
  )
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
    dispose,
    [Symbol.asyncDispose]: dispose,
  }
}
