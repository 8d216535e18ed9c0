import type { ColumnKind, ColumnType } from './column-types.js'
import { toEpochDays, toEpochMicros } from './temporal.js'

/**
 * The canonical in-memory form of a value after validation, per kind:
 * int64 → bigint, int32/float64 → number, text → string, bool → boolean,
 * date → days since the epoch (number), timestamp → microseconds since the epoch (bigint).
 */
export interface NormalizedValueMap {
  int64: bigint
  int32: number
  float64: number
  text: string
  bool: boolean
  date: number
  timestamp: bigint
}
export type NormalizedValue = NormalizedValueMap[ColumnKind] | null

/** Why a value was rejected; callers add the column, row or action that holds it. */
export class InvalidValue {
  constructor(readonly reason: string) {}
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return String(value)
}

/** `number | bigint` → bigint within int64, exact. */
function toInt64(value: unknown): bigint | InvalidValue {
  if (typeof value === 'bigint') {
    return value >= INT64_MIN && value <= INT64_MAX ? value : new InvalidValue(`${describe(value)} is outside int64`)
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return BigInt(value)
    return new InvalidValue(
      Number.isInteger(value)
        ? `${value} is not a safe integer; pass a bigint for int64 values beyond ±2^53`
        : `${describe(value)} is not an integer`,
    )
  }
  return new InvalidValue(`expected bigint or integer number, got ${describe(value)}`)
}

/**
 * Validates one value against its column type and returns its canonical form, or an
 * {@link InvalidValue} saying why. `null`/`undefined` are accepted only by nullable columns.
 * Nothing is coerced: a string is never parsed as a number, a float never rounded.
 */
export function normalizeValue(column: ColumnType, value: unknown): NormalizedValue | InvalidValue {
  if (value === null || value === undefined) {
    return column.nullable ? null : new InvalidValue(`missing value for a non-nullable ${column.kind} column`)
  }
  switch (column.kind) {
    case 'int64':
      return toInt64(value)
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return new InvalidValue(`expected an integer number, got ${describe(value)}`)
      }
      return value >= INT32_MIN && value <= INT32_MAX ? value : new InvalidValue(`${value} is outside int32`)
    case 'float64':
      if (typeof value !== 'number') return new InvalidValue(`expected a number, got ${describe(value)}`)
      if (!Number.isFinite(value) && !column.allowNonFinite) {
        return new InvalidValue(`${value} is not finite`)
      }
      return value
    case 'text':
      if (typeof value !== 'string') return new InvalidValue(`expected a string, got ${describe(value)}`)
      // A lone surrogate cannot be encoded as UTF-8; writing it would silently turn it into U+FFFD.
      return value.isWellFormed()
        ? value
        : new InvalidValue('contains a lone UTF-16 surrogate (not valid Unicode text)')
    case 'bool':
      return typeof value === 'boolean' ? value : new InvalidValue(`expected a boolean, got ${describe(value)}`)
    case 'date': {
      if (typeof value !== 'string' && !(value instanceof Date)) {
        return new InvalidValue(`expected a Date or a YYYY-MM-DD string, got ${describe(value)}`)
      }
      const days = toEpochDays(value)
      return days ?? new InvalidValue(`${describe(value)} is not a valid date (YYYY-MM-DD, or a Date at midnight UTC)`)
    }
    case 'timestamp': {
      if (typeof value !== 'string' && typeof value !== 'bigint' && !(value instanceof Date)) {
        return new InvalidValue(`expected a Date, bigint microseconds or ISO-8601 string, got ${describe(value)}`)
      }
      const micros = toEpochMicros(value)
      if (micros === undefined) {
        return new InvalidValue(`${describe(value)} is not a valid timestamp (ISO-8601 needs Z or an offset)`)
      }
      return micros >= INT64_MIN && micros <= INT64_MAX
        ? micros
        : new InvalidValue(`${describe(value)} is out of range`)
    }
  }
}
