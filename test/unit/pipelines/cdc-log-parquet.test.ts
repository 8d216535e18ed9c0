import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactChangeLog } from '../../../pipelines/index.js'
import { defineTable, int32, int64, text } from '../../../src/index.js'

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

async function parquet(name: string, select: string): Promise<string> {
  const path = join(dir, name)
  const duck = await DuckDBInstance.create(':memory:')
  const c = await duck.connect()
  await c.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`)
  c.closeSync()
  duck.closeSync()
  return path
}

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
