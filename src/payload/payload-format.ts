import type { Table } from '../schema/define-table.js'
import type { NormalizedValue } from '../schema/values.js'
import { TextColumn } from './text-column.js'

/**
 * One column of a {@link RowBatch}, holding values in their normalized form (see `NormalizedValueMap`:
 * int64/timestamp → bigint, int32/date → number, ...). Non-nullable int64/timestamp columns are
 * `BigInt64Array`, non-nullable int32/date `Int32Array`, non-nullable float64 `Float64Array`,
 * non-nullable bool `Uint8Array` (1 = true); text columns are a {@link TextColumn} (UTF-8 bytes);
 * every other column is a plain array with `null` for NULL. {@link valueAt} reads any of them.
 */
export type ColumnVector = BigInt64Array | Int32Array | Float64Array | Uint8Array | TextColumn | unknown[]

/** Row `i` of a column in its normalized form (decodes text; for the paths that need single values). */
export function valueAt(vector: ColumnVector, i: number): NormalizedValue {
  if (vector instanceof TextColumn) return vector.get(i)
  if (vector instanceof Uint8Array) return vector[i] === 1
  return vector[i] as NormalizedValue
}

/** Validated rows in columnar form, in the table's column order. */
export interface RowBatch {
  readonly length: number
  readonly columns: readonly ColumnVector[]
  /** The input index of each row (for errors and `ChangeFile.firstRow`). */
  readonly rowIndexes: Float64Array
  /**
   * Encoders call this once they no longer read the batch, so its memory is reused for a later
   * batch (allocating ~2 MB of buffers per row group kept the garbage collector busy). Optional:
   * a batch never released is simply collected.
   */
  readonly release?: () => void
}

/** Where an encoder writes one change file. Bytes are hashed and counted as they are written. */
export interface PayloadSink {
  readonly path: string
  /** Bytes written so far. */
  readonly bytes: number
  write(chunk: Uint8Array): Promise<void>
}

/** What the payload layer gives a format's encoder: the table, the byte limit and the file plumbing. */
export interface PayloadEncoderContext {
  readonly table: Table
  /** No file may be larger than this many bytes (checked again by the payload layer). */
  readonly maxBytes: number
  /** Opens the next change file. */
  openFile(): Promise<PayloadSink>
  /** Completes a file holding `rows` rows, the first of which has input index `firstRow`. */
  closeFile(sink: PayloadSink, rows: number, firstRow: number): Promise<void>
}

/** Turns validated row batches into complete change files, each at most `maxBytes`, cut on row boundaries. */
export interface PayloadEncoder {
  /** Adds rows; may open and close files. A single row that cannot fit is a `PAYLOAD_ROW_TOO_LARGE` error. */
  write(batch: RowBatch): Promise<void>
  /** Completes the current file, if any; the next write starts a new one. */
  flush(): Promise<void>
}

/**
 * The seam between packaging and the file format. Parquet is built in ({@link parquetFormat}); a
 * `.hyper` producer plugs in by implementing this interface, and input adapters, validation, key
 * checks, temp files, hashing and cleanup stay the same.
 *
 * @example
 * ```ts
 * import { writeChangeFiles } from 'hyperdelta'
 * import { parquetFormat } from 'hyperdelta/format'
 * const files = await writeChangeFiles(changes, rows, { format: parquetFormat({ statistics: true }) })
 * ```
 */
export interface PayloadFormat {
  /** Short name, e.g. `parquet`. */
  readonly name: string
  /** File extension including the dot, e.g. `.parquet`. */
  readonly extension: string
  createEncoder(context: PayloadEncoderContext): PayloadEncoder
  /**
   * Reads back the given columns of a file this format wrote, a chunk of row objects at a time, with
   * values `normalizeValue` accepts. Used to verify duplicate-key hash hits exactly and to rewrite
   * files for `duplicateKeys: 'keep-last'`.
   */
  readBack(path: string, table: Table, columns: readonly string[]): AsyncIterable<readonly Record<string, unknown>[]>
}
