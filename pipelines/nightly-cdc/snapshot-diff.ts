import { type Columns, HyperdeltaError, type Table } from '../../src/index.js'
import { ident, literal } from '../sql-text.js'
import { CdcEngine, type CdcEngineOptions } from './cdc-engine.js'
import {
  isParquetSource,
  loadSnapshotRows,
  parquetColumnSql,
  parquetPaths,
  type RowSource,
  readParquetSql,
} from './cdc-input.js'
import { type ChangeSet, changeFilePaths, changeSetFrom, checkChangeFiles, copyToParquet } from './change-set.js'
import { checkInputFiles } from './input-files.js'

export interface DiffOptions extends CdcEngineOptions {
  /** Parent of the work directory (DuckDB database, spill files, result files). Default: the OS temp dir. */
  dir?: string | undefined
}

/** Makes `name` a relation of the table's columns in canonical types: a view over Parquet, or a loaded table. */
async function snapshotRelation(
  engine: CdcEngine,
  name: string,
  table: Table<Columns>,
  source: RowSource,
  what: string,
): Promise<void> {
  if (isParquetSource(source)) {
    const input = await checkInputFiles(engine, table, parquetPaths(source), [], what)
    const columns = table.columnNames.map((c) => parquetColumnSql(table, c, input, what))
    await engine.run(
      `CREATE VIEW ${ident(name)} AS SELECT ${columns.join(', ')} FROM ${readParquetSql(input.files)}`,
      what,
    )
  } else {
    await loadSnapshotRows(engine, name, table, source as Iterable<Record<string, unknown>>, what)
  }
}

/**
 * Compares two snapshots of a table by key columns, in DuckDB: rows that are new or whose values
 * changed become upserts, keys that vanished become deletes. Parquet snapshots are read in place;
 * row iterables are loaded through DuckDB's appender first.
 *
 * Equality is per column type, NULL equal to NULL (`IS DISTINCT FROM`): integers exactly (int64
 * beyond 2^53 too), floats as values (`-0` equals `0`, NaN equals NaN, `0.1 + 0.2` equals
 * `0.30000000000000004`), timestamps as instants (whatever offset or unit the input used), text byte by byte.
 * So two identical snapshots diff to nothing, on every run.
 *
 * Keys are matched with `=`: a NULL key can never be matched, so a pushed row with a NULL key is
 * refused (ROW_INVALID), as is a key that would be upserted twice (DUPLICATE_KEY). A key repeated in
 * the previous snapshot is tolerated: deleting or upserting it once gives the same table.
 *
 * @example
 * ```ts
 * await using diff = await diffSnapshots(orders, ['id'], 'day1.parquet', 'day2.parquet', { memoryLimit: '2GB' })
 * console.log(diff.stats)          // { upserts, deletes, inserted, changed, unchanged, previous, current }
 * console.log(diff.files.upserts)  // a Parquet file: pass it on with fromParquet(diff.files.upserts)
 * ```
 */
export async function diffSnapshots(
  table: Table<Columns>,
  keys: readonly string[],
  previous: RowSource,
  current: RowSource,
  options: DiffOptions = {},
): Promise<ChangeSet> {
  if (keys.length === 0) throw new HyperdeltaError('CDC_INVALID', 'cdc: a snapshot diff needs at least one key column')
  for (const k of keys) {
    if (!(k in table.columns))
      throw new HyperdeltaError('CDC_INVALID', `cdc: key column "${k}" is not a column of ${table.name}`)
  }
  const engine = await CdcEngine.open(options)
  try {
    await snapshotRelation(engine, 'previous', table, previous, 'previous snapshot')
    await snapshotRelation(engine, 'current', table, current, 'current snapshot')
    const on = keys.map((k) => `c.${ident(k)} = p.${ident(k)}`).join(' AND ')
    const values = table.columnNames.filter((c) => !keys.includes(c))
    const changed = values.map((c) => ` OR c.${ident(c)} IS DISTINCT FROM p.${ident(c)}`).join('')
    const byKey = keys.map(ident).join(', ')
    const files = changeFilePaths(engine)
    const upserts = await copyToParquet(
      engine,
      `SELECT c.* FROM current c LEFT JOIN previous p ON ${on} WHERE p.${ident(keys[0]!)} IS NULL${changed} ORDER BY ${keys.map((k) => `c.${ident(k)}`).join(', ')}`,
      files.upserts,
      'snapshot diff',
    )
    const deletes = await copyToParquet(
      engine,
      `SELECT ${keys.map((k) => `p.${ident(k)}`).join(', ')} FROM previous p ANTI JOIN current c ON ${on} ORDER BY ${byKey}`,
      files.deletes,
      'snapshot diff',
    )
    await checkChangeFiles(engine, table, keys, files, 'snapshot diff')
    // Upserts and deletes are counted by their COPYs; the snapshots' counts come from the Parquet
    // footers. Only `changed` (upserts whose key was there before) needs the small upserts file joined.
    const [counts] = await engine.rows(
      `SELECT (SELECT count(*) FROM previous) AS previous, (SELECT count(*) FROM current) AS current,
        (SELECT count(*) FROM previous p SEMI JOIN read_parquet(${literal(files.upserts)}) c ON ${on}) AS changed`,
      'snapshot diff',
    )
    const n = (name: string) => Number(counts![name])
    const stats = {
      previous: n('previous'),
      current: n('current'),
      inserted: upserts - n('changed'),
      changed: n('changed'),
      unchanged: n('current') - upserts,
      upserts,
      deletes,
    }
    return changeSetFrom(engine, files, stats)
  } catch (error) {
    await engine.dispose()
    throw error
  }
}
