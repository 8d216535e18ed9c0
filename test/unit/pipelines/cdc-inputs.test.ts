import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactChangeLog, diffSnapshots } from '../../../pipelines/index.js'
import { defineTable, float64, int64, text, timestamp } from '../../../src/index.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'

const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    body: text({ nullable: true }),
    amount: float64({ nullable: true }),
    at: timestamp({ nullable: true }),
  },
)

let dir: string
/** Writes a Parquet file with DuckDB's own types (TIMESTAMPTZ, TIMESTAMP_MS, DOUBLE, …). */
const parquet = (name: string, select: string) => writeParquetSql(dir, name, select)
const collect = async (rows: AsyncIterable<Record<string, unknown>>) => {
  const out: Record<string, unknown>[] = []
  for await (const r of rows) out.push(r)
  return out
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-cdc-in-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('diffSnapshots on Parquet', () => {
  it('compares timestamps as instants across units and time zones, and floats as values', async () => {
    const previous = await parquet(
      'tz.parquet',
      `SELECT i::BIGINT AS id, 'x' AS body, CASE WHEN i = 1 THEN -(0.0::DOUBLE) ELSE 0.1::DOUBLE + 0.2::DOUBLE END AS amount,
         TIMESTAMPTZ '2026-03-01 10:00:00.123+02:00' + to_seconds(i) AS at FROM range(3) t(i)`,
    )
    const current = await parquet(
      'ms.parquet',
      `SELECT i::BIGINT AS id, 'x' AS body, CASE WHEN i = 1 THEN 0.0 ELSE 0.30000000000000004 END::DOUBLE AS amount,
         (TIMESTAMP '2026-03-01 08:00:00.123' + to_seconds(i))::TIMESTAMP_MS AS at FROM range(3) t(i)`,
    )
    await using diff = await diffSnapshots(orders, ['id'], previous, current, { dir })
    expect(diff.stats).toMatchObject({ upserts: 0, deletes: 0, unchanged: 3 })
  })

  it('gives byte-identical change files for the same inputs (a rerun sends the same requests)', async () => {
    const previous = await parquet('p.parquet', `SELECT i::BIGINT AS id, 'a' || i AS body FROM range(5000) t(i)`)
    const current = await parquet(
      'c.parquet',
      `SELECT i::BIGINT AS id, CASE WHEN i % 7 = 0 THEN 'b' ELSE 'a' END || i AS body FROM range(100, 5100) t(i) ORDER BY hash(i)`,
    )
    const narrow = defineTable({ name: 'T' }, { id: int64(), body: text() })
    const bytes = async () => {
      await using diff = await diffSnapshots(narrow, ['id'], previous, current, { dir, threads: 2 })
      return [await readFile(diff.files.upserts), await readFile(diff.files.deletes), diff.stats] as const
    }
    const [first, second] = [await bytes(), await bytes()]
    expect(first[2]).toMatchObject({ inserted: 100, deletes: 100, changed: 700 })
    expect(second[0].equals(first[0])).toBe(true)
    expect(second[1].equals(first[1])).toBe(true)
    await using third = await diffSnapshots(narrow, ['id'], previous, current, { dir })
    const rows = await collect(third.upserts())
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id as bigint)].sort((a, b) => (a < b ? -1 : 1)))
  })

  it('names the file, the column and the type when a column cannot be read exactly', async () => {
    const lossy = await parquet(
      'lossy.parquet',
      `SELECT 1.5::DOUBLE AS id, 'x' AS body, 1.0 AS amount, NULL::TIMESTAMP AS at`,
    )
    // The type: a DECIMAL is no float64 (the one input rule's words)...
    await expect(diffSnapshots(orders, ['id'], lossy, [], { dir })).rejects.toMatchObject({
      code: 'CDC_INVALID',
      message: expect.stringMatching(/lossy\.parquet.*"amount" is DECIMAL\(2, 1\), which a float64 column cannot/),
    })
    // ...and the value: a DOUBLE fills an int64 column only with whole numbers.
    const fraction = await parquet(
      'fraction.parquet',
      `SELECT 1.5::DOUBLE AS id, 'x' AS body, 1.0::DOUBLE AS amount, NULL::TIMESTAMP AS at`,
    )
    await expect(diffSnapshots(orders, ['id'], fraction, [], { dir })).rejects.toMatchObject({
      message: expect.stringContaining('column "id": 1.5 is a DOUBLE value that an int64 column cannot take exactly'),
    })
    const missing = await parquet('missing.parquet', `SELECT 1::BIGINT AS id, 'x' AS body`)
    await expect(diffSnapshots(orders, ['id'], [], missing, { dir })).rejects.toMatchObject({
      code: 'CDC_INVALID',
      message: expect.stringMatching(/missing\.parquet has no column "amount"/),
    })
  })

  it('refuses a key that would be upserted twice, and a NULL key', async () => {
    const twice = await parquet(
      'twice.parquet',
      `SELECT 7::BIGINT AS id, 'x' || i AS body, NULL::DOUBLE AS amount, NULL::TIMESTAMP AS at FROM range(2) t(i)`,
    )
    await expect(diffSnapshots(orders, ['id'], [], twice, { dir })).rejects.toMatchObject({
      code: 'DUPLICATE_KEY',
      message: expect.stringContaining('id=7'),
    })
    const nullKey = await parquet(
      'null-key.parquet',
      `SELECT NULL::BIGINT AS id, 'x' AS body, 1.0::DOUBLE AS amount, NULL::TIMESTAMP AS at`,
    )
    await expect(diffSnapshots(orders, ['id'], [], nullKey, { dir })).rejects.toMatchObject({
      code: 'ROW_INVALID',
      message: expect.stringContaining('column "id" is a NULL key'),
    })
  })

  it('names the row of a bad value given as rows', async () => {
    const rows = [
      { id: 1n, body: 'a' },
      { id: 2n, body: 5 },
    ]
    await expect(diffSnapshots(orders, ['id'], [], rows, { dir })).rejects.toMatchObject({
      code: 'ROW_INVALID',
      message: expect.stringMatching(/current snapshot: row 1: column "body"/),
    })
  })

  it('runs under a small memory limit with its own spill directory and thread count; a bad limit is a clear error', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: BigInt(i), body: `b${i}`, amount: i / 3, at: null }))
    await using diff = await diffSnapshots(orders, ['id'], rows, rows.slice(1), {
      dir,
      memoryLimit: '64MB',
      tempDirectory: join(dir, 'my-spill'),
      threads: 1,
    })
    expect(diff.stats).toMatchObject({ deletes: 1, upserts: 0, unchanged: 1999 })
    await expect(diffSnapshots(orders, ['id'], [], [], { dir, memoryLimit: 'plenty' })).rejects.toMatchObject({
      code: 'CDC_INVALID',
      message: expect.stringContaining('cannot start DuckDB'),
    })
  })
})

describe('compactChangeLog order values', () => {
  const entry = (id: bigint, body: string, at: unknown, op = 'update') => ({ id, body, op, at_text: at })

  it('orders ISO text with offsets as instants, not as text', async () => {
    // 11:00+02:00 is 09:00Z: earlier than 10:00Z although it sorts later as text.
    const log = [entry(1n, 'ten utc', '2026-01-01T10:00:00Z'), entry(1n, 'nine utc', '2026-01-01T11:00:00+02:00')]
    const { changes, watermark } = await compactChangeLog(orders, log, { keys: ['id'], orderColumn: 'at_text', dir })
    await using _ = changes
    expect((await collect(changes.upserts())).map((r) => r.body)).toEqual(['ten utc'])
    expect(watermark).toBe('2026-01-01T10:00:00Z')
  })

  it('orders numbers numerically and breaks ties by input position (later wins)', async () => {
    const log = [entry(1n, 'ten', 10), entry(1n, 'nine', 9), entry(2n, 'first', 4), entry(2n, 'second', 4)]
    const { changes, watermark } = await compactChangeLog(orders, log, { keys: ['id'], orderColumn: 'at_text', dir })
    await using _ = changes
    expect((await collect(changes.upserts())).map((r) => r.body)).toEqual(['ten', 'second'])
    expect(watermark).toBe(10)
  })

  it('orders a Parquet TIMESTAMPTZ order column as instants and returns the watermark with microseconds', async () => {
    const log = await parquet(
      'log.parquet',
      `SELECT 1::BIGINT AS id, body, NULL::DOUBLE AS amount, NULL::TIMESTAMP AS at, 'update' AS op, ts::TIMESTAMPTZ AS ts FROM (VALUES
        ('late', '2026-01-01 10:00:00.000001+00'), ('early', '2026-01-01 11:00:00+02')) v(body, ts)`,
    )
    const { changes, watermark } = await compactChangeLog(orders, log, { keys: ['id'], orderColumn: 'ts', dir })
    await using _ = changes
    expect((await collect(changes.upserts())).map((r) => r.body)).toEqual(['late'])
    expect(watermark).toBe('2026-01-01T10:00:00.000001Z')
    const again = await compactChangeLog(orders, log, { keys: ['id'], orderColumn: 'ts', since: watermark, dir })
    await using __ = again.changes
    expect(again.changes.stats).toMatchObject({ taken: 0, upserts: 0 })
    expect(again.watermark).toBe(watermark)
  })

  it('names the row of an unknown op or a missing order value, and refuses mixed order types', async () => {
    await expect(
      compactChangeLog(orders, [entry(1n, 'a', 1n), entry(1n, 'b', 2n, 'merge')], {
        keys: ['id'],
        orderColumn: 'at_text',
        dir,
      }),
    ).rejects.toMatchObject({ code: 'ROW_INVALID', message: expect.stringContaining('row 1: op "merge"') })
    await expect(
      compactChangeLog(orders, [entry(1n, 'a', 1n), entry(1n, 'b', null)], {
        keys: ['id'],
        orderColumn: 'at_text',
        dir,
      }),
    ).rejects.toMatchObject({ code: 'ROW_INVALID', message: expect.stringContaining('row 1') })
    await expect(
      compactChangeLog(orders, [entry(1n, 'a', 1n), entry(1n, 'b', 'x')], {
        keys: ['id'],
        orderColumn: 'at_text',
        dir,
      }),
    ).rejects.toMatchObject({ code: 'CDC_INVALID', message: expect.stringContaining('mix') })
    const badOp = await parquet(
      'bad-op.parquet',
      `SELECT 1::BIGINT AS id, 'x' AS body, NULL::DOUBLE AS amount, NULL::TIMESTAMP AS at, op, lsn FROM (VALUES ('insert', 1), ('upsert', 2)) v(op, lsn)`,
    )
    await expect(compactChangeLog(orders, badOp, { keys: ['id'], orderColumn: 'lsn', dir })).rejects.toMatchObject({
      code: 'ROW_INVALID',
      message: expect.stringContaining('bad-op.parquet row 1'),
    })
  })
})

describe('compactChangeLog text order values that disagree', () => {
  const entry = (id: bigint, body: string, at: unknown) => ({ id, body, op: 'update', at_text: at })

  it('refuses text where only some values are ISO instants (text order would not be time order)', async () => {
    for (const odd of ['2026-01-01 09:30', '2026-13-01T00:00:00Z', 'lsn-7']) {
      const log = [entry(1n, 'a', '2026-01-01T10:00:00Z'), entry(2n, 'b', odd)]
      await expect(compactChangeLog(orders, log, { keys: ['id'], orderColumn: 'at_text', dir })).rejects.toMatchObject({
        code: 'ROW_INVALID',
        message: expect.stringContaining(`row 1: order column "at_text" is ${JSON.stringify(odd)}`),
      })
    }
    const text = [entry(1n, 'a', 'lsn-9'), entry(1n, 'b', 'lsn-10')]
    const { changes } = await compactChangeLog(orders, text, { keys: ['id'], orderColumn: 'at_text', dir })
    await using _ = changes
    // Plain text compares byte by byte, as documented: 'lsn-9' > 'lsn-10'.
    expect((await collect(changes.upserts())).map((r) => r.body)).toEqual(['a'])
  })
})
