// Dates follow the proleptic Gregorian calendar over the whole ISO range 0000-9999: year 0000 is a
// leap year (divisible by 400), 0100/0200/0300 are not, and every day round-trips exactly. The
// reference is JavaScript's own Date, which is proleptic Gregorian at every year.
import { describe, expect, it } from 'vitest'
import {
  formatEpochDay,
  formatMicrosIso,
  ISO_DAYS_RANGE,
  parseIsoTimestampMicros,
  toEpochDays,
} from '../../../src/schema/temporal.js'

const MS_PER_DAY = 86_400_000
const reference = (days: number) => new Date(days * MS_PER_DAY).toISOString().slice(0, 10)

describe('proleptic Gregorian dates', () => {
  it('knows the leap years of the first centuries', () => {
    expect(toEpochDays('0000-02-29')).toBe(-719_469)
    expect(toEpochDays('0000-03-01')).toBe(-719_468)
    expect(toEpochDays('0004-02-29')).toBe(-718_008)
    expect(toEpochDays('0400-02-29')).toBeDefined()
    for (const year of ['0001', '0100', '0200', '0300', '1900']) expect(toEpochDays(`${year}-02-29`)).toBeUndefined()
    expect(toEpochDays('0000-01-01')).toBe(ISO_DAYS_RANGE.min)
    expect(toEpochDays('9999-12-31')).toBe(ISO_DAYS_RANGE.max)
    expect(toEpochDays('0000-13-01')).toBeUndefined()
    expect(toEpochDays('0000-00-10')).toBeUndefined()
    expect(toEpochDays('2023-04-31')).toBeUndefined()
  })

  it('every day of 0000-9999 parses to the reference day number and formats back', () => {
    for (let days = ISO_DAYS_RANGE.min; days <= ISO_DAYS_RANGE.max; days++) {
      const text = reference(days)
      const parsed = toEpochDays(text)
      if (parsed !== days || formatEpochDay(days) !== text) {
        throw new Error(`${text}: parsed ${parsed}, expected ${days}; formatted ${formatEpochDay(days)}`)
      }
    }
  }, 60_000)

  it('timestamps in year 0000 round-trip, leap day included', () => {
    for (const text of ['0000-02-29T12:34:56.123456Z', '0000-01-01T00:00:00.000000Z', '0099-12-31T23:59:59.999999Z']) {
      const micros = parseIsoTimestampMicros(text)
      expect(micros).toBeDefined()
      expect(formatMicrosIso(micros!)).toBe(text)
    }
    expect(parseIsoTimestampMicros('0100-02-29T00:00:00Z')).toBeUndefined()
  })
})
