import { isUtf8 } from 'node:buffer'
import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { type InvalidValue, normalizeValue } from '../schema/values.js'
import type { ArrowRecordBatchLike } from './arrow-input.js'
import { payloadError } from './payload-errors.js'
import type { ColumnVector, RowBatch } from './payload-format.js'
import { TextColumn } from './text-column.js'

/**
 * Arrow record batches as row batches straight from the vectors' buffers: int64, int32, float64,
 * date (days) and µs timestamps are the values' typed arrays themselves, text is Arrow's UTF-8
 * offsets and bytes, bools are unpacked from the bitmap. No row object is built. Validation is
 * `normalizeValue`'s rule applied in columnar loops: NULLs (from the validity bitmap) only in
 * nullable columns, finite doubles unless allowed, dates a JS Date can hold, text well-formed UTF-8.
 *
 * A batch with anything else (other widths or units, chunked or offset vectors, dictionaries) is
 * undefined here and goes through the row path, which converts exactly and names bad values.
 */

// Arrow format Type ids (apache-arrow's `Type` enum mirrors them).
const INT = 2
const FLOAT = 3
const UTF8 = 5
const BOOL = 6
const DATE = 8
const TIMESTAMP = 10
const DOUBLE_PRECISION = 2
const DATE_DAY = 0
const MICROSECOND = 2
/** Days a JS Date can hold (±10^8 around the epoch): `normalizeValue` refuses dates beyond. */
const MAX_DATE_DAYS = 100_000_000

interface ArrowData {
  readonly length: number
  readonly offset?: number
  readonly nullCount?: number
  readonly values?: unknown
  readonly valueOffsets?: unknown
  readonly nullBitmap?: Uint8Array | null
  readonly type: {
    readonly typeId: number
    readonly bitWidth?: number
    readonly isSigned?: boolean
    readonly precision?: number
    readonly unit?: number
  }
}

/** Thrown when a value is invalid: carries the row (within the batch) so the error names it. */
class BadValue {
  constructor(
    readonly row: number,
    readonly reason: string,
  ) {}
}

function isValid(bitmap: Uint8Array | null | undefined, i: number): boolean {
  return !bitmap || ((bitmap[i >>> 3]! >> (i & 7)) & 1) === 1
}

/** Per row: 1 where NULL, or undefined when there are none. Refuses NULL in a non-nullable column. */
function nullsOf(data: ArrowData, column: ColumnType, n: number): Uint8Array | undefined {
  if (!data.nullCount || !data.nullBitmap) return undefined
  const nulls = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    if (isValid(data.nullBitmap, i)) continue
    if (!column.nullable) throw new BadValue(i, (normalizeValue(column, null) as InvalidValue).reason)
    nulls[i] = 1
  }
  return nulls
}

/** The column's values in RowBatch form, or undefined when this type needs the row path. */
function vectorOf(column: ColumnType, data: ArrowData): ColumnVector | undefined {
  const n = data.length
  const type = data.type
  const values = data.values
  const nulls = nullsOf(data, column, n)
  const withNulls = <T>(typed: ArrayLike<T>): ColumnVector => {
    if (!nulls) return typed as unknown as ColumnVector
    const out = new Array<T | null>(n)
    for (let i = 0; i < n; i++) out[i] = nulls[i] ? null : typed[i]!
    return out
  }
  switch (column.kind) {
    case 'int64':
      if (type.typeId !== INT || type.bitWidth !== 64 || !type.isSigned || !(values instanceof BigInt64Array)) return
      return withNulls(values.subarray(0, n))
    case 'int32':
      if (type.typeId !== INT || type.bitWidth !== 32 || !type.isSigned || !(values instanceof Int32Array)) return
      return withNulls(values.subarray(0, n))
    case 'float64': {
      if (type.typeId !== FLOAT || type.precision !== DOUBLE_PRECISION || !(values instanceof Float64Array)) return
      if (!column.allowNonFinite) {
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(values[i]!) && !nulls?.[i]) throw new BadValue(i, `${values[i]} is not finite`)
        }
      }
      return withNulls(values.subarray(0, n))
    }
    case 'date': {
      if (type.typeId !== DATE || type.unit !== DATE_DAY || !(values instanceof Int32Array)) return
      for (let i = 0; i < n; i++) {
        const days = values[i]!
        if ((days > MAX_DATE_DAYS || days < -MAX_DATE_DAYS) && !nulls?.[i]) {
          throw new BadValue(i, `${days} days since the epoch is not a valid date`)
        }
      }
      return withNulls(values.subarray(0, n))
    }
    case 'timestamp':
      if (type.typeId !== TIMESTAMP || type.unit !== MICROSECOND || !(values instanceof BigInt64Array)) return
      return withNulls(values.subarray(0, n))
    case 'bool': {
      if (type.typeId !== BOOL || !(values instanceof Uint8Array)) return
      const bits = new Uint8Array(n)
      for (let i = 0; i < n; i++) bits[i] = (values[i >>> 3]! >> (i & 7)) & 1
      return nulls ? withNulls(Array.from(bits, (b) => b === 1)) : bits
    }
    case 'text': {
      const offsets = data.valueOffsets
      if (type.typeId !== UTF8 || !(values instanceof Uint8Array) || !(offsets instanceof Int32Array)) return
      const starts = offsets.subarray(0, n + 1)
      // Valid as a whole, each value is valid when no boundary cuts a character (a continuation byte).
      let valid = isUtf8(values.subarray(starts[0], starts[n]))
      for (let i = 1; i < n && valid; i++) {
        const start = starts[i]!
        if (start < starts[n]! && (values[start]! & 0xc0) === 0x80) valid = false
      }
      if (!valid) {
        for (let i = 0; i < n; i++) {
          if (!nulls?.[i] && !isUtf8(values.subarray(starts[i], starts[i + 1]))) {
            throw new BadValue(i, 'is not valid UTF-8 (a lone surrogate or broken byte sequence)')
          }
        }
      }
      if (nulls) for (let i = 0; i < n; i++) if (nulls[i] && starts[i + 1] !== starts[i]) return
      return TextColumn.fromUtf8(values, starts, nulls)
    }
  }
}

/**
 * The rows of `batch` as RowBatches of at most `maxRows` rows, the first with input index `firstRow`;
 * undefined when some column needs the row path. Fields the table does not define are an error
 * unless `extraColumns` is 'ignore'.
 */
export function arrowRowBatches(
  batch: ArrowRecordBatchLike,
  table: Table,
  extraColumns: 'error' | 'ignore',
  firstRow: number,
  maxRows: number,
): RowBatch[] | undefined {
  const fields = batch.schema.fields.map((f) => f.name)
  for (const name of fields) {
    if (table.columns[name] === undefined && extraColumns === 'error') return undefined // the row path reports it
  }
  const columns: ColumnVector[] = []
  for (const name of table.columnNames) {
    const j = fields.indexOf(name)
    const vector = j < 0 ? null : batch.getChildAt(j)
    const chunks = vector?.data as readonly ArrowData[] | undefined
    const chunk = chunks?.length === 1 ? chunks[0] : undefined
    if (!chunk || chunk.offset || chunk.length !== batch.numRows) return undefined
    const column = table.columns[name]!
    let values: ColumnVector | undefined
    try {
      values = vectorOf(column, chunk)
    } catch (error) {
      if (!(error instanceof BadValue)) throw error
      const row = firstRow + error.row
      throw payloadError('PAYLOAD_VALUE_INVALID', `${table.name}.${name}, row ${row}: ${error.reason}`, {
        table: table.name,
        column: name,
        row,
        kind: table.columns[name]?.kind ?? 'unknown',
        reason: error.reason,
      })
    }
    if (!values) return undefined
    columns.push(values)
  }
  const out: RowBatch[] = []
  for (let start = 0; start < batch.numRows; start += maxRows) {
    const end = Math.min(batch.numRows, start + maxRows)
    const rowIndexes = new Float64Array(end - start)
    for (let i = 0; i < rowIndexes.length; i++) rowIndexes[i] = firstRow + start + i
    out.push({ length: end - start, columns: columns.map((c) => sliceVector(c, start, end)), rowIndexes })
  }
  return out
}

function sliceVector(vector: ColumnVector, start: number, end: number): ColumnVector {
  if (vector instanceof TextColumn) {
    if (start === 0 && end === vector.length) return vector
    return TextColumn.fromUtf8(vector.data, vector.starts.subarray(start, end + 1), vector.nulls?.subarray(start, end))
  }
  if (Array.isArray(vector)) return vector.slice(start, end)
  return (vector as Exclude<ColumnVector, TextColumn | unknown[]>).subarray(start, end)
}
