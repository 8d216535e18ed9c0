import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sinceSql } from '../../../pipelines/nightly-cdc/watermark-fit.js'
import { type Watermark, WatermarkStore } from '../../../pipelines/nightly-cdc/watermark-store.js'

// An independent model of which watermarks fit which order type, and of the exact value each one is:
// sinceSql must give SQL for exactly those, evaluating in DuckDB to exactly that value, and refuse the rest.

const RANGES: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  INTEGER: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
  UBIGINT: [0n, 18446744073709551615n],
  HUGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
}
const MIN_MICROS = -62_167_219_200_000_000n // 0000-01-01T00:00:00Z
const MAX_MICROS = 253_402_300_799_999_999n // 9999-12-31T23:59:59.999999Z

/** The value a watermark stands for in `type` (as DuckDB text of it), or undefined when it does not fit exactly. */
function model(w: Watermark, type: string): string | undefined {
  const range = RANGES[type]
  if (range) {
    let n: bigint | undefined
    if (typeof w === 'bigint') n = w
    else if (typeof w === 'number' && Number.isInteger(w)) n = BigInt(w)
    else if (typeof w === 'string' && /^-?[0-9]+$/.test(w)) n = BigInt(w)
    return n !== undefined && n >= range[0] && n <= range[1] ? n.toString() : undefined
  }
  if (type === 'DECIMAL(6,2)') {
    // Text of the value with two decimals, when it has at most 4 integer digits and 2 decimals.
    const text =
      typeof w === 'number' && Number.isFinite(w)
        ? String(w)
        : typeof w === 'string' || typeof w === 'bigint'
          ? String(w)
          : undefined
    const m = text === undefined ? null : /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text)
    if (!m) return undefined
    const whole = m[2]!.replace(/^0+(?=.)/, '')
    const frac = (m[3] ?? '').replace(/0+$/, '')
    if (whole.length > 4 || frac.length > 2) return undefined
    const negative = m[1] === '-' && !/^0*$/.test(whole + frac)
    return `${negative ? '-' : ''}${whole}.${frac.padEnd(2, '0')}`
  }
  if (type === 'DOUBLE') {
    const x = typeof w === 'bigint' && BigInt(Number(w)) === w ? Number(w) : w
    return typeof x === 'number' && Number.isFinite(x) ? String(x === 0 ? 0 : x) : undefined
  }
  if (type === 'TIMESTAMP') {
    let micros: bigint | undefined
    if (typeof w === 'bigint') micros = w
    else if (w instanceof Date && Number.isFinite(w.getTime())) micros = BigInt(w.getTime()) * 1000n
    else if (typeof w === 'string') {
      const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(w)
      const fraction = (m?.[2] ?? '').padEnd(6, '0')
      const date = m ? new Date(`${m[1]}.${fraction.slice(0, 3)}Z`) : undefined
      if (date && Number.isFinite(date.getTime()) && date.toISOString().slice(0, 19) === m![1]) {
        micros = BigInt(date.getTime()) * 1000n + BigInt(fraction.slice(3))
      }
    }
    return micros !== undefined && micros >= MIN_MICROS && micros <= MAX_MICROS ? micros.toString() : undefined
  }
  if (type === 'VARCHAR') return typeof w === 'string' ? w : undefined
  return undefined
}

const watermarkArb: fc.Arbitrary<Watermark> = fc.oneof(
  fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }),
  fc.bigInt({ min: -300n, max: 300n }),
  fc.double(),
  fc.integer({ min: -300, max: 300 }),
  fc.constantFrom(2.5, 0.1, -0, 1e21, 1234.56, 9999.995),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom('abc', '', '1.5', '12.3', '-0.01', '007', '1e3', ' 1', '2026-01-01T00:00:00Z'),
  fc.bigInt({ min: MIN_MICROS - 10n, max: MAX_MICROS + 10n }).map((m) => {
    const ms = m / 1000n - (m % 1000n < 0n ? 1n : 0n)
    return `${new Date(Number(ms)).toISOString().slice(0, 23)}${String(((m % 1000n) + 1000n) % 1000n).padStart(3, '0')}Z`
  }),
  fc.date(),
)

let duck: DuckDBInstance
let c: DuckDBConnection
let dir: string
beforeAll(async () => {
  duck = await DuckDBInstance.create(':memory:')
  c = await duck.connect()
  await c.run(`SET TimeZone = 'UTC'`)
  dir = await mkdtemp(join(tmpdir(), 'hd-wm-fit-'))
})
afterAll(async () => {
  c.closeSync()
  duck.closeSync()
  await rm(dir, { recursive: true, force: true })
})

/** DuckDB's text of the SQL value; timestamps as µs so the comparison is exact. */
async function evaluate(sql: string, type: string): Promise<string> {
  const expr = type === 'TIMESTAMP' ? `epoch_us(${sql})::VARCHAR` : `(${sql})::VARCHAR`
  const [row] = (await c.runAndReadAll(`SELECT ${expr} AS v`)).getRowObjects()
  const text = String(row!.v)
  return type === 'DOUBLE' ? String(Number(text) === 0 ? 0 : Number(text)) : text
}

describe('sinceSql', () => {
  it('gives exactly the watermark in the order type, or CDC_INVALID naming the column when it does not fit', async () => {
    await fc.assert(
      fc.asyncProperty(
        watermarkArb,
        fc.constantFrom(...Object.keys(RANGES), 'DECIMAL(6,2)', 'DOUBLE', 'TIMESTAMP', 'VARCHAR'),
        async (w, type) => {
          const expected = model(w, type)
          let sql: string | undefined
          try {
            sql = sinceSql(w, type, 'lsn')
          } catch (error) {
            expect(error).toMatchObject({ code: 'CDC_INVALID', details: { column: 'lsn', type } })
            expect((error as Error).message).toContain('order column "lsn"')
          }
          expect(sql === undefined ? undefined : await evaluate(sql, type)).toBe(expected)
        },
      ),
      { numRuns: 600 },
    )
  })
})

describe('sinceSql with an invalid Date', () => {
  // Found by the property above: an invalid Date has no ISO text, and describing it in the message threw.
  it.each(['TINYINT', 'BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'VARCHAR', 'DECIMAL(6,2)'])(
    'over %s is CDC_INVALID naming the column, not a RangeError',
    (type) => {
      expect(() => sinceSql(new Date(Number.NaN), type, 'lsn')).toThrow(
        expect.objectContaining({ code: 'CDC_INVALID', message: expect.stringContaining('an invalid Date') }),
      )
    },
  )
})

describe('WatermarkStore round trip', () => {
  it('reads back every watermark it stores, exactly and in its own type', async () => {
    const store = new WatermarkStore(join(dir, 'w.json'))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }),
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
          fc.string(),
          fc.date({ noInvalidDate: true }),
        ),
        async (w) => {
          await store.set('p', w, 'run')
          expect(await new WatermarkStore(store.path).get('p')).toEqual(w)
        },
      ),
      { numRuns: 80 },
    )
  })

  it('refuses to store a value that would not read back', async () => {
    const store = new WatermarkStore(join(dir, 'x.json'))
    for (const w of [Number.NaN, Number.POSITIVE_INFINITY, new Date(Number.NaN)]) {
      await expect(store.set('p', w, 'run')).rejects.toMatchObject({
        code: 'WATERMARK_INVALID',
        details: { path: store.path, name: 'p' },
      })
    }
  })
})
