import { HyperdeltaError } from '../../src/index.js'
import { toEpochDays, toEpochMicros } from '../../src/wire.js'
import { literal } from '../sql-text.js'
import type { Watermark } from './watermark-store.js'

/** The values of each DuckDB integer type, [min, max]. */
const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = Object.freeze({
  TINYINT: [-(2n ** 7n), 2n ** 7n - 1n],
  SMALLINT: [-(2n ** 15n), 2n ** 15n - 1n],
  INTEGER: [-(2n ** 31n), 2n ** 31n - 1n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
  HUGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
  UTINYINT: [0n, 2n ** 8n - 1n],
  USMALLINT: [0n, 2n ** 16n - 1n],
  UINTEGER: [0n, 2n ** 32n - 1n],
  UBIGINT: [0n, 2n ** 64n - 1n],
  UHUGEINT: [0n, 2n ** 128n - 1n],
})

/**
 * Timestamps (µs) and dates (days) that ISO-8601 spells with four-digit years, 0000-01-01 to 9999-12-31:
 * order values and watermarks stay inside, so a watermark's text always reads back as the same value.
 */
const ISO_MICROS = [-62_167_219_200_000_000n, 253_402_300_799_999_999n] as const
const ISO_DAYS = [-719_528, 2_932_896] as const

/** SQL that is true for an order value (`o`, of DuckDB type `type`) that can become a watermark and be compared again. */
export function usableOrderSql(o: string, type: string): string {
  if (type === 'DOUBLE' || type === 'FLOAT') return `coalesce(isfinite(${o}), false)`
  if (type === 'DATE' || type === 'TIMESTAMP') return `coalesce(year(${o}) BETWEEN 0 AND 9999, false)`
  return `${o} IS NOT NULL`
}

/** A watermark as the error message shows it; an invalid Date (no ISO form) as what it is. */
const describe = (w: Watermark) =>
  w instanceof Date
    ? Number.isNaN(w.getTime())
      ? 'an invalid Date'
      : w.toISOString()
    : typeof w === 'string'
      ? `"${w}"`
      : String(w)

/** Exact decimal text of a watermark for a number-like column, or undefined (exponent forms are not spelled exactly). */
function decimalText(since: Watermark): string | undefined {
  const text = typeof since === 'bigint' ? since.toString() : typeof since === 'number' ? String(since) : since
  return typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text) ? text : undefined
}

/** The reason a watermark does not fit `type`, or its SQL: every check exact, no cast that could round or turn it into NULL. */
function fitting(since: Watermark, type: string): { sql: string } | { reason: string } {
  const range = INTEGER_RANGES[type]
  if (range) {
    const n =
      typeof since === 'bigint'
        ? since
        : (typeof since === 'number' && Number.isInteger(since)) || (typeof since === 'string' && /^-?\d+$/.test(since))
          ? BigInt(since)
          : undefined
    if (n === undefined) return { reason: 'it is not an integer' }
    if (n < range[0] || n > range[1]) return { reason: `it is outside ${type} (${range[0]} to ${range[1]})` }
    return { sql: `CAST(${literal(n.toString())} AS ${type})` }
  }
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type)
  if (decimal) {
    const text = decimalText(since)
    if (text === undefined) return { reason: 'it is not a decimal number (digits, no exponent)' }
    const [whole = '', fraction = ''] = text.replace('-', '').split('.')
    const scale = Number(decimal[2])
    if (whole.replace(/^0+/, '').length > Number(decimal[1]) - scale || fraction.replace(/0+$/, '').length > scale) {
      return { reason: `it does not fit ${type} exactly` }
    }
    return { sql: `CAST(${literal(text)} AS ${type})` }
  }
  if (type === 'DOUBLE' || type === 'FLOAT') {
    const x = typeof since === 'bigint' && BigInt(Number(since)) === since ? Number(since) : since
    if (typeof x !== 'number') return { reason: 'it is not a number (or a bigint a double holds exactly)' }
    if (!Number.isFinite(x)) return { reason: 'it is not finite' }
    // Compared as DOUBLE (a FLOAT order value widens exactly); String(x) reads back as the same double.
    return { sql: `CAST(${literal(String(x))} AS DOUBLE)` }
  }
  if (type === 'DATE') {
    const days = since instanceof Date || typeof since === 'string' ? toEpochDays(since) : undefined
    if (days === undefined || days < ISO_DAYS[0] || days > ISO_DAYS[1])
      return { reason: 'it is not a YYYY-MM-DD date or a Date at midnight UTC' }
    return { sql: `(DATE '1970-01-01' + ${days})` }
  }
  if (type === 'TIMESTAMP') {
    const micros = typeof since === 'number' ? undefined : toEpochMicros(since)
    if (micros === undefined || micros < ISO_MICROS[0] || micros > ISO_MICROS[1]) {
      return {
        reason: 'it is not a Date, bigint microseconds or ISO-8601 text with Z or an offset, in years 0000 to 9999',
      }
    }
    return { sql: `make_timestamp(${micros}::BIGINT)` }
  }
  if (type === 'VARCHAR') {
    if (typeof since !== 'string') return { reason: 'the order values are text' }
    return { sql: literal(since) }
  }
  return { reason: `no watermark compares with ${type}` }
}

/**
 * The watermark (`since`, given or stored) as SQL of the order expression's type, or CDC_INVALID naming
 * the order column when it does not fit exactly: a watermark that is not a value of the type (`'abc'`
 * over integers) would take nothing on every night, and one rounded to fit (`2.5` over integers) would
 * skip or repeat entries.
 */
export function sinceSql(since: Watermark, type: string, column: string): string {
  const result = fitting(since, type)
  if ('sql' in result) return result.sql
  throw new HyperdeltaError(
    'CDC_INVALID',
    `cdc: watermark ${describe(since)} does not fit change log order column "${column}" (${type}): ${result.reason}`,
    { details: { column, type, watermark: describe(since) } },
  )
}
