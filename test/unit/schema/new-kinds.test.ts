import { describe, expect, it } from 'vitest'
import {
  type ColumnType,
  decimal,
  defineTable,
  float64,
  int16,
  int64,
  time,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { describeColumnType, duckdbInputType, inputRefusal, parseColumnSpec } from '../../../src/internal.js'
import { columnTypeFor } from '../../../src/schema/input-types.js'
import { InvalidValue, normalizeValue } from '../../../src/wire.js'

const value = (column: ColumnType, v: unknown) => normalizeValue(column, v)
const reason = (column: ColumnType, v: unknown) => {
  const out = normalizeValue(column, v)
  expect(out).toBeInstanceOf(InvalidValue)
  return (out as InvalidValue).reason
}

describe('decimal(p, s): exact in, never rounded', () => {
  const d = decimal(21, 1)
  it('takes decimal text, whole bigints and safe integers as unscaled bigints', () => {
    expect(value(d, '12345678901234567890.5')).toBe(123456789012345678905n)
    expect(value(d, '-0.5')).toBe(-5n)
    expect(value(d, '7.50')).toBe(75n) // trailing zero past the scale: exact
    expect(value(d, 7n)).toBe(70n)
    expect(value(d, 7)).toBe(70n)
  })
  it('refuses floats, digits past the scale, too many digits and exponents', () => {
    expect(reason(d, 1.5)).toContain('is a float, which is not exact for decimal(21, 1)')
    expect(reason(d, '1.25')).toContain('more than the scale 1')
    expect(reason(d, '123456789012345678901.0')).toContain('more than 20 digit(s) before the point')
    expect(reason(d, '1e3')).toContain('no exponent')
  })
  it('refuses a bad declaration', () => {
    expect(() => decimal(39, 0)).toThrow(/precision <= 38/)
    expect(() => decimal(5, 6)).toThrow(/scale <= precision/)
  })
})

describe('int16, time, timestamp with and without time zone', () => {
  it('int16 is range-checked', () => {
    expect(value(int16(), -32768)).toBe(-32768)
    expect(reason(int16(), 32768)).toBe('32768 is outside int16')
  })
  it('time takes HH:MM[:SS[.ffffff]] and µs since midnight', () => {
    expect(value(time(), '10:30:00.000001')).toBe(37_800_000_001n)
    expect(value(time(), 0n)).toBe(0n)
    expect(reason(time(), '24:00')).toContain('not a time of day')
    expect(reason(time(), 86_400_000_000n)).toContain('not a time of day')
  })
  it('timestamp({ timeZone: false }) is a wall clock: no zone in strings', () => {
    const local = timestamp({ timeZone: false })
    expect(local.kind).toBe('timestamp_ntz')
    expect(value(local, '1970-01-01T00:00:01.5')).toBe(1_500_000n)
    expect(reason(local, '1970-01-01T00:00:01Z')).toContain('no Z or offset')
    expect(timestamp().kind).toBe('timestamp')
  })
})

describe('the one input rule', () => {
  it('says what to declare instead, and maps DuckDB types to their kinds', () => {
    expect(inputRefusal('amount', float64(), duckdbInputType('DECIMAL(21,1)'))).toBe(
      'column "amount" is DECIMAL(21, 1), which a float64 column cannot take exactly; declare it decimal(21, 1) to take it as it is',
    )
    expect(inputRefusal('at', timestamp({ timeZone: false }), duckdbInputType('TIMESTAMP WITH TIME ZONE'))).toContain(
      'declare it timestamp',
    )
    expect(inputRefusal('n', int64(), duckdbInputType('INTEGER'))).toBeUndefined()
    expect(inputRefusal('d', decimal(12, 2), duckdbInputType('DECIMAL(10,2)'))).toBeUndefined()
    expect(inputRefusal('d', decimal(12, 2), duckdbInputType('DECIMAL(12,3)'))).toContain('cannot take exactly')
    expect(inputRefusal('d', decimal(12, 2), duckdbInputType('INTEGER'))).toBeUndefined()
    expect(inputRefusal('d', decimal(10, 2), duckdbInputType('BIGINT'))).toContain('declare it int64')
    expect(describeColumnType(columnTypeFor(duckdbInputType('TIMESTAMP'), true)!)).toBe('timestamp_ntz?')
  })
  it('schema-file specs are the inverse of describeColumnType', () => {
    for (const c of [
      decimal(21, 1, { nullable: true }),
      int16(),
      time(),
      timestamp({ timeZone: false }),
      timestamp(),
    ]) {
      expect(parseColumnSpec(describeColumnType(c))).toEqual(c)
    }
    expect(parseColumnSpec('decimal(40, 1)')).toBeUndefined()
  })
  it('a bad value names its row and column', async () => {
    const t = defineTable({ name: 't' }, { id: int64(), amount: decimal(5, 2) })
    await expect(
      writeChangeFiles(t, [
        { id: 1n, amount: '1.00' },
        { id: 2n, amount: '1.005' },
      ]),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_VALUE_INVALID',
      details: { column: 'amount', row: 1 },
    })
  })
})
