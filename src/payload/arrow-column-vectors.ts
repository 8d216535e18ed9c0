import type { ColumnType } from '../schema/column-types.js'
import { pow10 } from '../schema/decimal.js'
import { MICROS_PER_DAY } from '../schema/temporal.js'
import type { ArrowData } from './arrow-data.js'
import { arrowTextVector } from './arrow-text-vectors.js'
import { int64AsNumbers, numbersToInt64, scaleInt64 } from './int64-words.js'
import type { ColumnVector } from './payload-format.js'

/**
 * One Arrow column (one chunk of a record batch) in RowBatch form straight from its buffers: each
 * declared kind takes the Arrow types the input rule accepts for it, widened or scaled exactly
 * (every integer width, Float32, Decimal128/256 at a lower scale, timestamps and times of every
 * unit, Date32/Date64, and the text layouts in arrow-text-vectors.ts).
 *
 * Undefined means "take this column through the row path": an Arrow layout this file does not know,
 * or any value the column refuses (NULL in a non-nullable column, out of range, not whole). The row
 * path converts the same values one by one and names the first bad one with its row, so refusals
 * read exactly as they always have, and this file never has to spell an error.
 */

// Arrow format Type ids (apache-arrow's `Type` enum mirrors them).
export const ARROW_TYPE = { INT: 2, FLOAT: 3, BOOL: 6, DECIMAL: 7, DATE: 8, TIME: 9, TIMESTAMP: 10 } as const

const INT64_MAX = 2n ** 63n - 1n
/** Days a JS Date can hold (±10^8 around the epoch): `normalizeValue` refuses dates beyond. */
const MAX_DATE_DAYS = 100_000_000
const MS_PER_DAY = 86_400_000
const MAX_DATE_MS = 8_640_000_000_000_000
/** Factor from an Arrow TimeUnit (SECOND, MILLISECOND, MICROSECOND) to microseconds. */
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n] as const
const NANOSECOND = 3

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array
type NumberArray = IntArray | Float32Array | Float64Array

/** Per row: 1 where NULL, or undefined when there are none; 'refused' when a non-nullable column has one. */
export function nullsOf(data: ArrowData, column: ColumnType): Uint8Array | undefined | 'refused' {
  const bitmap = data.nullBitmap
  if (!data.nullCount || !bitmap || bitmap.length === 0) return undefined
  if (!column.nullable) return 'refused'
  const n = data.length
  const nulls = new Uint8Array(n)
  for (let i = 0; i < n; i++) nulls[i] = ((bitmap[i >>> 3]! >> (i & 7)) & 1) ^ 1
  return nulls
}

/** A dense typed column with NULLs put back: nullable columns are plain arrays (see ColumnVector). */
function withNulls(typed: BigInt64Array | Int32Array | Float64Array, nulls: Uint8Array | undefined): ColumnVector {
  if (!nulls) return typed
  const out = new Array<unknown>(typed.length)
  for (let i = 0; i < typed.length; i++) out[i] = nulls[i] ? null : typed[i]
  return out
}

function isNumberArray(values: unknown): values is NumberArray {
  return ArrayBuffer.isView(values) && !(values instanceof BigInt64Array || values instanceof BigUint64Array)
}
const isBigArray = (values: unknown): values is BigInt64Array | BigUint64Array =>
  values instanceof BigInt64Array || values instanceof BigUint64Array

/** Integers or floats of any width as exact int64, or undefined when a value is not a whole int64. */
function toInt64(values: unknown, n: number, nulls: Uint8Array | undefined): BigInt64Array | undefined {
  if (values instanceof BigInt64Array) return values.subarray(0, n)
  if (values instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) if (values[i]! > INT64_MAX && !nulls?.[i]) return
    return new BigInt64Array(values.buffer, values.byteOffset, n)
  }
  return isNumberArray(values) ? numbersToInt64(values, n, nulls) : undefined
}

/** Integers or floats as int32/int16, or undefined when a value is not a whole one in range. */
function toSmallInt(values: unknown, n: number, nulls: Uint8Array | undefined, bits: number): Int32Array | undefined {
  const max = 2 ** (bits - 1) - 1
  const min = -(2 ** (bits - 1))
  const out = new Int32Array(n)
  if (isBigArray(values)) {
    for (let i = 0; i < n; i++) {
      const v = values[i]!
      if (v >= BigInt(min) && v <= BigInt(max)) out[i] = Number(v)
      else if (!nulls?.[i]) return
    }
    return out
  }
  if (!isNumberArray(values)) return
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (Number.isInteger(v) && v >= min && v <= max) out[i] = v
    else if (!nulls?.[i]) return
  }
  return out
}

function toFloat64(column: ColumnType, values: unknown, n: number, nulls: Uint8Array | undefined) {
  if (!isNumberArray(values)) return
  const out = values instanceof Float64Array ? values.subarray(0, n) : Float64Array.from(values.subarray(0, n))
  if (!column.allowNonFinite) for (let i = 0; i < n; i++) if (!Number.isFinite(out[i]!) && !nulls?.[i]) return
  return out
}

/** Unscaled decimals at the column's scale from Decimal128/256 words or integers; undefined when one does not fit. */
function toDecimal(column: ColumnType, data: ArrowData, n: number, nulls: Uint8Array | undefined) {
  const precision = column.precision ?? 38
  const scale = column.scale ?? 0
  const values = data.values
  const limit = pow10(precision)
  const wide = precision > 18
  const out: bigint[] | BigInt64Array = wide || nulls ? new Array<bigint>(n) : new BigInt64Array(n)
  let read: (i: number) => bigint
  let factor: bigint
  if (data.type.typeId === ARROW_TYPE.DECIMAL) {
    if (!(values instanceof Uint32Array)) return
    const words = (data.type.bitWidth ?? 128) / 32
    factor = pow10(scale - (data.type.scale ?? 0))
    read = (i) => {
      let v = 0n
      for (let w = words - 1; w >= 0; w--) v = (v << 32n) | BigInt(values[i * words + w]!)
      return BigInt.asIntN(words * 32, v)
    }
  } else if (isBigArray(values)) {
    factor = pow10(scale)
    read = (i) => values[i]!
  } else if (isNumberArray(values) && !(values instanceof Float32Array || values instanceof Float64Array)) {
    factor = pow10(scale)
    read = (i) => BigInt(values[i]!)
  } else return
  for (let i = 0; i < n; i++) {
    if (nulls?.[i]) continue
    const v = read(i) * factor
    if (v >= limit || v <= -limit) return
    out[i] = v
  }
  if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) (out as unknown[])[i] = null
  return out
}

/** Timestamps (s, ms, µs, ns) as µs; undefined when one overflows int64 or has nanoseconds. */
function toMicros(data: ArrowData, n: number, nulls: Uint8Array | undefined): BigInt64Array | undefined {
  const values = data.values
  const unit = data.type.unit ?? 1
  if (data.type.typeId === ARROW_TYPE.TIME && unit <= 1) {
    // Time32 (s, ms) is int32.
    if (!(values instanceof Int32Array)) return
    const out = new BigInt64Array(n)
    const factor = Number(MICROS_PER_UNIT[unit as 0 | 1])
    for (let i = 0; i < n; i++) out[i] = BigInt(values[i]! * factor)
    return out
  }
  if (!(values instanceof BigInt64Array)) return
  if (unit === 2) return values.subarray(0, n)
  if (unit === NANOSECOND) {
    const out = new BigInt64Array(n)
    for (let i = 0; i < n; i++) {
      const v = values[i]!
      if (v % 1000n === 0n) out[i] = v / 1000n
      else if (!nulls?.[i]) return
    }
    return out
  }
  return scaleInt64(values, n, Number(MICROS_PER_UNIT[unit as 0 | 1]), nulls)
}

function toDays(data: ArrowData, n: number, nulls: Uint8Array | undefined): Int32Array | undefined {
  const values = data.values
  if (data.type.typeId !== ARROW_TYPE.DATE) return
  if (values instanceof Int32Array && data.type.unit === 0) {
    for (let i = 0; i < n; i++) {
      const days = values[i]!
      if ((days > MAX_DATE_DAYS || days < -MAX_DATE_DAYS) && !nulls?.[i]) return
    }
    return values.subarray(0, n)
  }
  // Date64: milliseconds, which a date column takes at midnight only (NaN: beyond ±2^53, no date).
  if (!(values instanceof BigInt64Array)) return
  const ms = int64AsNumbers(values, n)
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const v = ms[i]!
    if (v % MS_PER_DAY === 0 && v <= MAX_DATE_MS && v >= -MAX_DATE_MS) out[i] = v / MS_PER_DAY
    else if (!nulls?.[i]) return
  }
  return out
}

function inTimeRange(micros: BigInt64Array, nulls: Uint8Array | undefined): boolean {
  for (let i = 0; i < micros.length; i++) {
    const v = micros[i]!
    if ((v < 0n || v >= MICROS_PER_DAY) && !nulls?.[i]) return false
  }
  return true
}

const { INT, FLOAT, BOOL, DECIMAL, TIME, TIMESTAMP } = ARROW_TYPE

/** The column's values in RowBatch form, or undefined when the row path must take it (see above). */
export function arrowColumnVector(column: ColumnType, data: ArrowData): ColumnVector | undefined {
  const n = data.length
  const typeId = data.type.typeId
  const values = data.values
  const nulls = nullsOf(data, column)
  if (nulls === 'refused') return
  const dense = (typed: BigInt64Array | Int32Array | Float64Array | undefined) => typed && withNulls(typed, nulls)
  switch (column.kind) {
    case 'int64':
      return typeId === INT || typeId === FLOAT ? dense(toInt64(values, n, nulls)) : undefined
    case 'int32':
    case 'int16':
      if (typeId !== INT && typeId !== FLOAT) return
      return dense(toSmallInt(values, n, nulls, column.kind === 'int32' ? 32 : 16))
    case 'float64':
      return typeId === INT || typeId === FLOAT ? dense(toFloat64(column, values, n, nulls)) : undefined
    case 'decimal':
      return typeId === INT || typeId === DECIMAL ? toDecimal(column, data, n, nulls) : undefined
    case 'date':
      return dense(toDays(data, n, nulls))
    case 'timestamp':
    case 'timestamp_ntz':
      // Whether a zone-less input may fill the column was settled by the input rule before.
      return typeId === TIMESTAMP ? dense(toMicros(data, n, nulls)) : undefined
    case 'time': {
      const micros = typeId === TIME ? toMicros(data, n, nulls) : undefined
      return micros && inTimeRange(micros, nulls) ? withNulls(micros, nulls) : undefined
    }
    case 'bool': {
      if (typeId !== BOOL || !(values instanceof Uint8Array)) return
      const bits = new Uint8Array(n)
      for (let i = 0; i < n; i++) bits[i] = (values[i >>> 3]! >> (i & 7)) & 1
      if (!nulls) return bits
      return Array.from(bits, (b, i) => (nulls[i] ? null : b === 1))
    }
    case 'text':
      return arrowTextVector(data, nulls)
  }
}
