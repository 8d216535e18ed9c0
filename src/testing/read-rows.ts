import { HyperdeltaError } from '../index.js'

/** Reads SQL on the emulator's DuckDB (the emulator's `query`). */
export type QuerySql = (sql: string) => Promise<Record<string, unknown>[]>

/** Options of `TestEmulator.rows`. */
export interface RowsOptions {
  /** Site contentUrl of the data source; default the test emulator's site. */
  site?: string
  /**
   * Columns to sort by, in order (ascending, NULLs last). Default: every column, left to right, so the
   * result is the same on every run whatever order the jobs left the table in.
   */
  orderBy?: string | readonly string[]
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

/**
 * How each DuckDB type a hyperdelta column can become is read back: the SQL that reads it exactly, and the
 * JS value made of that. The values are those `readParquetRows` yields (and every hyperdelta input accepts).
 */
const READERS: Record<string, { sql: (column: string) => string; value?: (v: unknown) => unknown }> = {
  BIGINT: { sql: (c) => c },
  INTEGER: { sql: (c) => c },
  SMALLINT: { sql: (c) => c },
  TINYINT: { sql: (c) => c },
  DOUBLE: { sql: (c) => c },
  FLOAT: { sql: (c) => c },
  VARCHAR: { sql: (c) => c },
  BOOLEAN: { sql: (c) => c },
  // A Date at midnight UTC, as readParquetRows gives dates.
  DATE: { sql: (c) => `epoch_ms(CAST(${c} AS TIMESTAMP))`, value: (v) => new Date(Number(v as bigint)) },
  // bigint microseconds since the epoch: exact, where a Date would drop the microseconds.
  'TIMESTAMP WITH TIME ZONE': { sql: (c) => `epoch_us(${c})` },
  TIMESTAMP: { sql: (c) => `epoch_us(${c})` },
}

/**
 * The rows of `table` (a SQL table name) with exact values: int64 as bigint, int32 and float64 as number,
 * dates as Dates at midnight UTC, timestamps as bigint microseconds since the epoch, NULL as null.
 */
export async function readRows(
  query: QuerySql,
  table: string,
  datasource: string,
  orderBy: RowsOptions['orderBy'],
): Promise<Record<string, unknown>[]> {
  const columns = (await query(`DESCRIBE SELECT * FROM ${table}`)).map((c) => ({
    name: String(c['column_name']),
    type: String(c['column_type']),
  }))
  const readers = columns.map(({ name, type }) => {
    const reader = READERS[type]
    if (!reader) {
      throw new HyperdeltaError(
        'TABLE_INVALID',
        `testing: column "${name}" of data source "${datasource}" is ${type}, which no hyperdelta column type reads back; use emulator.query() for it`,
        { details: { table: datasource, column: name } },
      )
    }
    return reader
  })
  const order = orderBy === undefined ? [] : typeof orderBy === 'string' ? [orderBy] : [...orderBy]
  for (const name of order) {
    if (!columns.some((c) => c.name === name)) {
      throw new HyperdeltaError(
        'TABLE_INVALID',
        `testing: orderBy names "${name}", which is not a column of data source "${datasource}" (${columns.map((c) => c.name).join(', ')})`,
        { details: { table: datasource, column: name } },
      )
    }
  }
  const select = columns.map((c, i) => `${readers[i]!.sql(quote(c.name))} AS ${quote(c.name)}`).join(', ')
  const orderSql = order.length === 0 ? 'ALL' : order.map((name) => `${quote(name)} NULLS LAST`).join(', ')
  const rows = await query(`SELECT ${select} FROM ${table} ORDER BY ${orderSql}`)
  return rows.map((row) => {
    const out: Record<string, unknown> = {}
    columns.forEach((c, i) => {
      const v = row[c.name]
      const convert = readers[i]!.value
      // defineProperty: a column named `__proto__` stays a column.
      Object.defineProperty(out, c.name, {
        value: v === null || v === undefined || !convert ? (v ?? null) : convert(v),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    })
    return out
  })
}
