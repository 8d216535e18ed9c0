import type { DuckDBAppender } from '@duckdb/node-api'
import { type Columns, HyperdeltaError, type Table } from '../../src/index.js'
import { ident, literal } from '../sql-text.js'
import type { CdcEngine } from './cdc-engine.js'
import {
  appendValue,
  cdcSqlType,
  createTableSql,
  isParquetSource,
  parquetColumnSql,
  parquetPaths,
  type RowSource,
  readParquetSql,
  validValue,
} from './cdc-input.js'
import { checkInputFiles } from './input-files.js'

export interface LogShape {
  keys: readonly string[]
  opColumn: string
  ops: { insert: string; update: string; delete: string }
  orderColumn: string
}

/**
 * The loaded log, a relation `log_src` of: the table's columns (canonical types), `__del` (true for a
 * delete, false for an insert or update, NULL for an unknown op), `__order` (the order value in its
 * own type), `__f`/`__r` (file index and row number: the input position that breaks ties).
 */
export interface LoadedLog {
  /** DuckDB type of `__order`. */
  orderType: string
  /** True when the log has no entries (rows given): its order type is unknown and nothing is compared. */
  empty?: boolean
  /** For rows: the JS type the order values had, so the watermark comes back as that type. */
  jsOrder?: 'bigint' | 'number' | 'date' | undefined
  /** How many files `__f` counts (1 for rows). */
  files: number
  /**
   * The same log in terms of the raw input, for the compaction's window: DuckDB turns "the last entry
   * per key" into a per-key arg_max over row ids, fetching only the winners' columns, only when the
   * window runs straight over the scan and partitions by plain columns. `from` is the relation,
   * `select` gives the table's columns (canonical types) and `__del`, `order`/`file`/`row` are
   * `__order`/`__f`/`__r` over `from`. The raw key columns partition like the canonical ones: every
   * accepted cast to a canonical type is one-to-one.
   */
  scan: { from: string; select: string; order: string; file: string; row: string }
  /**
   * Table columns whose input type is not already the canonical one: their casts can fail (an int64
   * too large for an int32 column), so the validation scan reads them on every entry, not only on the
   * entries that win.
   */
  converted: readonly string[]
  /** Names an input position for errors. */
  position(file: number, row: bigint): string
}

const INTEGER_ORDER = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DECIMAL\(\d+,\d+\))$/
/** Order column types compared exactly; nanosecond timestamps are not (they are read as microseconds). */
const ORDER_TYPES = (t: string) =>
  INTEGER_ORDER.test(t) ||
  [
    'DOUBLE',
    'FLOAT',
    'DATE',
    'VARCHAR',
    'TIMESTAMP',
    'TIMESTAMP WITH TIME ZONE',
    'TIMESTAMP_MS',
    'TIMESTAMP_S',
  ].includes(t)

const opSql = (shape: LogShape, column: string) =>
  `CASE WHEN ${column} = ${literal(shape.ops.delete)} THEN true WHEN ${column} IN (${literal(shape.ops.insert)}, ${literal(shape.ops.update)}) THEN false END`

async function loadParquetLog(
  engine: CdcEngine,
  table: Table<Columns>,
  paths: readonly string[],
  shape: LogShape,
): Promise<LoadedLog> {
  const what = 'change log'
  const input = await checkInputFiles(engine, table, paths, [shape.opColumn, shape.orderColumn], what)
  const { files, types } = input
  const orderType = types.get(shape.orderColumn)!
  if (!(shape.orderColumn in table.columns) && !ORDER_TYPES(orderType)) {
    throw new HyperdeltaError(
      'CDC_INVALID',
      `cdc: change log ${files[0]}: order column "${shape.orderColumn}" is ${orderType}; use integers, decimals, floats, dates, timestamps (at most microseconds) or text`,
      { details: { path: files[0]!, column: shape.orderColumn, type: orderType } },
    )
  }
  const columns = table.columnNames.map((c) => parquetColumnSql(table, c, input, what))
  const order = ident(shape.orderColumn)
  const orderSql =
    shape.orderColumn in table.columns
      ? `CAST(${order} AS ${cdcSqlType(table.columns[shape.orderColumn]!)})`
      : orderType.startsWith('TIMESTAMP')
        ? `CAST(${order} AS TIMESTAMP)`
        : order
  // One scan over all files: file_index is the position in the list, so ties resolve by the caller's order.
  // Reading the files directly (no union of subqueries) lets DuckDB find the last entry per key by row
  // id and fetch only those rows' columns.
  const scan = {
    from: readParquetSql(files),
    select: `${columns.join(', ')}, ${opSql(shape, `CAST(${ident(shape.opColumn)} AS VARCHAR)`)} AS __del`,
    order: orderSql,
    file: 'file_index',
    row: 'file_row_number',
  }
  await engine.run(
    `CREATE VIEW log_src AS SELECT ${scan.select}, ${scan.order} AS __order, ${scan.file} AS __f, ${scan.row} AS __r FROM ${scan.from}`,
    what,
  )
  return {
    scan,
    converted: table.columnNames.filter((c) => types.get(c) !== cdcSqlType(table.columns[c]!)),
    orderType:
      shape.orderColumn in table.columns
        ? cdcSqlType(table.columns[shape.orderColumn]!)
        : orderType.startsWith('TIMESTAMP')
          ? 'TIMESTAMP'
          : orderType,
    files: files.length,
    position: (file, row) => `${files[file]} row ${row}`,
  }
}

type JsOrder = 'bigint' | 'number' | 'date' | 'string'
const JS_ORDER_SQL: Record<JsOrder, string> = {
  bigint: 'BIGINT',
  number: 'DOUBLE',
  date: 'TIMESTAMP',
  string: 'VARCHAR',
}

function jsOrderOf(value: unknown): JsOrder | undefined {
  if (typeof value === 'bigint') return 'bigint'
  if (typeof value === 'number') return 'number'
  if (value instanceof Date) return 'date'
  if (typeof value === 'string') return 'string'
  return undefined
}

/** Appends a log-only order value in the type the first entry fixed; mixing types is refused. */
function appendOrder(
  appender: DuckDBAppender,
  duckdb: CdcEngine['duckdb'],
  type: JsOrder,
  value: unknown,
  index: number,
  column: string,
) {
  const given = jsOrderOf(value)
  const unusable = () =>
    new HyperdeltaError('ROW_INVALID', `cdc: change log row ${index}: order column "${column}" has no usable value`, {
      details: { row: index, column },
    })
  if (given === undefined) throw unusable()
  const mix = () =>
    new HyperdeltaError('CDC_INVALID', `cdc: order values mix ${type} and ${given} (row ${index}); use one type`, {
      details: { row: index, column },
    })
  if (type === 'bigint') {
    if (given === 'bigint') return appender.appendBigInt(value as bigint)
    if (given === 'number' && Number.isSafeInteger(value)) return appender.appendBigInt(BigInt(value as number))
    throw mix()
  }
  if (type === 'number') {
    if (given === 'number') {
      if (!Number.isFinite(value)) throw unusable()
      return appender.appendDouble(value as number)
    }
    if (given === 'bigint' && BigInt(Number(value)) === value) return appender.appendDouble(Number(value))
    throw mix()
  }
  if (type === 'date') {
    if (given !== 'date') throw mix()
    const ms = (value as Date).getTime()
    if (!Number.isFinite(ms)) throw unusable()
    return appender.appendTimestamp(new duckdb.DuckDBTimestampValue(BigInt(ms) * 1000n))
  }
  if (given !== 'string') throw mix()
  appender.appendVarchar(value as string)
}

async function loadRowLog(
  engine: CdcEngine,
  table: Table<Columns>,
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  shape: LogShape,
): Promise<LoadedLog> {
  const what = 'change log'
  const inTable = shape.orderColumn in table.columns
  let appender: DuckDBAppender | undefined
  let jsOrder: JsOrder | undefined
  let orderType = inTable ? cdcSqlType(table.columns[shape.orderColumn]!) : undefined
  const open = async (type: string) => {
    await engine.run(
      createTableSql('log_src', table, ['__del BOOLEAN', `__order ${type}`, '__f INTEGER', '__r BIGINT']),
      what,
    )
    appender = await engine.connection.createAppender('log_src')
    return appender
  }
  let index = 0
  try {
    for await (const row of rows) {
      const opValue = row[shape.opColumn]
      const del = opValue === shape.ops.delete
      if (!del && opValue !== shape.ops.insert && opValue !== shape.ops.update) {
        throw new HyperdeltaError(
          'ROW_INVALID',
          `cdc: change log row ${index}: op "${String(opValue)}" is not ${Object.values(shape.ops).join(', ')}`,
          { details: { row: index, column: shape.opColumn } },
        )
      }
      if (!inTable && jsOrder === undefined) {
        jsOrder = jsOrderOf(row[shape.orderColumn])
        orderType = jsOrder && JS_ORDER_SQL[jsOrder]
      }
      const a = appender ?? (await open(orderType ?? 'VARCHAR'))
      // A delete needs only its key: the other columns of a delete entry are not read.
      for (const c of table.columnNames) {
        const value =
          del && !shape.keys.includes(c) && c !== shape.orderColumn ? null : validValue(table, c, row, index, what)
        appendValue(engine.duckdb, a, table.columns[c]!, value)
      }
      a.appendBoolean(del)
      if (inTable) {
        const value = validValue(table, shape.orderColumn, row, index, what)
        if (value === null) {
          throw new HyperdeltaError(
            'ROW_INVALID',
            `cdc: change log row ${index}: order column "${shape.orderColumn}" is NULL`,
            {
              details: { row: index, column: shape.orderColumn },
            },
          )
        }
        appendValue(engine.duckdb, a, table.columns[shape.orderColumn]!, value)
      } else appendOrder(a, engine.duckdb, jsOrder ?? 'string', row[shape.orderColumn], index, shape.orderColumn)
      a.appendInteger(0)
      a.appendBigInt(BigInt(index))
      a.endRow()
      index++
    }
    if (appender) appender.flushSync()
    else await open(orderType ?? 'VARCHAR')
  } finally {
    appender?.closeSync()
  }
  return {
    orderType: orderType ?? 'VARCHAR',
    jsOrder: jsOrder === 'string' ? undefined : jsOrder,
    empty: index === 0,
    files: 1,
    converted: [],
    scan: {
      from: 'log_src',
      select: [...table.columnNames.map(ident), '__del'].join(', '),
      order: '__order',
      file: '__f',
      row: '__r',
    },
    position: (_file, row) => `row ${row}`,
  }
}

/** Loads a change log (Parquet files read in place, or rows through the appender) as `log_src`. */
export function loadChangeLog(
  engine: CdcEngine,
  table: Table<Columns>,
  source: RowSource,
  shape: LogShape,
): Promise<LoadedLog> {
  return isParquetSource(source)
    ? loadParquetLog(engine, table, parquetPaths(source), shape)
    : loadRowLog(engine, table, source as Iterable<Record<string, unknown>>, shape)
}
