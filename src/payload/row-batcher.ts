import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { InvalidValue, type NormalizedValue, normalizeValue } from '../schema/values.js'
import { payloadError } from './payload-errors.js'
import type { ColumnVector, RowBatch } from './payload-format.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Validates one value. Common cases take an inline path whose accept conditions are a strict subset
 * of `normalizeValue`'s (same result); everything else, including every error, goes through
 * `normalizeValue`, the one source of truth for the rules.
 */
type Normalizer = (value: unknown) => NormalizedValue | InvalidValue

function normalizerFor(column: ColumnType): Normalizer {
  const slow = (v: unknown) => normalizeValue(column, v)
  switch (column.kind) {
    case 'int64':
      return (v) =>
        typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX
          ? v
          : typeof v === 'number' && Number.isSafeInteger(v)
            ? BigInt(v)
            : slow(v)
    case 'int32':
      return (v) => (typeof v === 'number' && (v | 0) === v ? v : slow(v))
    case 'float64':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : slow(v))
    case 'text':
      return (v) => (typeof v === 'string' && v.isWellFormed() ? v : slow(v))
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : slow(v))
    case 'timestamp':
      return (v) => (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX ? v : slow(v))
    case 'date':
      return slow
  }
}

/** Fixed encoded width of a value, used only to size row groups (the file size check is exact). */
const WIDTH: Record<ColumnType['kind'], number> = {
  int64: 8,
  int32: 4,
  float64: 8,
  text: 4,
  bool: 1,
  date: 4,
  timestamp: 8,
}

function allocate(column: ColumnType, capacity: number): ColumnVector {
  if (column.nullable) return []
  switch (column.kind) {
    case 'int64':
    case 'timestamp':
      return new BigInt64Array(capacity)
    case 'int32':
    case 'date':
      return new Int32Array(capacity)
    case 'float64':
      return new Float64Array(capacity)
    default:
      return []
  }
}

function trim(vector: ColumnVector, length: number): ColumnVector {
  if (Array.isArray(vector)) return vector
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
  readonly #normalize: readonly Normalizer[]
  readonly #known: ReadonlySet<string>
  readonly #options: RowBatcherOptions
  readonly #fixedWidth: number
  readonly #textColumns: readonly number[]
  #columns: ColumnVector[] = []
  #rowIndexes = new Float64Array(0)
  #length = 0
  #bytes = 0

  constructor(table: Table, options: RowBatcherOptions) {
    this.#table = table
    this.#names = table.columnNames
    this.#types = this.#names.map((n) => table.columns[n]!)
    this.#normalize = this.#types.map(normalizerFor)
    this.#known = new Set(this.#names)
    this.#options = options
    this.#fixedWidth = this.#types.reduce((n, t) => n + WIDTH[t.kind], 0)
    this.#textColumns = this.#types.flatMap((t, j) => (t.kind === 'text' ? [j] : []))
    this.#reset()
  }

  #reset(): void {
    const capacity = this.#options.maxRows
    this.#columns = this.#types.map((t) => allocate(t, capacity))
    this.#rowIndexes = new Float64Array(capacity)
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
    const record = row as Record<string, unknown>
    if (this.#options.extraColumns === 'error') {
      for (const key in record) {
        if (!this.#known.has(key) && Object.hasOwn(record, key)) {
          throw payloadError(
            'PAYLOAD_COLUMN_UNKNOWN',
            `row ${index} of ${this.#table.name} has column "${key}", which the table does not define`,
            { table: this.#table.name, column: key, row: index, columns: this.#names },
          )
        }
      }
    }
    const i = this.#length
    const names = this.#names
    const columns = this.#columns
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!
      const value = this.#normalize[j]!(record[name])
      if (value instanceof InvalidValue) {
        throw payloadError('PAYLOAD_VALUE_INVALID', `${this.#table.name}.${name}, row ${index}: ${value.reason}`, {
          table: this.#table.name,
          column: name,
          row: index,
          kind: this.#types[j]!.kind,
          reason: value.reason,
        })
      }
      ;(columns[j] as unknown[])[i] = value
    }
    let bytes = this.#fixedWidth
    for (const j of this.#textColumns) {
      const s = (columns[j] as unknown[])[i]
      if (typeof s === 'string') bytes += s.length
    }
    this.#bytes += bytes
    this.#rowIndexes[i] = index
    this.#length = i + 1
    return this.full
  }

  /** The rows collected so far as a batch; the batcher starts a new one. */
  take(): RowBatch {
    const length = this.#length
    const batch: RowBatch = {
      length,
      columns: this.#columns.map((c) => trim(c, length)),
      rowIndexes: this.#rowIndexes.subarray(0, length),
    }
    this.#reset()
    return batch
  }
}
