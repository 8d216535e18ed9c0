import { type Columns, HyperdeltaError, readParquetRows, type Table } from '../../src/index.js'
import { InvalidValue, normalizeValue } from '../../src/wire.js'

/** Rows from Parquet files (paths) or any (async) iterable of row objects. */
export type RowSource =
  | string
  | readonly string[]
  | Iterable<Record<string, unknown>>
  | AsyncIterable<Record<string, unknown>>

/** Iterates a row source; Parquet files are read row group by row group. */
export async function* rowsOf(source: RowSource): AsyncGenerator<Record<string, unknown>> {
  // An array is a list of Parquet paths only when every element is a string; otherwise it holds rows.
  const isPaths = Array.isArray(source) && source.length > 0 && source.every((s) => typeof s === 'string')
  if (typeof source === 'string' || isPaths) {
    yield* readParquetRows(typeof source === 'string' ? [source] : (source as string[]))
  } else {
    yield* source as AsyncIterable<Record<string, unknown>>
  }
}

/**
 * Canonical values of the given columns (bigint µs timestamps, day numbers for dates, ...), so rows
 * from Parquet and from JS objects compare equal when their values are equal. Errors name the row.
 */
export function canonicalValues(
  table: Table<Columns>,
  columns: readonly string[],
  row: Record<string, unknown>,
  index: number,
  what: string,
): unknown[] {
  return columns.map((column) => {
    const value = normalizeValue(table.columns[column]!, row[column])
    if (value instanceof InvalidValue) {
      throw new HyperdeltaError('ROW_INVALID', `${what}: row ${index}: column "${column}": ${value.reason}`, {
        details: { row: index, column },
      })
    }
    return value
  })
}

/** A stable string for key values (bigint-safe). */
export function keyString(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
}
