import type { ColumnKind, ColumnType } from './column-types.js'
import { fitsPrecision, parseDecimalText, pow10 } from './decimal.js'
import { MICROS_PER_DAY, parseLocalTimestampMicros, parseTimeMicros, toEpochDays, toEpochMicros } from './temporal.js'

/**
 * The canonical in-memory form of a value after validation, per kind:
 * int64 → bigint, int32/float64 → number, text → string, bool → boolean,
 * date → days since the epoch (number), timestamp → microseconds since the epoch (bigint),
 * int16 → number, decimal → the unscaled integer (value × 10^scale, bigint), timestamp_ntz →
 * wall-clock microseconds since 1970-01-01T00:00 (bigint), time → microseconds since midnight (bigint).
 */
export interface NormalizedValueMap {
  int64: bigint
  int32: number
  int16: number
  float64: number
  decimal: bigint
  text: string
  bool: boolean
  date: number
  timestamp: bigint
  timestamp_ntz: bigint
  time: bigint
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
const INT_RANGE = { int32: [INT32_MIN, INT32_MAX], int16: [-(2 ** 15), 2 ** 15 - 1] } as const

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
  // An input reader that already knows why a value cannot be taken (e.g. an Arrow type) says so.
  if (value instanceof InvalidValue) return value
  if (value === null || value === undefined) {
    return column.nullable ? null : new InvalidValue(`missing value for a non-nullable ${column.kind} column`)
  }
  switch (column.kind) {
    case 'int64':
      return toInt64(value)
    case 'int32':
    case 'int16': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return new InvalidValue(`expected an integer number, got ${describe(value)}`)
      }
      const [min, max] = INT_RANGE[column.kind]
      return value >= min && value <= max ? value : new InvalidValue(`${value} is outside ${column.kind}`)
    }
    case 'decimal':
      return toDecimal(column, value)
    case 'timestamp_ntz': {
      const micros =
        typeof value === 'bigint'
          ? value
          : typeof value === 'string'
            ? parseLocalTimestampMicros(value)
            : value instanceof Date
              ? toEpochMicros(value)
              : new InvalidValue(`expected a Date, bigint microseconds or ISO-8601 string, got ${describe(value)}`)
      if (micros instanceof InvalidValue) return micros
      if (micros === undefined) {
        return new InvalidValue(
          `${describe(value)} is not a valid timestamp without time zone (YYYY-MM-DDTHH:MM:SS[.ffffff], no Z or offset; declare timestamp() for instants)`,
        )
      }
      return micros >= INT64_MIN && micros <= INT64_MAX
        ? micros
        : new InvalidValue(`${describe(value)} is out of range`)
    }
    case 'time': {
      const micros = typeof value === 'bigint' ? value : typeof value === 'string' ? parseTimeMicros(value) : undefined
      if (micros === undefined || micros < 0n || micros >= MICROS_PER_DAY) {
        return new InvalidValue(
          `${describe(value)} is not a time of day (HH:MM[:SS[.ffffff]] or bigint microseconds since midnight)`,
        )
      }
      return micros
    }
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

/** A decimal(p, s) value as its unscaled bigint: exact strings, whole bigints or safe integers only. */
function toDecimal(column: ColumnType, value: unknown): bigint | InvalidValue {
  const precision = column.precision ?? 38
  const scale = column.scale ?? 0
  let unscaled: bigint | string
  if (typeof value === 'string') unscaled = parseDecimalText(value, scale)
  else if (typeof value === 'bigint') unscaled = value * pow10(scale)
  else if (typeof value === 'number' && Number.isSafeInteger(value)) unscaled = BigInt(value) * pow10(scale)
  else if (typeof value === 'number') {
    return new InvalidValue(
      `${describe(value)} is a float, which is not exact for decimal(${precision}, ${scale}); pass a string ("12.34") or a bigint`,
    )
  } else return new InvalidValue(`expected a decimal string, bigint or safe integer, got ${describe(value)}`)
  if (typeof unscaled === 'string') return new InvalidValue(`${describe(value)} ${unscaled}`)
  return fitsPrecision(unscaled, precision)
    ? unscaled
    : new InvalidValue(
        `${describe(value)} has more than ${precision - scale} digit(s) before the point, too many for decimal(${precision}, ${scale})`,
      )
}
