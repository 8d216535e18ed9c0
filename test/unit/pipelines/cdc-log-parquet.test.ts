import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactChangeLog } from '../../../pipelines/index.js'
import { defineTable, int32, int64, text } from '../../../src/index.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'

const table = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), qty: int32({ nullable: true }), body: text() },
)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-cdc-log-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const parquet = (name: string, select: string) => writeParquetSql(dir, name, select)

describe('compactChangeLog on Parquet logs', () => {
  it('refuses a value its column cannot hold even in an entry a later one replaces', async () => {
    // qty is BIGINT in the file: entry lsn 1 of key 1 holds 2^40, too large for int32; lsn 2 replaces it.
    const log = await parquet(
      'narrow.parquet',
      `SELECT * FROM (VALUES (1::BIGINT, 1099511627776::BIGINT, 'a', 'insert', 1::BIGINT), (1, 5, 'b', 'update', 2), (2, 7, 'c', 'insert', 3))
         t(id, qty, body, op, lsn)`,
    )
    await expect(compactChangeLog(table, log, { keys: ['id'], orderColumn: 'lsn', dir })).rejects.toMatchObject({
      code: 'ROW_INVALID',
      message: expect.stringContaining('change log'),
    })
  })

  it('takes the last entry per key by order value, whatever the row order, from key columns of a narrower type', async () => {
    const log = await parquet(
      'keys.parquet',
      `SELECT * FROM (VALUES (2::INTEGER, 1::BIGINT, 'new', 'update', 9::BIGINT), (2, 2, 'old', 'insert', 4), (3, 3, 'x', 'insert', 5), (3, NULL, 'y', 'delete', 6))
         t(id, qty, body, op, lsn)`,
    )
    const { changes, watermark } = await compactChangeLog(table, log, { keys: ['id'], orderColumn: 'lsn', dir })
    await using _ = changes
    const upserts = []
    for await (const r of changes.upserts()) upserts.push(r)
    const deletes = []
    for await (const r of changes.deletes()) deletes.push(r)
    expect(upserts).toEqual([{ id: 2n, qty: 1, body: 'new' }])
    expect(deletes).toEqual([{ id: 3n }])
    expect(watermark).toBe(9n)
  })
})

describe('compactChangeLog watermarks of every order type', () => {
  const entries = (order: string) =>
    `SELECT id, 1 AS qty, 'x' AS body, 'update' AS op, o AS ord FROM (VALUES ${order}) t(id, o)`

  it('returns a watermark that, given back, takes nothing more (dates, decimals, floats)', async () => {
    const cases: [string, string, unknown][] = [
      ['date', `(1::BIGINT, DATE '2026-01-01'), (2, DATE '2026-01-02')`, '2026-01-02'],
      ['decimal', `(1::BIGINT, 12.25::DECIMAL(9,2)), (2, 12.5::DECIMAL(9,2))`, '12.50'],
      ['float', `(1::BIGINT, 0.1::FLOAT), (2, 0.2::FLOAT)`, Math.fround(0.2)],
    ]
    for (const [name, order, expected] of cases) {
      const log = await parquet(`${name}.parquet`, entries(order))
      const first = await compactChangeLog(table, log, { keys: ['id'], orderColumn: 'ord', dir })
      await first.changes.dispose()
      expect(first.watermark).toEqual(expected)
      const again = await compactChangeLog(table, log, {
        keys: ['id'],
        orderColumn: 'ord',
        since: first.watermark,
        dir,
      })
      await again.changes.dispose()
      expect(again.changes.stats).toMatchObject({ entries: 2, taken: 0 })
    }
  })

  it('refuses a watermark that would need rounding, and a nanosecond order column', async () => {
    const log = await parquet('dec.parquet', entries(`(1::BIGINT, 12.25::DECIMAL(9,2))`))
    await expect(
      compactChangeLog(table, log, { keys: ['id'], orderColumn: 'ord', since: '12.255', dir }),
    ).rejects.toMatchObject({ code: 'CDC_INVALID', message: expect.stringContaining('"ord" (DECIMAL(9,2))') })
    const day = await parquet('day.parquet', entries(`(1::BIGINT, DATE '2026-01-01')`))
    await expect(
      compactChangeLog(table, day, { keys: ['id'], orderColumn: 'ord', since: new Date('2026-01-01T12:00:00Z'), dir }),
    ).rejects.toMatchObject({ code: 'CDC_INVALID' })
    const ns = await parquet('ns.parquet', entries(`(1::BIGINT, TIMESTAMP_NS '2026-01-01 00:00:00.000000001')`))
    await expect(compactChangeLog(table, ns, { keys: ['id'], orderColumn: 'ord', dir })).rejects.toMatchObject({
      code: 'CDC_INVALID',
      message: expect.stringMatching(/ns\.parquet: order column "ord" is TIMESTAMP_NS/),
    })
  })
})
