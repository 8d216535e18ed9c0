import { mkdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadParquetFiles, runNightlyCdc, WatermarkStore } from '../../../pipelines/index.js'
import { writeChangeFiles } from '../../../src/index.js'
import { type Fixture, type Item, itemRows, items, startFixture } from '../plan/emulator-fixture.js'

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

const sorted = (rows: Item[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))

describe('nightly CDC', () => {
  it('snapshot mode: two nights of diffs leave the table equal to the latest snapshot', async () => {
    const day0 = itemRows(1, 300)
    const day1 = [
      ...day0.filter((r) => r.id % 10n !== 3n).map((r) => (r.id % 7n === 0n ? { ...r, body: `changed ${r.id}` } : r)),
      ...itemRows(301, 50),
    ]
    const day2 = [...day1.filter((r) => r.id % 11n !== 5n), ...itemRows(351, 5)]
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: day0 })
    const nights = [
      [day0, day1],
      [day1, day2],
    ] as const
    for (const [i, [previous, current]] of nights.entries()) {
      const report = await runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Items' },
        table: items,
        keys: ['id'],
        name: 'items',
        runId: `items-night-${i}`,
        source: { snapshots: { previous, current } },
        dir: fx.dir,
      })
      expect(report.push.outcome).toBe('succeeded')
      expect(await fx.rows('Items')).toEqual(sorted([...current]))
    }
  })

  it('snapshot mode reports what changed', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 10) })
    const previous = itemRows(1, 10)
    // ids 1 and 10 vanish, id 3 changes, ids 100 and 101 are new, six stay as they were.
    const current = [
      ...previous.slice(1, 9).map((r) => (r.id === 3n ? { ...r, body: 'new body' } : r)),
      ...itemRows(100, 2),
    ]
    const report = await runNightlyCdc({
      client: fx.client,
      datasource: { name: 'Items' },
      table: items,
      keys: ['id'],
      name: 'items',
      source: { snapshots: { previous, current } },
    })
    expect(report.stats).toMatchObject({ inserted: 2, changed: 1, deletes: 2, unchanged: 7, upserts: 3 })
  })

  it('change-log mode: compacts to the last op per key and advances the watermark only past what was pushed', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 5) })
    const watermarks = join(fx.dir, 'watermarks.json')
    type Entry = Item & { op: string; lsn: bigint }
    const log: Entry[] = [
      { id: 1n, body: 'one v2', op: 'update', lsn: 10n },
      { id: 6n, body: 'six', op: 'insert', lsn: 11n },
      { id: 2n, body: 'x', op: 'delete', lsn: 12n },
      { id: 6n, body: 'six v2', op: 'update', lsn: 13n },
      { id: 7n, body: 'seven', op: 'insert', lsn: 14n },
      { id: 7n, body: 'seven', op: 'delete', lsn: 15n },
    ]
    const night = (entries: Entry[], runId: string) =>
      runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Items' },
        table: items,
        keys: ['id'],
        name: 'items-log',
        runId,
        watermarks,
        source: { changeLog: entries, orderColumn: 'lsn' },
      })
    const first = await night(log, 'log-1')
    expect(first.stats).toMatchObject({ upserts: 2, deletes: 2 })
    expect(await new WatermarkStore(watermarks).get('items-log')).toBe(15n)
    const base = itemRows(1, 5)
    expect(await fx.rows('Items')).toEqual([
      { id: 1n, body: 'one v2' },
      base[2],
      base[3],
      base[4],
      { id: 6n, body: 'six v2' },
    ])

    // The next night sees the whole log again plus new entries; only lsn > 15 is taken.
    const second = await night([...log, { id: 3n, body: 'three v2', op: 'update', lsn: 16n }], 'log-2')
    expect(second.stats).toMatchObject({ entries: 7, taken: 1, upserts: 1, deletes: 0 })
    expect(second.watermark).toEqual({ from: 15n, to: 16n })
    expect((await fx.rows('Items')).find((r) => r.id === 3n)).toEqual({ id: 3n, body: 'three v2' })
  })
})

describe('Parquet batch loader', () => {
  it('upserts every file of a glob, re-chunked under the limit, streaming', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 100) })
    const dir = join(fx.dir, 'exports')
    await mkdir(dir)
    const parts = [itemRows(50, 1500, 'a'), itemRows(1550, 1500, 'b')]
    for (const [i, rows] of parts.entries()) {
      const files = await writeChangeFiles(items.as('x'), rows, { dir })
      await rename(files.files[0]!.path, join(dir, `items-${i}.parquet`))
    }
    const report = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Items' },
      files: join(dir, 'items-*.parquet'),
      mode: 'upsert',
      keys: ['id'],
      target: items,
      maxSizeInMb: 1,
    })
    expect(report.requests.length).toBeGreaterThan(1)
    const expected = new Map(itemRows(1, 100).map((r) => [r.id, r]))
    for (const r of parts.flat()) expected.set(r.id, r)
    expect(await fx.rows('Items')).toEqual(sorted([...expected.values()]))
  })

  it('names a pattern that matches nothing', async () => {
    await expect(
      loadParquetFiles({
        client: fx.client,
        datasource: { name: 'Items' },
        files: join(fx.dir, 'none-*.parquet'),
        mode: 'insert',
      }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('none-*.parquet') })
  })
})

describe('nightly CDC reruns', () => {
  it('a failed push leaves the watermark where it was, and the rerun pushes the same changes', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 3) })
    const watermarks = join(fx.dir, 'watermarks.json')
    const log = [
      { id: 1n, body: 'one v2', op: 'update', lsn: 5n },
      { id: 4n, body: 'four', op: 'insert', lsn: 6n },
      { id: 2n, body: 'x', op: 'delete', lsn: 7n },
    ]
    const night = (runId: string) =>
      runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Items' },
        table: items,
        keys: ['id'],
        name: 'items-log',
        runId,
        watermarks,
        source: { changeLog: log, orderColumn: 'lsn' },
        dir: fx.dir,
      })
    fx.emu.faults.failJobs({ times: 1 })
    await expect(night('fail-1')).rejects.toMatchObject({ code: 'PUSH_FAILED' })
    expect(await new WatermarkStore(watermarks).get('items-log')).toBeUndefined()
    const rerun = await night('fail-1-rerun')
    expect(rerun.push.outcome).toBe('succeeded')
    expect(rerun.stats).toMatchObject({ upserts: 2, deletes: 1 })
    expect(rerun.watermark).toEqual({ from: undefined, to: 7n })
    expect(await new WatermarkStore(watermarks).get('items-log')).toBe(7n)
    expect(await fx.rows('Items')).toEqual([{ id: 1n, body: 'one v2' }, itemRows(1, 3)[2], { id: 4n, body: 'four' }])
  })
})
