import { asyncBufferFromFile, type FileMetaData, parquetMetadataAsync, parquetRead } from 'hyparquet'
import type { Table } from '../schema/define-table.js'
import { setOwn } from '../schema/own-property.js'
import { decimalInteger, exactInputColumns } from './parquet-exact-input.js'
import { payloadError } from './payload-errors.js'
import { assertRequiredColumns } from './required-columns.js'

/** Parquet files on disk as change rows (see {@link fromParquet}). */
export interface ParquetFiles {
  readonly kind: 'parquet-files'
  readonly paths: readonly string[]
}

/**
 * Marks Parquet files on disk as the rows to package. They are read with hyparquet one row group at
 * a time (never a whole file), in the order given, and every value is validated against the table
 * like any other input. Timestamps keep their microseconds.
 *
 * @example
 * ```ts
 * import { fromParquet, writeChangeFiles } from 'hyperdelta'
 * await using files = await writeChangeFiles(changes, fromParquet(['a.parquet', 'b.parquet']), { maxSizeInMb: 100 })
 * ```
 */
export function fromParquet(paths: string | readonly string[]): ParquetFiles {
  const list = typeof paths === 'string' ? [paths] : [...paths]
  if (list.some((p) => typeof p !== 'string' || p === '')) {
    throw payloadError('PAYLOAD_INPUT_INVALID', 'fromParquet needs file paths (non-empty strings)', {})
  }
  return Object.freeze({ kind: 'parquet-files', paths: Object.freeze(list) })
}

export function isParquetFiles(value: unknown): value is ParquetFiles {
  return typeof value === 'object' && value !== null && (value as ParquetFiles).kind === 'parquet-files'
}

/** Values as `normalizeValue` accepts them: timestamps as bigint microseconds, never a lossy Date. */
export const parsers = {
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1000n,
  // Nanoseconds that are not whole microseconds would be truncated: pass a text normalizeValue rejects.
  timestampFromNanoseconds: (nanos: bigint) => (nanos % 1000n === 0n ? nanos / 1000n : `${nanos} ns`),
}

const MAGIC = 0x31524150 // "PAR1", little-endian

/** Why the bytes of `file` are no Parquet file, from its size and magic numbers; undefined when they could be. */
async function notParquet(file: Awaited<ReturnType<typeof asyncBufferFromFile>>): Promise<string | undefined> {
  const size = file.byteLength
  if (size === 0) return 'the file is empty (0 bytes)'
  // Magic, footer length and magic: no Parquet file is shorter.
  if (size < 12) return `the file is ${size} bytes long, too short for Parquet`
  const head = new DataView(await file.slice(0, 4)).getUint32(0, true)
  if (head !== MAGIC) return 'the file does not start with the Parquet magic bytes PAR1'
  const tail = new DataView(await file.slice(size - 4, size)).getUint32(0, true)
  if (tail !== MAGIC) return 'the file does not end with the Parquet magic bytes PAR1 (truncated?)'
  return undefined
}

/**
 * Opens a Parquet file and reads its footer. A file that is not Parquet (text, empty, truncated, other
 * magic bytes) or cannot be read is a `PAYLOAD_PARQUET_INPUT` error naming the file: bad input, never a crash.
 */
export async function openParquet(
  path: string,
): Promise<{ file: Awaited<ReturnType<typeof asyncBufferFromFile>>; metadata: FileMetaData }> {
  let reason: string
  let cause: unknown
  try {
    const file = await asyncBufferFromFile(path)
    const wrong = await notParquet(file)
    if (wrong === undefined) return { file, metadata: await parquetMetadataAsync(file) }
    reason = `not a Parquet file: ${wrong}`
  } catch (error) {
    cause = error
    reason = (error as Error)?.message ?? String(error)
  }
  throw payloadError('PAYLOAD_PARQUET_INPUT', `cannot read Parquet file ${path}: ${reason}`, { path }, cause)
}

/** The number of rows a Parquet file holds, from its footer (errors as {@link openParquet}). */
export async function parquetRowCount(path: string): Promise<number> {
  return Number((await openParquet(path)).metadata.num_rows)
}

/**
 * Row objects of one Parquet file, a row group at a time, with the given columns (default: all).
 * With a `table`, file columns it does not define are an error unless `extraColumns` is 'ignore', and so is
 * a file without one of the table's columns (unless `columns` picks some).
 */
export async function* readParquetRowGroups(
  path: string,
  options: {
    table?: Table
    extraColumns?: 'error' | 'ignore'
    columns?: readonly string[]
  } = {},
): AsyncGenerator<Record<string, unknown>[]> {
  const { file, metadata } = await openParquet(path)
  const fileColumns = metadata.schema.slice(1).map((e) => e.name)
  if ((metadata.schema[0]?.num_children ?? 0) !== fileColumns.length) {
    throw payloadError('PAYLOAD_PARQUET_INPUT', `${path} has nested columns, which change rows cannot hold`, { path })
  }
  const table = options.table
  const wanted = new Set(options.columns ?? table?.columnNames ?? fileColumns)
  if (table && options.extraColumns !== 'ignore' && options.columns === undefined) {
    const extra = fileColumns.find((c) => !wanted.has(c))
    if (extra !== undefined) {
      throw payloadError(
        'PAYLOAD_COLUMN_UNKNOWN',
        `${path} has column "${extra}", which ${table.name} does not define`,
        { path, table: table.name, column: extra, columns: table.columnNames },
      )
    }
  }
  if (table && options.columns === undefined) {
    assertRequiredColumns(fileColumns, table, path, path)
  }
  const columns = fileColumns.filter((c) => wanted.has(c))
  const exact = exactInputColumns(path, metadata, table, columns)
  // DECIMAL bytes must reach us raw; any other unannotated byte array is no text column anyway.
  const utf8 = ![...exact.decimals].some((c) => metadata.schema.find((e) => e.name === c)?.type === 'BYTE_ARRAY')
  let rowStart = 0
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows)
    let arrays: unknown[][] = []
    try {
      // Array rows, made into objects here: hyparquet's object rows assign column names as keys,
      // and a column named "__proto__" would set the prototype instead.
      await parquetRead({
        file,
        metadata: exact.metadata,
        columns,
        rowStart,
        rowEnd,
        parsers,
        utf8,
        rowFormat: 'array',
        onComplete: (rows) => {
          arrays = rows
        },
      })
    } catch (cause) {
      throw payloadError('PAYLOAD_PARQUET_INPUT', `cannot read ${path}: ${(cause as Error).message}`, { path }, cause)
    }
    rowStart = rowEnd
    const decimal = columns.map((c) => exact.decimals.has(c))
    const convert = columns.map((c) => exact.convert.get(c))
    yield arrays.map((values) => {
      const row: Record<string, unknown> = {}
      for (let i = 0; i < columns.length; i++) {
        const raw = decimal[i] ? decimalInteger(values[i]) : values[i]
        const f = convert[i]
        setOwn(row, columns[i]!, f && raw !== null && raw !== undefined ? f(raw) : raw)
      }
      return row
    })
  }
}

/**
 * Rows of Parquet files as objects, one row group in memory at a time, in file order. Values are
 * what `normalizeValue` accepts: int64 as bigint, timestamps as bigint microseconds (exact), dates
 * as Dates at midnight UTC, NULL as null.
 *
 * @example
 * ```ts
 * import { readParquetRows } from 'hyperdelta'
 * for await (const row of readParquetRows(['snapshot.parquet'])) console.log(row.id)
 * ```
 */
export async function* readParquetRows(
  paths: string | readonly string[],
  options: { columns?: readonly string[] } = {},
): AsyncGenerator<Record<string, unknown>> {
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    for await (const rows of readParquetRowGroups(path, options)) yield* rows
  }
}
