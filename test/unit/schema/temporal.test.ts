import { describe, expect, it } from 'vitest'
import {
  formatEpochDay,
  formatMicrosIso,
  ISO_DAYS_RANGE,
  ISO_MICROS_RANGE,
  parseIsoTimestampMicros,
  toEpochDays,
  toEpochMicros,
} from '../../../src/schema/temporal.js'

const US = 1_000_000n

describe('parseIsoTimestampMicros', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0n],
    ['1970-01-01T00:00:00.000001Z', 1n],
    ['1969-12-31T23:59:59.999999Z', -1n],
    ['2024-05-01T10:15:30.123456Z', 1_714_558_530_123_456n],
    ['2024-05-01T12:15:30.123456+02:00', 1_714_558_530_123_456n],
    ['2024-05-01T12:15:30.123456+0200', 1_714_558_530_123_456n],
    ['2024-05-01T12:15:30.123456+02', 1_714_558_530_123_456n],
    ['2024-05-01T04:45:30.123456-05:30', 1_714_558_530_123_456n],
    ['2024-05-01 10:15:30.123456z', 1_714_558_530_123_456n],
    ['2024-05-01T10:15:30,123456Z', 1_714_558_530_123_456n],
    ['2024-05-01T10:15:30.123456000Z', 1_714_558_530_123_456n],
    ['2024-05-01T10:15:30.1Z', 1_714_558_530_100_000n],
    ['2024-05-01T10:15Z', 1_714_558_500n * US],
    ['2024-02-29T00:00:00Z', 1_709_164_800n * US],
    ['1900-01-01T00:00:00Z', -2_208_988_800n * US],
    ['0001-01-01T00:00:00Z', -62_135_596_800n * US],
    ['0000-01-01T00:00:00Z', ISO_MICROS_RANGE.min],
    ['9999-12-31T23:59:59.999999Z', ISO_MICROS_RANGE.max],
  ])('%s → %s µs', (text, micros) => {
    expect(parseIsoTimestampMicros(text)).toBe(micros)
  })

  it.each([
    ['naive (no zone)', '2024-05-01T10:15:30'],
    ['date only', '2024-05-01'],
    ['Feb 29 of a non-leap year', '2023-02-29T00:00:00Z'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['day 0', '2024-01-00T00:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['minute 60', '2024-01-01T00:60:00Z'],
    ['leap second', '2016-12-31T23:59:60Z'],
    ['offset hour 24', '2024-01-01T00:00:00+24:00'],
    ['offset minute 60', '2024-01-01T00:00:00+01:60'],
    ['digits below µs', '2024-01-01T00:00:00.0000001Z'],
    ['more than 9 fraction digits', '2024-01-01T00:00:00.0000000000Z'],
    ['two-digit year', '24-01-01T00:00:00Z'],
    ['five-digit year', '10000-01-01T00:00:00Z'],
    ['signed year', '-0001-01-01T00:00:00Z'],
    ['leading space', ' 2024-01-01T00:00:00Z'],
    ['trailing text', '2024-01-01T00:00:00Z!'],
    ['empty', ''],
    ['word', 'now'],
  ])('rejects %s', (_why, text) => {
    expect(parseIsoTimestampMicros(text)).toBeUndefined()
  })
})

describe('toEpochMicros', () => {
  it('passes bigint through unchanged, whatever its range', () => {
    expect(toEpochMicros(123n)).toBe(123n)
    expect(toEpochMicros(-(2n ** 63n))).toBe(-(2n ** 63n))
  })
  it('converts a Date at millisecond precision, before and after 1970', () => {
    expect(toEpochMicros(new Date('2024-05-01T10:15:30.123Z'))).toBe(1_714_558_530_123_000n)
    expect(toEpochMicros(new Date(-1))).toBe(-1000n)
  })
  it('parses strings and rejects invalid ones', () => {
    expect(toEpochMicros('1970-01-01T00:00:01Z')).toBe(US)
    expect(toEpochMicros('1970-01-01T00:00:01')).toBeUndefined()
    expect(toEpochMicros(new Date(Number.NaN))).toBeUndefined()
  })
})

describe('toEpochDays', () => {
  it.each([
    ['1970-01-01', 0],
    ['1970-01-02', 1],
    ['1969-12-31', -1],
    ['2024-02-29', 19_782],
    ['0000-01-01', ISO_DAYS_RANGE.min],
    ['9999-12-31', ISO_DAYS_RANGE.max],
  ])('%s → day %s', (text, day) => {
    expect(toEpochDays(text)).toBe(day)
  })

  it('takes a Date at exactly midnight UTC only', () => {
    expect(toEpochDays(new Date('2024-02-29T00:00:00Z'))).toBe(19_782)
    expect(toEpochDays(new Date('1969-12-31T00:00:00Z'))).toBe(-1)
    expect(toEpochDays(new Date('2024-02-29T00:00:00.001Z'))).toBeUndefined()
    expect(toEpochDays(new Date('1969-12-31T12:00:00Z'))).toBeUndefined()
    expect(toEpochDays(new Date(Number.NaN))).toBeUndefined()
  })

  it.each(['2023-02-29', '2024-1-1', '2024-01-01T00:00:00Z', '20240101', '2024-00-10', '2024-04-31', ''])(
    'rejects %j',
    (text) => {
      expect(toEpochDays(text)).toBeUndefined()
    },
  )
})

describe('formatters', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000Z'],
    [1n, '1970-01-01T00:00:00.000001Z'],
    [-1n, '1969-12-31T23:59:59.999999Z'],
    [-999n, '1969-12-31T23:59:59.999001Z'],
    [-1000n, '1969-12-31T23:59:59.999000Z'],
    [-1001n, '1969-12-31T23:59:59.998999Z'],
    [1_714_558_530_123_456n, '2024-05-01T10:15:30.123456Z'],
    [ISO_MICROS_RANGE.min, '0000-01-01T00:00:00.000000Z'],
    [ISO_MICROS_RANGE.max, '9999-12-31T23:59:59.999999Z'],
  ])('formatMicrosIso(%s) = %s and parses back', (micros, text) => {
    expect(formatMicrosIso(micros)).toBe(text)
    expect(parseIsoTimestampMicros(text)).toBe(micros)
  })

  it.each([
    [0, '1970-01-01'],
    [-1, '1969-12-31'],
    [19_782, '2024-02-29'],
    [ISO_DAYS_RANGE.min, '0000-01-01'],
    [ISO_DAYS_RANGE.max, '9999-12-31'],
  ])('formatEpochDay(%s) = %s and parses back', (day, text) => {
    expect(formatEpochDay(day)).toBe(text)
    expect(toEpochDays(text)).toBe(day)
  })
})
