import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type NightlyCdcOptions, runNightlyCdc, WatermarkStore } from '../../../pipelines/index.js'
import { defineTable, int64, text } from '../../../src/index.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'
import { type Fixture, startFixture } from '../plan/emulator-fixture.js'

// Inputs that disagree with the table or with each other are refused before anything is pushed:
// the data source keeps its rows and the watermark does not move.

const wide = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), body: text(), v: text({ nullable: true }), n: int64({ nullable: true }) },
)
const BASE = [
  { id: 1n, body: 'one', v: 'v1', n: 10n },
  { id: 2n, body: 'two', v: 'v2', n: 20n },
]

let fx: Fixture
let dir: string
beforeEach(async () => {
  fx = await startFixture()
  dir = join(fx.dir, 'inputs')
  await mkdir(dir)
  await fx.emu.createDatasource({ name: 'Wide', table: wide, rows: BASE })
})
afterEach(async () => {
  await fx.close()
})

const table = () => fx.emu.query(`SELECT id, body, v, n FROM "Wide"."Extract"."Extract" ORDER BY id`)
const parquet = (name: string, select: string) => writeParquetSql(dir, name, select)
/** A snapshot file of ids from..to with the table's columns (types as given), `v` spelled per id. */
const snapshot = (name: string, from: number, to: number, columns = `'v' || i AS v, (i * 10)::BIGINT AS n`) =>
  parquet(name, `SELECT i::BIGINT AS id, 'b' || i AS body, ${columns} FROM range(${from}, ${to + 1}) t(i)`)

const night = (source: NightlyCdcOptions['source'], extra: Partial<NightlyCdcOptions> = {}) =>
  runNightlyCdc({
    client: fx.client,
    datasource: { name: 'Wide' },
    table: wide,
    keys: ['id'],
    name: 'wide',
    source,
    dir: fx.dir,
    ...extra,
  })

/** Runs the night, expects CDC_INVALID whose message matches every pattern, and checks nothing changed. */
async function refused(run: Promise<unknown>, ...patterns: RegExp[]) {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string; details: Record<string, unknown> },
  )
  expect(error?.code).toBe('CDC_INVALID')
  for (const p of patterns) expect(error?.message).toMatch(p)
  expect(await table()).toEqual(BASE)
  return error!
}

describe('snapshot files that disagree', () => {
  it('refuses a file of a multi-file snapshot that lacks a column, instead of upserting NULL into it', async () => {
    const previous = await snapshot('prev.parquet', 1, 2)
    const good = await snapshot('cur-a.parquet', 1, 2)
    const lacking = await snapshot('cur-b.parquet', 3, 4, `(i * 10)::BIGINT AS n`)
    const error = await refused(
      night({ snapshots: { previous, current: [good, lacking] } }),
      /cur-b\.parquet has no column "v"/,
    )
    expect(error.details).toMatchObject({ path: lacking, column: 'v' })
  })

  it('names both the missing column and the new name of a renamed column, in a glob', async () => {
    const previous = await snapshot('prev.parquet', 1, 2)
    await snapshot('part-1.parquet', 1, 2)
    await snapshot('part-2.parquet', 3, 3, `'v' || i AS value, (i * 10)::BIGINT AS n`)
    await refused(
      night({ snapshots: { previous, current: join(dir, 'part-*.parquet') } }),
      /part-2\.parquet has no column "v" \(Extract needs it\); it has "value" instead/,
    )
  })

  it('refuses a column the table does not have, and a path that names no file', async () => {
    const previous = await snapshot('prev.parquet', 1, 2)
    const extra = await snapshot('extra.parquet', 1, 2, `'v' || i AS v, (i * 10)::BIGINT AS n, 1 AS loaded_by`)
    await refused(night({ snapshots: { previous, current: extra } }), /extra\.parquet has column "loaded_by"/)
    await refused(
      night({ snapshots: { previous, current: join(dir, 'none-*.parquet') } }),
      /none-\*\.parquet: no such file/,
    )
  })

  it('refuses a column whose type differs between the files of one snapshot, naming both files and types', async () => {
    const previous = await snapshot('prev.parquet', 1, 2)
    const a = await snapshot('a.parquet', 1, 2)
    const b = await snapshot('b.parquet', 3, 3, `'v' || i AS v, (i * 10)::INTEGER AS n`)
    const error = await refused(
      night({ snapshots: { previous: [previous], current: [a, b] } }),
      /b\.parquet: column "n" is INTEGER, but BIGINT in .*a\.parquet/,
    )
    expect(error.details).toMatchObject({ path: b, column: 'n', type: 'INTEGER', otherPath: a, otherType: 'BIGINT' })
  })

  it('takes two snapshots whose files each agree, even when yesterday wrote a column as a narrower exact type', async () => {
    const previous = await snapshot('prev.parquet', 1, 2, `'v' || i AS v, (i * 10)::INTEGER AS n`)
    await snapshot(
      'cur-1.parquet',
      1,
      2,
      `CASE WHEN i = 2 THEN 'changed' ELSE 'v' || i END AS v, (i * 10)::BIGINT AS n`,
    )
    await snapshot('cur-2.parquet', 3, 3)
    const report = await night({ snapshots: { previous, current: join(dir, 'cur-*.parquet') } })
    expect(report.stats).toMatchObject({ inserted: 1, changed: 1, unchanged: 1, deletes: 0 })
    // id 1 is unchanged between the snapshots, so the table keeps its own row.
    expect(await table()).toEqual([
      BASE[0],
      { id: 2n, body: 'b2', v: 'changed', n: 20n },
      { id: 3n, body: 'b3', v: 'v3', n: 30n },
    ])
  })
})

describe('change-log files that disagree', () => {
  const watermarks = () => join(fx.dir, 'watermarks.json')
  /** A log file: one entry per (id, op, order) with the table's columns. */
  const log = (name: string, entries: string, order = 'lsn') =>
    parquet(
      name,
      `SELECT id::BIGINT AS id, 'b' || id AS body, 'w' || id AS v, NULL::BIGINT AS n, op, o AS ${order} FROM (VALUES ${entries}) t(id, op, o)`,
    )
  const logNight = (changeLog: string | string[]) =>
    night({ changeLog, orderColumn: 'lsn' }, { watermarks: watermarks(), runId: 'log-night' })

  it('refuses an order column that is an integer in one file and text in another (no text comparison)', async () => {
    const a = await log('log-a.parquet', `(1, 'update', 9::BIGINT)`)
    const b = await log('log-b.parquet', `(1, 'update', '10')`)
    await refused(logNight([a, b]), /log-b\.parquet: column "lsn" is VARCHAR, but BIGINT in .*log-a\.parquet/)
    await expect(new WatermarkStore(watermarks()).get('wide')).resolves.toBeUndefined()
  })

  it('refuses a log file without the op column, the order column or a key column', async () => {
    const good = await log('good.parquet', `(1, 'update', 1::BIGINT)`)
    const noOp = await parquet(
      'no-op.parquet',
      `SELECT 1::BIGINT AS id, 'b' AS body, 'v' AS v, 1::BIGINT AS n, 2::BIGINT AS lsn`,
    )
    await refused(logNight([good, noOp]), /no-op\.parquet has no column "op" \(the change log needs it\)/)
    const noLsn = await parquet(
      'no-lsn.parquet',
      `SELECT 1::BIGINT AS id, 'b' AS body, 'v' AS v, 1::BIGINT AS n, 'update' AS op`,
    )
    await refused(logNight([good, noLsn]), /no-lsn\.parquet has no column "lsn"/)
    const noKey = await parquet(
      'no-key.parquet',
      `SELECT 'b' AS body, 'v' AS v, 1::BIGINT AS n, 'update' AS op, 2::BIGINT AS lsn`,
    )
    await refused(logNight([good, noKey]), /no-key\.parquet has no column "id" \(Extract needs it\)/)
  })

  it('refuses a stored watermark that does not fit the order column, and leaves it as it was', async () => {
    const file = await log('log.parquet', `(1, 'update', 3::BIGINT), (2, 'update', 2::BIGINT)`)
    const store = new WatermarkStore(watermarks())
    for (const bad of ['abc', 2.5, '2.5', new Date(0), 2n ** 63n]) {
      await store.set('wide', bad, 'earlier')
      await refused(logNight(file), /watermark .* does not fit change log order column "lsn" \(BIGINT\)/)
      expect(await store.get('wide')).toEqual(bad)
    }
    await store.set('wide', 2, 'earlier')
    const report = await logNight(file)
    expect(report.stats).toMatchObject({ entries: 2, taken: 1, upserts: 1 })
    expect(await store.get('wide')).toBe(3n)
  })

  it('refuses a stored watermark entry that does not read back exactly (WATERMARK_INVALID naming file and pipeline)', async () => {
    const file = await log('log.parquet', `(1, 'update', 3::BIGINT)`)
    for (const entry of [
      { type: 'bigint', value: '1.5' },
      { type: 'number', value: '1e3' },
      { type: 'lsn', value: '3' },
    ]) {
      await writeFile(watermarks(), JSON.stringify({ wide: { ...entry, runId: 'x', updatedAt: 'y' } }))
      await expect(logNight(file)).rejects.toMatchObject({
        code: 'WATERMARK_INVALID',
        message: expect.stringContaining(`${watermarks()}: the watermark of "wide"`),
        details: { path: watermarks(), name: 'wide' },
      })
    }
    expect(await table()).toEqual(BASE)
  })

  it('keeps an int64 watermark beyond 2^53 and a microsecond timestamp watermark exact across nights', async () => {
    const big = 2n ** 60n
    const ints = await log('ints.parquet', `(1, 'update', ${big + 1n}::BIGINT), (2, 'update', ${big + 2n}::BIGINT)`)
    await new WatermarkStore(watermarks()).set('wide', big + 1n, 'earlier')
    const first = await logNight(ints)
    expect(first.stats).toMatchObject({ taken: 1 })
    expect(JSON.parse(await readFile(watermarks(), 'utf8')).wide).toMatchObject({
      type: 'bigint',
      value: `${big + 2n}`,
    })

    const at = (s: string) => `TIMESTAMPTZ '2026-03-01 10:00:00.00000${s}+00'`
    const times = await log('times.parquet', `(1, 'update', ${at('1')}), (2, 'delete', ${at('2')})`, 'ts')
    const store = join(fx.dir, 'ts-watermarks.json')
    await new WatermarkStore(store).set('wide', '2026-03-01T10:00:00.000001Z', 'earlier')
    const tsNight = () => night({ changeLog: times, orderColumn: 'ts' }, { watermarks: store, runId: 'ts-night' })
    expect((await tsNight()).stats).toMatchObject({ taken: 1, deletes: 1, upserts: 0 })
    expect(await new WatermarkStore(store).get('wide')).toBe('2026-03-01T10:00:00.000002Z')
    expect((await tsNight()).stats).toMatchObject({ taken: 0 })
    expect(await table()).toEqual([BASE[0]])
  })

  it('refuses an order value that cannot become a watermark: NULL, NaN, infinite', async () => {
    const good = await log('good.parquet', `(1, 'update', 1::DOUBLE)`)
    for (const [name, value] of [
      ['null', 'NULL::DOUBLE'],
      ['nan', `'nan'::DOUBLE`],
      ['inf', `'infinity'::DOUBLE`],
    ]) {
      const bad = await log(`${name}.parquet`, `(2, 'update', ${value})`)
      await expect(logNight([good, bad])).rejects.toMatchObject({
        code: 'ROW_INVALID',
        message: expect.stringContaining(`${name}.parquet row 0: order column "lsn" has no usable value`),
      })
    }
    expect(await table()).toEqual(BASE)
  })
})
