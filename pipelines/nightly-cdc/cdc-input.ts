import type { DuckDBAppender } from '@duckdb/node-api'
import { type Columns, type ColumnType, HyperdeltaError, type InputType, type Table } from '../../src/index.js'
import { describeColumnType, describeInput, duckdbInputType, inputRefusal } from '../../src/internal.js'
import { InvalidValue, type NormalizedValue, normalizeValue, sqlTypeOf, sqlValueText } from '../../src/wire.js'
import { ident, literal } from '../sql-text.js'
import type { CdcEngine } from './cdc-engine.js'
import type { InputFiles } from './input-files.js'

/** Rows from Parquet files (paths) or any (async) iterable of row objects. */
export type RowSource =
  | string
  | readonly string[]
  | Iterable<Record<string, unknown>>
  | AsyncIterable<Record<string, unknown>>

/**
 * The DuckDB type a column is compared and written as: the kind's own SQL type, except that UTC
 * instants are compared as plain TIMESTAMP µs (the session has no zone to apply).
 */
export function cdcSqlType(column: ColumnType): string {
  return column.kind === 'timestamp' ? 'TIMESTAMP' : sqlTypeOf(column)
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
  const declared = table.columns[column]!
  const type = input.types.get(column)!
  const refusal = inputRefusal(column, declared, duckdbInputType(type))
  if (refusal !== undefined) {
    const hint = type === 'TIMESTAMP_NS' ? ' (nanoseconds: write the file with microsecond timestamps)' : ''
    const path = input.files[0]!
    throw new HyperdeltaError('CDC_INVALID', `cdc: ${what} ${path}: ${refusal}${hint}`, {
      details: { path, column, type, kind: declared.kind, declared: describeColumnType(declared) },
    })
  }
  return `${exactCastSql(column, declared, duckdbInputType(type))} AS ${ident(column)}`
}

/**
 * The cast of an accepted input column to the declared type; where only some values convert exactly
 * (nanoseconds into µs, timestamps into dates), the others stop the query with an error naming them.
 */
function exactCastSql(column: string, declared: ColumnType, input: InputType): string {
  const c = ident(column)
  const cast = `CAST(${c} AS ${cdcSqlType(declared)})`
  const refuse = (why: string) =>
    `CASE WHEN ${why} THEN error(${literal(`column "${column}": `)} || CAST(${c} AS VARCHAR) || ${literal(
      ` is a ${describeInput(input)} value that ${/^[aeiou]/.test(declared.kind) ? 'an' : 'a'} ${describeColumnType(declared)} column cannot take exactly`,
    )}) ELSE ${cast} END`
  if (declared.kind === 'date' && input.kind === 'timestamp')
    return refuse(`CAST(${cast} AS TIMESTAMP) <> CAST(${c} AS TIMESTAMP)`)
  if (input.kind === 'timestamp' && input.unit === 'ns') return refuse(`epoch_ns(${c}) % 1000 <> 0`)
  if (input.kind === 'float' && ['int64', 'int32', 'int16'].includes(declared.kind)) {
    return refuse(`NOT isfinite(${c}) OR ${c} <> trunc(${c})`)
  }
  return cast
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
    default:
      appender.appendVarchar(sqlValueText(column, value as Exclude<NormalizedValue, null>))
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
  const columns = table.columnNames.map((c) => `${ident(c)} ${cdcSqlType(table.columns[c]!)}`)
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
