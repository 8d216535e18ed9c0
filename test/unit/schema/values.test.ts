import { describe, expect, it } from 'vitest'
import { bool, type ColumnType, date, float64, int32, int64, text, timestamp } from '../../../src/index.js'
import { InvalidValue, normalizeValue } from '../../../src/wire.js'

const accept = (column: ColumnType, value: unknown) => {
  const out = normalizeValue(column, value)
  expect(out).not.toBeInstanceOf(InvalidValue)
  return out
}
const reject = (column: ColumnType, value: unknown): string => {
  const out = normalizeValue(column, value)
  expect(out).toBeInstanceOf(InvalidValue)
  return (out as InvalidValue).reason
}

describe('normalizeValue: null and missing', () => {
  it.each([int64(), int32(), float64(), text(), bool(), date(), timestamp()])(
    'a non-nullable $kind column rejects null and undefined',
    (column) => {
      expect(reject(column, null)).toBe(`missing value for a non-nullable ${column.kind} column`)
      expect(reject(column, undefined)).toContain('missing value')
    },
  )
  it.each([
    int64({ nullable: true }),
    int32({ nullable: true }),
    float64({ nullable: true }),
    text({ nullable: true }),
    bool({ nullable: true }),
    date({ nullable: true }),
    timestamp({ nullable: true }),
  ])('a nullable $kind column maps null and undefined to null', (column) => {
    expect(accept(column, null)).toBeNull()
    expect(accept(column, undefined)).toBeNull()
  })
})

describe('normalizeValue: int64', () => {
  const c = int64()
  it('returns bigint for safe integers and in-range bigints', () => {
    expect(accept(c, 0)).toBe(0n)
    expect(accept(c, -0)).toBe(0n)
    expect(accept(c, Number.MAX_SAFE_INTEGER)).toBe(9_007_199_254_740_991n)
    expect(accept(c, Number.MIN_SAFE_INTEGER)).toBe(-9_007_199_254_740_991n)
    expect(accept(c, 2n ** 63n - 1n)).toBe(2n ** 63n - 1n)
    expect(accept(c, -(2n ** 63n))).toBe(-(2n ** 63n))
  })
  it.each([
    [2 ** 53, 'is not a safe integer; pass a bigint'],
    [-(2 ** 53), 'is not a safe integer'],
    [1.5, '1.5 is not an integer'],
    [Number.NaN, 'NaN is not an integer'],
    [Infinity, 'Infinity is not an integer'],
    [2n ** 63n, '9223372036854775808n is outside int64'],
    [-(2n ** 63n) - 1n, 'is outside int64'],
    ['1', 'expected bigint or integer number, got "1"'],
    [true, 'got true'],
    [{}, 'got an object'],
    [[1], 'got an array'],
  ])('rejects %s', (value, reason) => {
    expect(reject(c, value)).toContain(reason)
  })
})

describe('normalizeValue: int32', () => {
  const c = int32()
  it('accepts the full int32 range', () => {
    expect(accept(c, 2 ** 31 - 1)).toBe(2_147_483_647)
    expect(accept(c, -(2 ** 31))).toBe(-2_147_483_648)
    expect(accept(c, 0)).toBe(0)
  })
  it.each([
    [2 ** 31, '2147483648 is outside int32'],
    [-(2 ** 31) - 1, 'is outside int32'],
    [0.5, 'expected an integer number, got 0.5'],
    [1n, 'got 1n'],
    ['1', 'got "1"'],
    [Number.NaN, 'got NaN'],
  ])('rejects %s', (value, reason) => {
    expect(reject(c, value)).toContain(reason)
  })
})

describe('normalizeValue: float64', () => {
  it('accepts finite numbers unchanged', () => {
    for (const v of [0, -0, 3.5, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2]) {
      expect(Object.is(accept(float64(), v), v)).toBe(true)
    }
  })
  it('rejects non-finite numbers unless allowNonFinite', () => {
    expect(reject(float64(), Number.NaN)).toBe('NaN is not finite')
    expect(reject(float64(), Infinity)).toBe('Infinity is not finite')
    expect(reject(float64(), -Infinity)).toBe('-Infinity is not finite')
    const loose = float64({ allowNonFinite: true })
    expect(accept(loose, Number.NaN)).toBeNaN()
    expect(accept(loose, -Infinity)).toBe(-Infinity)
  })
  it('never parses strings or bigints', () => {
    expect(reject(float64(), '1.5')).toBe('expected a number, got "1.5"')
    expect(reject(float64(), 1n)).toBe('expected a number, got 1n')
  })
})

describe('normalizeValue: text and bool', () => {
  it('text accepts any string and nothing else', () => {
    expect(accept(text(), '')).toBe('')
    expect(accept(text(), '東京 🚀\u0000')).toBe('東京 🚀\u0000')
    expect(reject(text(), 1)).toBe('expected a string, got 1')
    expect(reject(text(), new Date(0))).toBe('expected a string, got Date(1970-01-01T00:00:00.000Z)')
    expect(reject(int64(), 'x'.repeat(100))).toBe(`expected bigint or integer number, got "${'x'.repeat(40)}…"`)
  })
  it('bool accepts booleans only', () => {
    expect(accept(bool(), true)).toBe(true)
    expect(accept(bool(), false)).toBe(false)
    expect(reject(bool(), 'true')).toBe('expected a boolean, got "true"')
    expect(reject(bool(), 0)).toBe('expected a boolean, got 0')
  })
})

describe('normalizeValue: date', () => {
  it('returns days since the epoch', () => {
    expect(accept(date(), '1970-01-02')).toBe(1)
    expect(accept(date(), '1969-12-31')).toBe(-1)
    expect(accept(date(), new Date('2024-02-29T00:00:00Z'))).toBe(19_782)
  })
  it.each([
    ['2023-02-29', 'is not a valid date'],
    [new Date('2024-01-01T00:00:01Z'), 'midnight UTC'],
    [new Date(Number.NaN), 'Invalid Date is not a valid date'],
    [19_782, 'expected a Date or a YYYY-MM-DD string, got 19782'],
    [19_782n, 'got 19782n'],
  ])('rejects %s', (value, reason) => {
    expect(reject(date(), value)).toContain(reason)
  })
})

describe('normalizeValue: timestamp', () => {
  it('returns microseconds since the epoch from every accepted input', () => {
    expect(accept(timestamp(), 1_714_558_530_123_456n)).toBe(1_714_558_530_123_456n)
    expect(accept(timestamp(), '2024-05-01T12:15:30.123456+02:00')).toBe(1_714_558_530_123_456n)
    expect(accept(timestamp(), new Date('2024-05-01T10:15:30.123Z'))).toBe(1_714_558_530_123_000n)
    expect(accept(timestamp(), -1n)).toBe(-1n)
    expect(accept(timestamp(), 2n ** 63n - 1n)).toBe(2n ** 63n - 1n)
  })
  it.each([
    ['2024-05-01T10:15:30', 'needs Z or an offset'],
    ['2024-05-01T10:15:30.1234567Z', 'is not a valid timestamp'],
    [new Date(Number.NaN), 'Invalid Date is not a valid timestamp'],
    [2n ** 63n, 'is out of range'],
    [1_714_558_530, 'expected a Date, bigint microseconds or ISO-8601 string, got 1714558530'],
    [true, 'got true'],
  ])('rejects %s', (value, reason) => {
    expect(reject(timestamp(), value)).toContain(reason)
  })
})

describe('normalizeValue: text must be well-formed Unicode', () => {
  it('rejects a lone surrogate instead of letting UTF-8 encoding turn it into U+FFFD', () => {
    const result = normalizeValue(text(), 'ok \uD800 not ok')
    expect(result).toBeInstanceOf(InvalidValue)
    expect((result as InvalidValue).reason).toMatch(/lone UTF-16 surrogate/)
    expect(normalizeValue(text(), '👩‍👩‍👧 東京')).toBe('👩‍👩‍👧 東京')
  })
})
