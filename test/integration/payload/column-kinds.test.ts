import { DuckDBInstance } from '@duckdb/node-api'
import { Table, tableFromArrays, vectorFromArray } from 'apache-arrow'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  and,
  batch,
  bool,
  date,
  decimal,
  defineTable,
  eq,
  float64,
  int16,
  int32,
  int64,
  pushChanges,
  text,
  time,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { InvalidValue, normalizeValue } from '../../../src/wire.js'
import { type Fixture, startFixture } from '../plan/emulator-fixture.js'

// Every column kind round-trips exactly: through change files (DuckDB reads back the same values, as
// the kind's own SQL type) and through a publish the next Hyper Update then matches.
let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})

const kinds = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    small: int16({ nullable: true }),
    wide: decimal(38, 6),
    narrow: decimal(9, 2, { nullable: true }),
    at: timestamp(),
    local: timestamp({ timeZone: false }),
    clock: time({ nullable: true }),
    day: date(),
    mid: int32({ nullable: true }),
    ratio: float64(),
    label: text({ nullable: true }),
    flag: bool(),
  },
)
const SQL_TYPES = [
  'BIGINT',
  'SMALLINT',
  'DECIMAL(38,6)',
  'DECIMAL(9,2)',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP',
  'TIME',
  'DATE',
  'INTEGER',
  'DOUBLE',
  'VARCHAR',
  'BOOLEAN',
]

/** Each column read back by DuckDB as exact integers (µs, days) or exact decimal text. */
const READ_BACK = `SELECT "id", "small",
  "wide"::VARCHAR AS "wide", "narrow"::VARCHAR AS "narrow",
  epoch_us("at") AS "at", epoch_us("local") AS "local",
  datediff('microsecond', TIME '00:00:00', "clock") AS "clock", ("day" - DATE '1970-01-01') AS "day", "mid", "ratio", "label", "flag"`

/** Integers (whatever JS type they arrive as) compare as bigints; other values as they are. */
const canon = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v)
const digits = (n: number) => fc.bigInt(-(10n ** BigInt(n)) + 1n, 10n ** BigInt(n) - 1n)
const unscaledText = (v: bigint, scale: number) => {
  const s = (v < 0n ? -v : v).toString().padStart(scale + 1, '0')
  return `${v < 0n ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`
}
const micros = fc.bigInt(-62_135_596_800_000_000n, 253_402_300_799_999_999n)
const pad = (n: bigint | number, w = 2) => String(n).padStart(w, '0')
const localText = (us: bigint) => {
  const d = new Date(Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n)))
  const frac = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n
  return `${d.toISOString().slice(0, 19)}.${pad(frac, 6)}`
}
const rowArb = (id: number) =>
  fc.record({
    id: fc.constant(BigInt(id)),
    small: fc.option(fc.integer({ min: -32768, max: 32767 }), { nil: null }),
    wide: digits(38).map((v) => unscaledText(v, 6)),
    narrow: fc.option(
      digits(9).map((v) => unscaledText(v, 2)),
      { nil: null },
    ),
    at: micros,
    local: micros.filter((us) => us >= 0n).map(localText),
    clock: fc.option(fc.bigInt(0n, 86_399_999_999n), { nil: null }),
    day: fc.integer({ min: -719_162, max: 2_932_896 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)),
    mid: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
    ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
    label: fc.option(fc.string({ unit: 'grapheme' }), { nil: null }),
    flag: fc.boolean(),
  })
const rowsArb = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i))))

/** The exact values hyperdelta means, in READ_BACK's form. */
function expected(rows: readonly Record<string, unknown>[]): unknown[][] {
  return rows.map((row) =>
    kinds.columnNames.map((c) => {
      const v = normalizeValue(kinds.columns[c], row[c])
      if (v instanceof InvalidValue) throw new Error(`${c}: ${v.reason}`)
      if (v === null) return null
      const scale = kinds.columns[c].scale
      if (scale !== undefined) return unscaledText(v as bigint, scale)
      return canon(v)
    }),
  )
}

async function duckdbRead(path: string): Promise<{ types: string[]; rows: unknown[][] }> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    await c.run(`SET TimeZone='UTC'`)
    const types = (await c.runAndReadAll(`SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`))
      .getRows()
      .map((r) => String(r[0]))
    const rows = (await c.runAndReadAll(`${READ_BACK} FROM read_parquet('${path}') ORDER BY id`)).getRows()
    return { types, rows: rows.map((r) => r.map((v) => canon(v))) }
  } finally {
    c.closeSync()
    db.closeSync()
  }
}

describe('column kinds round-trip exactly', () => {
  it('through change files: DuckDB reads the kinds own types and the same values', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        await using files = await writeChangeFiles(kinds, rows, { dir: fx.dir })
        const read = await duckdbRead(files.files[0]!.path)
        expect(read.types).toEqual(SQL_TYPES)
        expect(read.rows).toEqual(expected(rows))
      }),
      { numRuns: 15 },
    )
  }, 120_000)

  it('through a publish: the published table has the kinds types and a Hyper Update replace then matches it', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(rowsArb, rowsArb, async (first, second) => {
        const name = `Kinds${run++}`
        await using files = await writeChangeFiles(kinds, first, { dir: fx.dir })
        await fx.client.datasources.publish({ name, file: files.files[0]!.path, fileType: 'parquet', mode: 'create' })
        const table = `"${name}"."Extract"."Extract"`
        const types = await fx.emu.query(`SELECT column_type FROM (DESCRIBE ${table})`)
        expect(types.map((r) => r['column_type'])).toEqual(SQL_TYPES)
        const norm = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r).map((v) => canon(v)))
        expect(norm(await fx.emu.query(`${READ_BACK} FROM ${table} ORDER BY id`))).toEqual(expected(first))
        const report = await pushChanges({
          client: fx.client,
          datasource: { name },
          batch: batch().replace({ source: kinds.as('next'), target: kinds }),
          rows: { next: second },
          dir: fx.dir,
        })
        expect(report.outcome).toBe('succeeded')
        expect(norm(await fx.emu.query(`${READ_BACK} FROM ${table} ORDER BY id`))).toEqual(expected(second))
      }),
      { numRuns: 3 },
    )
  }, 180_000)
})

describe('Arrow built the ways users build it converts exactly', () => {
  const orders = defineTable({ name: 'orders' }, { id: int64(), order_date: date(), name: text() })

  it('a millisecond Timestamp of whole days fills a date column; one that is not a whole day is refused naming it', async () => {
    const good = tableFromArrays({
      id: BigInt64Array.from([1n, 2n]),
      order_date: [new Date('2025-06-04T00:00:00Z'), new Date('1969-12-31T00:00:00Z')],
      name: ['a', 'b'],
    })
    await using files = await writeChangeFiles(orders, good, { dir: fx.dir })
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const rows = (
      await c.runAndReadAll(`SELECT order_date::VARCHAR, name FROM read_parquet('${files.files[0]!.path}') ORDER BY id`)
    ).getRows()
    c.closeSync()
    db.closeSync()
    expect(rows).toEqual([
      ['2025-06-04', 'a'],
      ['1969-12-31', 'b'],
    ])
    const bad = tableFromArrays({
      id: BigInt64Array.from([1n]),
      order_date: [new Date('2025-06-04T10:00:00Z')],
      name: ['a'],
    })
    await expect(writeChangeFiles(orders, bad, { dir: fx.dir })).rejects.toMatchObject({
      code: 'PAYLOAD_VALUE_INVALID',
      details: { column: 'order_date', row: 0 },
    })
  })
})

describe('Arrow tables as tableFromArrays and vectorFromArray make them', () => {
  const t = defineTable(
    { name: 't' },
    { id: int64(), name: text(), price: float64(), qty: int16(), amount: decimal(12, 2), at: timestamp() },
  )
  it('numbers, dictionary text, Int32, Float64 and Dates convert exactly; the rest is refused by name', async () => {
    const arrow = tableFromArrays({
      id: [1, 2],
      name: ['a', 'b'],
      price: [1.5, 2],
      qty: Int32Array.from([3, -4]),
      amount: Int32Array.from([7, 8]),
      at: [new Date('2025-06-04T10:00:00.123Z'), new Date(0)],
    })
    await using files = await writeChangeFiles(t, arrow, { dir: fx.dir })
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const rows = (
      await c.runAndReadAll(
        `SELECT id, name, price, qty, amount::VARCHAR, epoch_us("at") FROM read_parquet('${files.files[0]!.path}') ORDER BY id`,
      )
    ).getRows()
    c.closeSync()
    db.closeSync()
    expect(rows).toEqual([
      [1n, 'a', 1.5, 3, '7.00', 1749031200123000n],
      [2n, 'b', 2, -4, '8.00', 0n],
    ])
    const one = { name: ['a'], price: [1], qty: [1], amount: Int32Array.from([1]), at: [new Date(0)] }
    // Built from vectors: the same rules.
    const vectors = new Table({
      id: vectorFromArray([5n]),
      name: vectorFromArray(['x']),
      price: vectorFromArray([0.25]),
      qty: vectorFromArray([7]),
      amount: vectorFromArray(Int32Array.from([9])),
      at: vectorFromArray([new Date(1)]),
    })
    await using more = await writeChangeFiles(t, vectors, { dir: fx.dir })
    expect(more.rows).toBe(1)
    await expect(writeChangeFiles(t, tableFromArrays({ ...one, id: [1.5] }))).rejects.toMatchObject({
      code: 'PAYLOAD_VALUE_INVALID',
      details: { column: 'id', row: 0 },
    })
    const wide = tableFromArrays({
      id: [1],
      name: ['a'],
      price: BigInt64Array.from([1n]),
      qty: [1],
      amount: [1],
      at: [new Date(0)],
    })
    await expect(writeChangeFiles(t, wide)).rejects.toMatchObject({
      code: 'PAYLOAD_INPUT_INVALID',
      message: expect.stringContaining(
        'column "price" is 64-bit integer, which a float64 column cannot take exactly; declare it int64',
      ),
    })
    const floats = tableFromArrays({ id: [1], name: ['a'], price: [1], qty: [1], amount: [1.5], at: [new Date(0)] })
    await expect(writeChangeFiles(t, floats)).rejects.toMatchObject({
      code: 'PAYLOAD_INPUT_INVALID',
      message: expect.stringContaining('column "amount" is DOUBLE, which a decimal(12, 2) column cannot take exactly'),
    })
  })
})

describe('the new kinds through the other paths', () => {
  it('emulator rows, a typed condition constant, and nightly CDC snapshots given as rows', async () => {
    const rows = [
      {
        id: 1n,
        small: 1,
        wide: '1.5',
        narrow: '2.25',
        at: 0n,
        local: '2024-05-01T10:00:00',
        clock: '10:30',
        day: '2024-05-01',
        ratio: 0.5,
        flag: true,
      },
      {
        id: 2n,
        wide: '-3',
        at: 1n,
        local: '2024-05-02T00:00:00.000001',
        day: '2024-05-02',
        ratio: -2,
        flag: false,
        label: 'é',
      },
    ]
    await fx.emu.createDatasource({ name: 'KindRows', table: kinds, rows })
    const norm = (r: Record<string, unknown>[]) => r.map((x) => Object.values(x).map((v) => canon(v)))
    const table = '"KindRows"."Extract"."Extract"'
    expect(norm(await fx.emu.query(`${READ_BACK} FROM ${table} ORDER BY id`))).toEqual(expected(rows))
    // A delete whose condition compares a decimal, a wall-clock timestamp and a time with constants.
    const report = await pushChanges({
      client: fx.client,
      datasource: { name: 'KindRows' },
      batch: batch().delete({
        target: kinds,
        where: (t) => and(eq(t.narrow, '2.25'), eq(t.local, '2024-05-01T10:00:00'), eq(t.clock, '10:30:00')),
      }),
      rows: {},
      dir: fx.dir,
    })
    expect(report.outcome).toBe('succeeded')
    expect(norm(await fx.emu.query(`${READ_BACK} FROM ${table} ORDER BY id`))).toEqual(expected([rows[1]!]))
    const { runNightlyCdc } = await import('../../../pipelines/index.js')
    const night = await runNightlyCdc({
      client: fx.client,
      datasource: { name: 'KindRows' },
      table: kinds,
      keys: ['id'],
      name: 'kinds',
      source: { snapshots: { previous: [rows[1]!], current: rows } },
      dir: fx.dir,
    })
    expect(night.push.outcome).toBe('succeeded')
    expect(norm(await fx.emu.query(`${READ_BACK} FROM ${table} ORDER BY id`))).toEqual(expected(rows))
  })
})
