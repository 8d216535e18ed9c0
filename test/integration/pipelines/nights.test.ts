import { copyFile, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadParquetFiles, runNightlyCdc } from '../../../pipelines/index.js'
import { writeChangeFiles } from '../../../src/index.js'
import { stateDirLayout } from '../../../src/plan/state-dir.js'
import { type Fixture, type Item, itemRows, items, startFixture } from '../plan/emulator-fixture.js'

// Nights through the pipelines against the emulator (which, like Tableau, ignores a repeated RequestID): run
// identity comes from the inputs, never the date, so several nights on one day all land and a rerun lands none.

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

/** A Parquet snapshot file at `path`. */
async function snapshot(path: string, rows: Item[]): Promise<string> {
  const files = await writeChangeFiles(items, rows, { dir: fx.dir })
  await mkdir(join(path, '..'), { recursive: true })
  await copyFile(files.files[0]!.path, path)
  await files.dispose()
  return path
}

const base = itemRows(1, 20)
const withBody = (body: string) => base.map((r) => (r.id === 5n ? { ...r, body } : r))
const cdc = (previous: string, current: string, extra: Record<string, unknown> = {}) =>
  runNightlyCdc({
    client: fx.client,
    datasource: { name: 'Items' },
    table: items,
    keys: ['id'],
    name: 'items',
    source: { snapshots: { previous, current } },
    ...extra,
  })

describe('CDC nights on one day', () => {
  it('three snapshot nights where a value flips back all land (no state); a rerun of a night applies nothing', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: withBody('a') })
    const s = [
      await snapshot(join(fx.dir, 'snap', 'n0.parquet'), withBody('a')),
      await snapshot(join(fx.dir, 'snap', 'n1.parquet'), withBody('b')),
      await snapshot(join(fx.dir, 'snap', 'n2.parquet'), withBody('a')),
      await snapshot(join(fx.dir, 'snap', 'n3.parquet'), withBody('b')),
    ]
    const runIds: string[] = []
    let night3Jobs: Array<string | undefined> = []
    for (let n = 1; n <= 3; n++) {
      const report = await cdc(s[n - 1]!, s[n]!)
      night3Jobs = report.push.requests.map((r) => r.jobId)
      expect(report.push.requests.map((r) => r.outcome)).toContain('applied')
      expect((await fx.rows('Items')).find((r) => r.id === 5n)?.body).toBe(n % 2 ? 'b' : 'a')
      runIds.push(report.runId)
    }
    expect(new Set(runIds).size).toBe(3)
    expect(runIds.every((id) => id.startsWith('items-'))).toBe(true)
    // Night 3 again: the same pair, the same run, nothing applied again.
    const rerun = await cdc(s[2]!, s[3]!)
    expect(rerun.runId).toBe(runIds[2])
    expect(rerun.push.requests.map((r) => r.jobId)).toEqual(night3Jobs)
    expect(rerun.push.requests.length).toBeGreaterThan(0)
  })

  it('with a state dir, the same two file names rewritten every night still land every night', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: withBody('a') })
    const stateDir = join(fx.dir, 'state', 'items')
    const previous = join(fx.dir, 'in', 'previous.parquet')
    const current = join(fx.dir, 'in', 'current.parquet')
    for (const [n, [from, to]] of [
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
    ].entries()) {
      await snapshot(previous, withBody(from!))
      await snapshot(current, withBody(to!))
      const report = await cdc(previous, current, { stateDir })
      expect(report.push.outcome, `night ${n + 1}`).toBe('succeeded')
      expect((await fx.rows('Items')).find((r) => r.id === 5n)?.body).toBe(to)
    }
    const layout = stateDirLayout(stateDir)
    expect(await readdir(layout.history)).toHaveLength(2)
    expect(await readdir(layout.tmp)).toEqual([])
  })

  it('change-log mode keeps its watermark in the state dir', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 3) })
    const stateDir = join(fx.dir, 'state', 'log')
    const night = (entries: Array<Item & { op: string; lsn: bigint }>) =>
      runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Items' },
        table: items,
        keys: ['id'],
        name: 'items-log',
        stateDir,
        source: { changeLog: entries, orderColumn: 'lsn' },
      })
    const first = await night([{ id: 1n, body: 'one', op: 'update', lsn: 10n }])
    expect(first.watermark?.to).toBe(10n)
    const second = await night([
      { id: 1n, body: 'one', op: 'update', lsn: 10n },
      { id: 2n, body: 'two', op: 'update', lsn: 11n },
    ])
    expect(second.watermark).toEqual({ from: 10n, to: 11n })
    expect(second.stats.upserts).toBe(1)
    expect((await readdir(stateDir)).sort()).toEqual(['history', 'journal.json', 'tmp', 'watermarks.json'])
  })
})

describe('loader reruns', () => {
  it('an insert load rerun without any state is applied once (no doubled rows)', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    const dir = join(fx.dir, 'exports')
    await snapshot(join(dir, 'items-1.parquet'), itemRows(1, 50))
    const load = () =>
      loadParquetFiles({ client: fx.client, datasource: { name: 'Items' }, files: dir, mode: 'insert', target: items })
    const first = await load()
    const again = await load()
    expect(again.runId).toBe(first.runId)
    // The server answers the repeated RequestID with the first job (reported already-applied once a whole
    // second separates the two: its stamps are cut to the second); nothing is applied twice.
    expect(again.requests.map((r) => r.jobId)).toEqual(first.requests.map((r) => r.jobId))
    expect(await fx.rows('Items')).toHaveLength(50)
    await rm(dir, { recursive: true })
  })
})
