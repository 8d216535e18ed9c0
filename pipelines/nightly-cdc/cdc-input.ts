import type { DuckDBAppender } from '@duckdb/node-api'
import { type ColumnKind, type Columns, type ColumnType, HyperdeltaError, type Table } from '../../src/index.js'
import { InvalidValue, normalizeValue } from '../../src/wire.js'
import { ident, literal } from '../sql-text.js'
import type { CdcEngine } from './cdc-engine.js'
import type { InputFiles } from './input-files.js'

/** Rows from Parquet files (paths) or any (async) iterable of row objects. */
export type RowSource =
  | string
  | readonly string[]
  | Iterable<Record<string, unknown>>
  | AsyncIterable<Record<string, unknown>>

/** The DuckDB type each column kind is compared and written as (timestamps: UTC instants in µs). */
export const SQL_TYPES: Readonly<Record<ColumnKind, string>> = Object.freeze({
  int64: 'BIGINT',
  int32: 'INTEGER',
  float64: 'DOUBLE',
  text: 'VARCHAR',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
})

const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']
/**
 * Parquet column types each kind reads, all exactly: integers that do not fit fail the cast (DuckDB
 * checks the range), and nothing lossy is accepted (no double into an integer, no nanoseconds).
 */
const ACCEPTED: Readonly<Record<ColumnKind, (type: string) => boolean>> = {
  int64: (t) => INTEGERS.includes(t) || /^DECIMAL\(\d+,0\)$/.test(t),
  int32: (t) => INTEGERS.includes(t) || /^DECIMAL\(\d+,0\)$/.test(t),
  float64: (t) => t === 'DOUBLE' || t === 'FLOAT',
  text: (t) => t === 'VARCHAR',
  bool: (t) => t === 'BOOLEAN',
  date: (t) => t === 'DATE',
  timestamp: (t) => ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_MS', 'TIMESTAMP_S'].includes(t),
}

/** True when the source names Parquet files rather than holding rows. */
export function isParquetSource(source: RowSource): source is string | readonly string[] {
  return (
    typeof source === 'string' ||
    (Array.isArray(source) && source.length > 0 && source.every((s) => typeof s === 'string'))
  )
}

export const parquetPaths = (source: string | readonly string[]): readonly string[] =>
  typeof source === 'string' ? [source] : source

/** `read_parquet([...])` over the files (checked by `checkInputFiles` to have one schema), columns matched by name. */
export function readParquetSql(paths: readonly string[], extra = ''): string {
  return `read_parquet([${paths.map(literal).join(', ')}], union_by_name = true${extra})`
}

/**
 * The SQL that reads a table column from checked Parquet files as its canonical type, or a CDC_INVALID
 * naming the file and column when the files' type cannot be read exactly (every file has the same type).
 */
export function parquetColumnSql(table: Table<Columns>, column: string, input: InputFiles, what: string): string {
  const kind = table.columns[column]!.kind
  const type = input.types.get(column)!
  if (!ACCEPTED[kind](type)) {
    const hint = type === 'TIMESTAMP_NS' ? ' (nanoseconds: write the file with microsecond timestamps)' : ''
    const path = input.files[0]!
    throw new HyperdeltaError(
      'CDC_INVALID',
      `cdc: ${what} ${path}: column "${column}" is ${type}, which a ${kind} column cannot take exactly${hint}`,
      { details: { path, column, type, kind } },
    )
  }
  return `CAST(${ident(column)} AS ${SQL_TYPES[kind]}) AS ${ident(column)}`
}

/** Appends one validated value of a table column. */
export function appendValue(
  duckdb: typeof import('@duckdb/node-api'),
  appender: DuckDBAppender,
  column: ColumnType,
  value: unknown,
): void {
  if (value === null) {
    appender.appendNull()
    return
  }
  switch (column.kind) {
    case 'int64':
      appender.appendBigInt(value as bigint)
      return
    case 'int32':
      appender.appendInteger(value as number)
      return
    case 'float64':
      appender.appendDouble(value as number)
      return
    case 'text':
      appender.appendVarchar(value as string)
      return
    case 'bool':
      appender.appendBoolean(value as boolean)
      return
    case 'date':
      appender.appendDate(new duckdb.DuckDBDateValue(value as number))
      return
    case 'timestamp':
      appender.appendTimestamp(new duckdb.DuckDBTimestampValue(value as bigint))
      return
  }
}

/** A row's value of a table column, validated and canonical, or ROW_INVALID naming the row and column. */
export function validValue(
  table: Table<Columns>,
  column: string,
  row: Record<string, unknown>,
  index: number,
  what: string,
) {
  const value = normalizeValue(table.columns[column]!, row[column])
  if (value instanceof InvalidValue) {
    throw new HyperdeltaError('ROW_INVALID', `cdc: ${what}: row ${index}: column "${column}": ${value.reason}`, {
      details: { row: index, column },
    })
  }
  return value
}

/** `CREATE TABLE` text for the table's columns (canonical types) plus extra `name TYPE` columns. */
export function createTableSql(name: string, table: Table<Columns>, extra: readonly string[] = []): string {
  const columns = table.columnNames.map((c) => `${ident(c)} ${SQL_TYPES[table.columns[c]!.kind]}`)
  return `CREATE TABLE ${ident(name)} (${[...columns, ...extra].join(', ')})`
}

/**
 * Loads a snapshot given as rows into a DuckDB table through the appender: every value is
 * validated like any change row (errors name the row and column), then stored in its canonical type.
 */
export async function loadSnapshotRows(
  engine: CdcEngine,
  name: string,
  table: Table<Columns>,
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  what: string,
): Promise<void> {
  await engine.run(createTableSql(name, table), what)
  const appender = await engine.connection.createAppender(name)
  try {
    let index = 0
    for await (const row of rows) {
      for (const column of table.columnNames) {
        appendValue(engine.duckdb, appender, table.columns[column]!, validValue(table, column, row, index, what))
      }
      appender.endRow()
      index++
    }
    appender.flushSync()
  } finally {
    appender.closeSync()
  }
}
