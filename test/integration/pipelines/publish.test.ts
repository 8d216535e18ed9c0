import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadParquetFiles, runNightlyCdc } from '../../../pipelines/index.js'
import { writeChangeFiles } from '../../../src/index.js'
import { type Fixture, type Item, itemRows, items, startFixture } from '../plan/emulator-fixture.js'

// Pipelines that publish: createIfMissing (loader and nightly CDC) and the loader's atomic replace.
let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

const sorted = (rows: Item[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))

/** Parquet files of `rows` in `dir`, each under `maxBytes`. */
async function files(dir: string, rows: Item[], maxBytes = 1_000_000): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const out = await writeChangeFiles(items, rows, { dir, maxBytes })
  return out.files.map((f) => f.path)
}

describe('pipelines that publish', () => {
  it('loader: a file named .parquet that is not Parquet is PAYLOAD_PARQUET_INPUT naming it; nothing is published', async () => {
    const dir = join(fx.dir, 'bad')
    await files(dir, itemRows(1, 10))
    for (const [name, content] of [
      ['zz-text.parquet', 'id,name\n1,not parquet at all\n'],
      ['zz-empty.parquet', ''],
    ] as const) {
      const bad = join(dir, name)
      await writeFile(bad, content)
      for (const mode of ['insert', 'replace'] as const) {
        const error = await loadParquetFiles({
          client: fx.client,
          datasource: { name: 'Fresh' },
          files: dir,
          mode,
          createIfMissing: true,
        }).catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'PAYLOAD_PARQUET_INPUT', details: { path: bad } })
        expect((error as Error).message).toContain('not a Parquet file')
      }
      await rm(bad)
    }
    expect((await fx.emu.listDatasources()).map((d) => d.name)).not.toContain('Fresh')
  })

  it('loader createIfMissing: a missing data source is published from every file in one request', async () => {
    const rows = itemRows(1, 3000)
    const paths = await files(join(fx.dir, 'load'), rows)
    expect(paths.length).toBeGreaterThan(1)
    const report = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Fresh' },
      files: join(fx.dir, 'load'),
      mode: 'insert',
      createIfMissing: true,
    })
    expect(report).toMatchObject({ outcome: 'succeeded', requests: [], rows: 3000 })
    expect(report.warnings[0]).toContain('did not exist')
    expect(await fx.rows('Fresh')).toEqual(sorted(rows))
    // The next load finds it and inserts through Hyper Update as usual.
    const more = itemRows(5000, 5)
    await files(join(fx.dir, 'more'), more)
    const again = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Fresh' },
      files: join(fx.dir, 'more'),
      mode: 'insert',
      createIfMissing: true,
    })
    expect(again.requests.length).toBe(1)
    expect(await fx.rows('Fresh')).toEqual(sorted([...rows, ...more]))
  })

  it('loader replace of a set larger than one payload is one overwrite publish (no Hyper Update requests)', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 50) })
    const rows = itemRows(100, 4000)
    await files(join(fx.dir, 'big'), rows)
    const report = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Items' },
      files: join(fx.dir, 'big'),
      mode: 'replace',
      maxSizeInMb: 1,
    })
    expect(report.requests).toEqual([])
    expect(report.warnings[0]).toContain('overwrite')
    expect(await fx.rows('Items')).toEqual(sorted(rows))
    const [{ id }] = [await fx.client.findDatasource({ name: 'Items' })]
    expect((await fx.client.datasources.revisions(id)).items.length).toBe(2)
  })

  it('loader replace that fits one payload stays a Hyper Update replace', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 50) })
    const rows = itemRows(100, 20)
    await files(join(fx.dir, 'small'), rows)
    const report = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Items' },
      files: join(fx.dir, 'small'),
      mode: 'replace',
    })
    expect(report.requests.map((r) => r.actions.map((a) => a.action))).toEqual([['replace']])
    expect(await fx.rows('Items')).toEqual(sorted(rows))
  })

  it('nightly CDC createIfMissing publishes the previous snapshot, then applies the night', async () => {
    const day0 = itemRows(1, 200)
    const day1 = [...day0.filter((r) => r.id % 5n !== 0n), ...itemRows(500, 10)]
    const [previous] = await files(join(fx.dir, 'day0'), day0, 50_000_000)
    const report = await runNightlyCdc({
      client: fx.client,
      datasource: { name: 'Nightly' },
      table: items,
      keys: ['id'],
      name: 'nightly',
      source: { snapshots: { previous: previous!, current: day1 } },
      createIfMissing: true,
      dir: fx.dir,
    })
    expect(report.push.outcome).toBe('succeeded')
    expect(await fx.rows('Nightly')).toEqual(sorted(day1))
  })
})
