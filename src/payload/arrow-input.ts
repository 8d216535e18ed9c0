import { describeColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { describeInput, type InputType, inputConverter, inputRefusal, type TimeUnit } from '../schema/input-types.js'
import { InvalidValue } from '../schema/values.js'
import { payloadError } from './payload-errors.js'
import { assertRequiredColumns } from './required-columns.js'

/**
 * The parts of apache-arrow's Vector / RecordBatch / Table that the payload layer reads. Arrow is
 * an optional peer: objects are recognised by shape, apache-arrow is never imported.
 */
/** The Arrow DataType fields the input rule reads (apache-arrow's DataType subclasses hold them). */
export interface ArrowTypeLike {
  readonly typeId: number
  readonly unit?: number
  readonly bitWidth?: number
  readonly isSigned?: boolean
  readonly precision?: number
  readonly scale?: number
  readonly timezone?: string | null
  readonly dictionary?: ArrowTypeLike
}
export interface ArrowVectorLike {
  readonly type: ArrowTypeLike
  readonly data: readonly { readonly length: number; readonly values: unknown }[]
  get(index: number): unknown
  isValid(index: number): boolean
}
export interface ArrowRecordBatchLike {
  readonly numRows: number
  readonly schema: { readonly fields: readonly { readonly name: string }[] }
  getChildAt(index: number): ArrowVectorLike | null
}
export interface ArrowTableLike {
  readonly numRows: number
  readonly schema: { readonly fields: readonly { readonly name: string }[] }
  readonly batches: readonly ArrowRecordBatchLike[]
}

function hasArrowSchema(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { numRows?: unknown; schema?: { fields?: unknown } }
  return typeof v.numRows === 'number' && Array.isArray(v.schema?.fields)
}

export function isArrowTable(value: unknown): value is ArrowTableLike {
  return hasArrowSchema(value) && Array.isArray((value as ArrowTableLike).batches)
}

export function isArrowRecordBatch(value: unknown): value is ArrowRecordBatchLike {
  return (
    hasArrowSchema(value) &&
    !('batches' in (value as object)) &&
    typeof (value as ArrowRecordBatchLike).getChildAt === 'function'
  )
}

// apache-arrow `Type` enum values (stable across versions: they mirror the Arrow format's Type union).
const ARROW = {
  DICTIONARY: -1,
  INT: 2,
  FLOAT: 3,
  UTF8: 5,
  BOOL: 6,
  DECIMAL: 7,
  LARGE_UTF8: 20,
  UTF8_VIEW: 24,
  TIME: 9,
} as const
const ARROW_DATE = 8
const ARROW_TIMESTAMP = 10
const UNITS: readonly TimeUnit[] = ['s', 'ms', 'us', 'ns']

/** The input type of an Arrow column (dictionary-encoded columns: their values' type). */
export function arrowInputType(type: ArrowTypeLike): InputType {
  switch (type.typeId) {
    case ARROW.DICTIONARY:
      return type.dictionary ? arrowInputType(type.dictionary) : { kind: 'other', name: 'Dictionary' }
    case ARROW.INT:
      return { kind: 'int', bits: type.bitWidth ?? 64, signed: type.isSigned ?? true }
    case ARROW.FLOAT:
      return type.precision === 2
        ? { kind: 'float', bits: 64 }
        : type.precision === 1
          ? { kind: 'float', bits: 32 }
          : { kind: 'other', name: 'Float16' }
    case ARROW.UTF8:
    case ARROW.LARGE_UTF8:
    case ARROW.UTF8_VIEW:
      return { kind: 'text' }
    case ARROW.BOOL:
      return { kind: 'bool' }
    case ARROW.DECIMAL:
      return { kind: 'decimal', precision: type.precision ?? 0, scale: type.scale ?? 0 }
    case ARROW_DATE:
      // Date32 (days) is a date; Date64 (ms) is read as a Date, which a date column takes at midnight only.
      return { kind: 'date' }
    case ARROW_TIMESTAMP:
      return { kind: 'timestamp', unit: UNITS[type.unit ?? 1] ?? 'ms', utc: Boolean(type.timezone) }
    case ARROW.TIME:
      return { kind: 'time', unit: UNITS[type.unit ?? 1] ?? 'ms' }
    default:
      return { kind: 'other', name: `Arrow type ${type.typeId}` }
  }
}
// TimeUnit: SECOND, MILLISECOND, MICROSECOND, NANOSECOND → factor to microseconds.
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n] as const

const MAX_DATE_MS = 8_640_000_000_000_000n

/** Row `i`'s raw integer (int64 or int32 storage) as a bigint, or null; across the vector's chunks. */
function rawReader(vector: ArrowVectorLike): (i: number) => bigint | null {
  const chunks = vector.data
  return (i) => {
    if (!vector.isValid(i)) return null
    let at = i
    let chunk = chunks[0]!
    for (const c of chunks) {
      chunk = c
      if (at < c.length) break
      at -= c.length
    }
    return BigInt((chunk.values as ArrayLike<bigint | number>)[at]!)
  }
}

/** A reader of row `i` giving a value `normalizeValue` accepts (exact µs for timestamps and times). */
function columnReader(vector: ArrowVectorLike): (i: number) => unknown {
  const typeId = vector.type.typeId
  if (typeId === ARROW.TIME) {
    const unit = vector.type.unit ?? 1
    return (i) => {
      const v = vector.get(i)
      if (v === null || v === undefined) return null
      const raw = BigInt(v as number | bigint)
      if (unit === 3) return raw % 1000n === 0n ? raw / 1000n : `${raw} ns`
      return raw * MICROS_PER_UNIT[unit as 0 | 1 | 2]
    }
  }
  if (typeId === ARROW.DECIMAL) {
    // The unscaled integer, exactly (Vector.get gives its 32-bit words); the input rule scales it.
    return (i) => {
      const words = vector.get(i) as Uint32Array | null
      if (words === null || words === undefined) return null
      let n = 0n
      for (let w = words.length - 1; w >= 0; w--) n = (n << 32n) | BigInt(words[w]!)
      n = BigInt.asIntN(words.length * 32, n)
      return n
    }
  }
  if (typeId === ARROW_TIMESTAMP) {
    // Vector.get() returns milliseconds as a float, which loses microseconds: read the raw int64s.
    const unit = vector.type.unit ?? 0
    const raw = rawReader(vector)
    return (i) => {
      const v = raw(i)
      if (v === null) return null
      if (unit === 3) return v % 1000n === 0n ? v / 1000n : `${v} ns`
      return v * MICROS_PER_UNIT[unit as 0 | 1 | 2]
    }
  }
  if (typeId === ARROW_DATE && vector.type.unit === 1) {
    // Date64: Vector.get() throws beyond ±2^53 ms; a JS Date holds ±8.64e15 ms, beyond is no date.
    const raw = rawReader(vector)
    return (i) => {
      const ms = raw(i)
      if (ms === null) return null
      return ms <= MAX_DATE_MS && ms >= -MAX_DATE_MS
        ? new Date(Number(ms))
        : new InvalidValue(`${ms} ms since the epoch is not a valid date`)
    }
  }
  if (typeId === ARROW_DATE) {
    return (i) => {
      const ms = vector.get(i)
      return ms === null || ms === undefined ? null : ms instanceof Date ? ms : new Date(Number(ms))
    }
  }
  return (i) => {
    const v = vector.get(i)
    return v === undefined ? null : v
  }
}

/**
 * Row objects of one Arrow record batch. Fields the table does not define are an error unless
 * `extraColumns` is 'ignore'.
 */
export function arrowBatchRows(
  batch: ArrowRecordBatchLike,
  table: Table,
  extraColumns: 'error' | 'ignore',
): Record<string, unknown>[] {
  const readers: [string, (i: number) => unknown][] = []
  for (const [name, vector] of arrowColumns(batch, table, extraColumns)) {
    readers.push([name, checkedReader(table, name, vector)])
  }
  const rows: Record<string, unknown>[] = new Array(batch.numRows)
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {}
    for (const [name, read] of readers) row[name] = read(i)
    rows[i] = row
  }
  return rows
}

/**
 * The batch's vectors of the table's columns, by name. A field the batch lacks would be NULL in every
 * row: refused, like a Parquet file's missing column. Fields the table does not define are an error
 * unless `extraColumns` is 'ignore'.
 */
export function arrowColumns(
  batch: ArrowRecordBatchLike,
  table: Table,
  extraColumns: 'error' | 'ignore',
): [string, ArrowVectorLike][] {
  const fields = batch.schema.fields.map((f) => f.name)
  assertRequiredColumns(fields, table, 'Arrow input')
  const columns: [string, ArrowVectorLike][] = []
  fields.forEach((name, j) => {
    if (!Object.hasOwn(table.columns, name)) {
      if (extraColumns === 'ignore') return
      throw payloadError(
        'PAYLOAD_COLUMN_UNKNOWN',
        `Arrow input has column "${name}", which ${table.name} does not define`,
        {
          table: table.name,
          column: name,
        },
      )
    }
    const vector = batch.getChildAt(j)
    if (vector) columns.push([name, vector])
  })
  return columns
}

/** Applies the one input rule to an Arrow column: refused naming column, Arrow type and what to declare. */
export function assertArrowInput(table: Table, name: string, vector: ArrowVectorLike): void {
  const column = table.columns[name]!
  const input = arrowInputType(vector.type)
  const refusal = inputRefusal(name, column, input)
  if (refusal !== undefined) {
    throw payloadError('PAYLOAD_INPUT_INVALID', `Arrow input: ${refusal}`, {
      table: table.name,
      column: name,
      input: describeInput(input),
      declared: describeColumnType(column),
    })
  }
}

/** The column's reader after the one input rule: refused (see assertArrowInput) or converted. */
export function checkedReader(table: Table, name: string, vector: ArrowVectorLike): (i: number) => unknown {
  assertArrowInput(table, name, vector)
  const read = columnReader(vector)
  const convert = inputConverter(table.columns[name]!, arrowInputType(vector.type))
  if (!convert) return read
  return (i) => {
    const v = read(i)
    return v === null || v === undefined ? v : convert(v)
  }
}
