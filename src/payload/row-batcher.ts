import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { payloadError } from './payload-errors.js'
import type { ColumnVector, RowBatch } from './payload-format.js'
import { compileRowReader, type RowReader } from './row-reader.js'
import { TextColumn } from './text-column.js'

/**
 * Fixed encoded width of a value, used only to size row groups (the file size check is exact). Text
 * is 0 here: the row reader returns the bytes its text values take.
 */
const WIDTH: Record<ColumnType['kind'], number> = {
  int64: 8,
  int32: 4,
  int16: 4,
  float64: 8,
  decimal: 16,
  text: 0,
  bool: 1,
  date: 4,
  timestamp: 8,
  timestamp_ntz: 8,
  time: 8,
}

/** An empty column of `capacity` rows in the form a RowBatch holds `column`'s values (see ColumnVector). */
export function allocateColumn(column: ColumnType, capacity: number): ColumnVector {
  if (column.kind === 'text') return new TextColumn(capacity)
  if (column.nullable) return []
  switch (column.kind) {
    case 'int64':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'time':
      return new BigInt64Array(capacity)
    case 'decimal':
      // Up to 18 digits an unscaled decimal is an int64 (stored as one); wider ones stay bigints in an array.
      return (column.precision ?? 38) <= 18 ? new BigInt64Array(capacity) : []
    case 'int32':
    case 'int16':
    case 'date':
      return new Int32Array(capacity)
    case 'float64':
      return new Float64Array(capacity)
    case 'bool':
      // A typed array, not an array of booleans: nothing for the garbage collector to copy.
      return new Uint8Array(capacity)
    default:
      return []
  }
}

function trim(vector: ColumnVector, length: number): ColumnVector {
  if (Array.isArray(vector) || vector instanceof TextColumn) return vector
  return vector.length === length ? vector : vector.subarray(0, length)
}

export interface RowBatcherOptions {
  readonly extraColumns: 'error' | 'ignore'
  /** Most rows per batch (one batch becomes one row group). */
  readonly maxRows: number
  /** Target of estimated raw bytes per batch. */
  readonly targetBytes: number
}

/**
 * Collects validated rows into columnar batches. Nothing is coerced: each bad value is a typed
 * error naming the table, column and input row index.
 */
export class RowBatcher {
  readonly #table: Table
  readonly #names: readonly string[]
  readonly #types: readonly ColumnType[]
  readonly #read: RowReader
  readonly #options: RowBatcherOptions
  readonly #fixedWidth: number
  #columns: ColumnVector[] = []
  /** Little-endian word views of the BigInt64Array columns (see RowReader). */
  #words: (Int32Array | undefined)[] = []
  #rowIndexes: Float64Array = new Float64Array(0)
  #length = 0
  #bytes = 0
  /** Buffers of batches their encoder released, ready for the next batch. */
  readonly #released: { columns: ColumnVector[]; rowIndexes: Float64Array }[] = []
  /** Input index of the row being read (for errors), so the reader's callbacks are created once. */
  #index = 0
  readonly #onInvalid = (j: number, reason: string): never => this.#invalid(j, reason, this.#index)
  readonly #onUnknown = (key: string): never => this.#unknown(key, this.#index)

  constructor(table: Table, options: RowBatcherOptions) {
    this.#table = table
    this.#names = table.columnNames
    this.#types = this.#names.map((n) => table.columns[n]!)
    this.#read = compileRowReader(this.#names, this.#types, options.extraColumns === 'error')
    this.#options = options
    this.#fixedWidth = this.#types.reduce((n, t) => n + WIDTH[t.kind], 0)
    this.#reset()
  }

  #reset(): void {
    const capacity = this.#options.maxRows
    const reused = this.#released.pop()
    if (reused) {
      // Typed arrays need no clearing: rows [0, length) are always written before they are read.
      this.#columns = reused.columns.map((c, j) => {
        if (c instanceof TextColumn) c.clear()
        return Array.isArray(c) ? allocateColumn(this.#types[j]!, capacity) : c
      })
      this.#rowIndexes = reused.rowIndexes
    } else {
      this.#columns = this.#types.map((t) => allocateColumn(t, capacity))
      this.#rowIndexes = new Float64Array(capacity)
    }
    this.#words = this.#columns.map((c) =>
      c instanceof BigInt64Array ? new Int32Array(c.buffer, c.byteOffset, c.length * 2) : undefined,
    )
    this.#length = 0
    this.#bytes = 0
  }

  get length(): number {
    return this.#length
  }

  /** True when the batch should be taken before adding more rows. */
  get full(): boolean {
    return this.#length >= this.#options.maxRows || this.#bytes >= this.#options.targetBytes
  }

  /** Validates `row` (input index `index`) and appends it. Returns `full`. */
  add(row: unknown, index: number): boolean {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw payloadError(
        'PAYLOAD_ROW_INVALID',
        `row ${index} of ${this.#table.name} is not an object (got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row})`,
        { table: this.#table.name, row: index },
      )
    }
    const i = this.#length
    this.#index = index
    this.#bytes +=
      this.#fixedWidth +
      this.#read(row as Record<string, unknown>, this.#columns, i, this.#onInvalid, this.#onUnknown, this.#words)
    this.#rowIndexes[i] = index
    this.#length = i + 1
    return this.full
  }

  #invalid(j: number, reason: string, index: number): never {
    const name = this.#names[j]!
    throw payloadError('PAYLOAD_VALUE_INVALID', `${this.#table.name}.${name}, row ${index}: ${reason}`, {
      table: this.#table.name,
      column: name,
      row: index,
      kind: this.#types[j]!.kind,
      reason,
    })
  }

  #unknown(key: string, index: number): never {
    throw payloadError(
      'PAYLOAD_COLUMN_UNKNOWN',
      `row ${index} of ${this.#table.name} has column "${key}", which the table does not define`,
      { table: this.#table.name, column: key, row: index, columns: this.#names },
    )
  }

  /** The rows collected so far as a batch; the batcher starts a new one. */
  take(): RowBatch {
    const length = this.#length
    const buffers = { columns: this.#columns, rowIndexes: this.#rowIndexes }
    let released = false
    const batch: RowBatch = {
      length,
      columns: this.#columns.map((c) => trim(c, length)),
      rowIndexes: this.#rowIndexes.subarray(0, length),
      release: () => {
        if (released) return
        released = true
        this.#released.push(buffers)
      },
    }
    this.#reset()
    return batch
  }
}
