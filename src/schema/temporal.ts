/**
 * Exact conversions for dates and timestamps. Timestamps are microseconds since the Unix epoch (UTC)
 * as bigint, so nothing below a millisecond is lost; dates are whole days since the epoch.
 * Each function returns `undefined` for invalid input so callers can raise an error naming the field.
 */

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Days since 1970-01-01 for a valid proleptic-Gregorian calendar day, else undefined. Pure
 * arithmetic (days from civil): `Date.UTC` maps years 0-99 to 1900-1999, which made 0000-02-29
 * (year 0 is a leap year) invalid.
 */
function epochDay(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** Parses an ISO-8601 timestamp that carries `Z` or a numeric offset; naive timestamps are rejected. */
export function parseIsoTimestampMicros(text: string): bigint | undefined {
  const m = ISO_TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m
  const day = epochDay(Number(y), Number(mo), Number(d))
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined
  // Digits past microseconds are accepted only when they are zeros: no silent truncation.
  if (frac.length > 6 && /[1-9]/.test(frac.slice(6))) return undefined
  const micros = BigInt(frac.slice(0, 6).padEnd(6, '0'))
  let offsetMinutes = 0
  if (zone !== 'Z' && zone !== 'z' && zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2) || '0')
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = sign * (oh * 60 + om)
  }
  const seconds = BigInt(day) * 86_400n + BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
  return seconds * 1_000_000n + micros
}

/** Microseconds since the epoch for a Date (ms precision), a bigint (already µs) or an ISO string. */
export function toEpochMicros(value: Date | bigint | string): bigint | undefined {
  if (typeof value === 'bigint') return value
  if (typeof value === 'string') return parseIsoTimestampMicros(value)
  const ms = value.getTime()
  return Number.isFinite(ms) ? BigInt(ms) * 1000n : undefined
}

/** Days since 1970-01-01 for a `YYYY-MM-DD` string or a Date at exactly midnight UTC. */
export function toEpochDays(value: Date | string): number | undefined {
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value)
    return m ? epochDay(Number(m[1]), Number(m[2]), Number(m[3])) : undefined
  }
  const ms = value.getTime()
  if (!Number.isFinite(ms) || ms % MS_PER_DAY !== 0) return undefined
  return ms / MS_PER_DAY
}

/**
 * The instants and days that ISO-8601 spells with a four-digit year: 0000-01-01 to 9999-12-31.
 * Wire constants must stay inside (the formatters below produce `+010000-…` or throw outside).
 */
export const ISO_MICROS_RANGE = Object.freeze({ min: -62_167_219_200_000_000n, max: 253_402_300_799_999_999n })
export const ISO_DAYS_RANGE = Object.freeze({ min: -719_528, max: 2_932_896 })

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the epoch (within {@link ISO_MICROS_RANGE}). */
export function formatMicrosIso(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n)
  const subMs = Number(micros - ms * 1000n)
  const iso = new Date(Number(ms)).toISOString() // ...SS.mmmZ
  return `${iso.slice(0, -1)}${String(subMs).padStart(3, '0')}Z`
}

/** `YYYY-MM-DD` for days since the epoch (within {@link ISO_DAYS_RANGE}). */
export function formatEpochDay(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10)
}

const ISO_LOCAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/
export const MICROS_PER_DAY = 86_400_000_000n

/** Microseconds of a fraction's digits, or undefined when digits past microseconds are not zeros. */
function fractionMicros(frac: string): bigint | undefined {
  if (frac.length > 6 && /[1-9]/.test(frac.slice(6))) return undefined
  return BigInt(frac.slice(0, 6).padEnd(6, '0'))
}

/** `HH:MM[:SS[.ffffff]]` as microseconds since midnight, else undefined. */
export function parseTimeMicros(text: string): bigint | undefined {
  const m = TIME_OF_DAY.exec(text)
  if (!m) return undefined
  const [, h, mi, s = '0', frac = ''] = m
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  const micros = fractionMicros(frac)
  if (micros === undefined) return undefined
  return BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s)) * 1_000_000n + micros
}

/** A wall-clock ISO-8601 timestamp WITHOUT zone as microseconds since 1970-01-01T00:00, else undefined. */
export function parseLocalTimestampMicros(text: string): bigint | undefined {
  const m = ISO_LOCAL_TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s = '0', frac = ''] = m
  const day = epochDay(Number(y), Number(mo), Number(d))
  if (day === undefined || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  const micros = fractionMicros(frac)
  if (micros === undefined) return undefined
  return (BigInt(day) * 86_400n + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s))) * 1_000_000n + micros
}

/** `HH:MM:SS.ffffff` for microseconds since midnight. */
export function formatTimeMicros(micros: bigint): string {
  const seconds = micros / 1_000_000n
  const pad = (n: bigint) => String(n).padStart(2, '0')
  const frac = String(micros % 1_000_000n).padStart(6, '0')
  return `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}.${frac}`
}
