import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadParquetFiles, runNightlyCdc } from '../../../pipelines/index.js'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { type Capabilities, isHyperdeltaError, TableauClient, writeChangeFiles } from '../../../src/index.js'
import { type Item, itemRows, items, PAT } from '../plan/emulator-fixture.js'

// `fallback: 'publish-overwrite'` against a server that rejects Parquet update payloads (personality
// rejectParquetPayloads): without it the run fails clearly; with it the full state is published with overwrite,
// the report states the cost, and the table read back with DuckDB equals the snapshot / the files.
let emu: Emulator
let client: TableauClient
let dir: string
afterEach(async () => {
  await client?.close()
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

const rejectsParquet: Capabilities = {
  version: 1,
  server: { url: 'https://tableau.example.com', restApiVersion: '3.24' },
  probedAt: '2026-11-27T00:00:00Z',
  facts: { parquetPayload: { outcome: 'rejected', observed: 'job failed' } },
}

async function start(personality: ServerPersonality, capabilities?: Capabilities, project?: string) {
  dir = await mkdtemp(join(tmpdir(), 'hd-fallback-'))
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', pat: PAT }], personality })
  await emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 40), ...(project && { project }) })
  client = await TableauClient.signIn({
    server: emu.url,
    auth: { personalAccessToken: PAT },
    sleep: async () => {},
    ...(capabilities && { capabilities }),
  })
}

/** A Parquet snapshot of `rows` (one or more files) in its own folder. */
async function snapshot(name: string, rows: Item[], maxBytes = 1_000_000): Promise<string[]> {
  const folder = join(dir, name)
  await mkdir(folder, { recursive: true })
  return (await writeChangeFiles(items, rows, { dir: folder, maxBytes })).files.map((f) => f.path)
}

const tableRows = async () =>
  (await emu.query(`SELECT id, body FROM "Items"."Extract"."Extract" ORDER BY id`)) as Item[]
const dsCount = async () =>
  (
    (await emu.query(`SELECT count(*)::INT AS n FROM duckdb_databases() WHERE database_name = 'Items'`)) as {
      n: number
    }[]
  )[0]!.n

// Yesterday ids 1..40; today 11..40 changed in 31..40, 41..60 new, 1..10 gone.
const previousRows = itemRows(1, 40)
const currentRows = [...previousRows.slice(10, 30), ...itemRows(31, 10, 'changed'), ...itemRows(41, 20)]

const cdc = (previous: string[], current: string[], extra: object = {}) =>
  runNightlyCdc({
    client,
    datasource: { name: 'Items' },
    table: items,
    keys: ['id'],
    name: 'items',
    source: { snapshots: { previous, current } },
    ...extra,
  })

describe("fallback: 'publish-overwrite'", () => {
  it('nightly CDC without the fallback: the job fails (no payload accepted); with capabilities: CAPABILITY_REJECTED naming the fallback', async () => {
    await start({ rejectParquetPayloads: true })
    const previous = await snapshot('previous', previousRows)
    const current = await snapshot('current', currentRows)
    const failed = await cdc(previous, current).catch((e: unknown) => e)
    expect(isHyperdeltaError(failed, 'PUSH_FAILED')).toBe(true)
    expect(await tableRows()).toEqual(previousRows)

    await client.close()
    client = await TableauClient.signIn({
      server: emu.url,
      auth: { personalAccessToken: PAT },
      capabilities: rejectsParquet,
    })
    const refused = await cdc(previous, current).catch((e: unknown) => e)
    const cause = isHyperdeltaError(refused, 'PUSH_FAILED') ? refused.cause : refused
    expect(cause).toMatchObject({ code: 'CAPABILITY_REJECTED' })
    expect((cause as Error).message).toContain('publish-overwrite')
  })

  it('nightly CDC with the fallback: the current snapshot is published with overwrite; the report states the cost', async () => {
    await start({ rejectParquetPayloads: true }, rejectsParquet)
    const previous = await snapshot('previous', previousRows)
    // Several files: one publish of one file holding them all.
    const current = await snapshot('current', currentRows, 20_000)
    expect(current.length).toBeGreaterThan(1)
    const report = await cdc(previous, current, { fallback: 'publish-overwrite' })
    expect(report.stats).toMatchObject({ upserts: 30, deletes: 10 })
    expect(report.fallback).toMatchObject({
      mode: 'publish-overwrite',
      publishedRows: 50,
      changeRows: 40,
      replacedWholeDatasource: true,
    })
    expect(report.fallback!.publishedBytes).toBeGreaterThan(0)
    expect(report.fallback!.changeBytes).toBeGreaterThan(0)
    expect(report.push).toMatchObject({ outcome: 'succeeded', requests: [], rows: 50 })
    expect(report.push.warnings[0]).toMatch(
      /published the full state \(50 row\(s\).*replaced the whole data source.*40 change row/,
    )
    const sorted = [...currentRows].sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(await tableRows()).toEqual(sorted)
    expect(await dsCount()).toBe(1)
    const ds = await client.findDatasource({ name: 'Items' })
    expect((await client.datasources.revisions(ds.id)).items.length).toBe(2)
  })

  it('overwrites the data source in its own project (named by project, or by id)', async () => {
    await start({ rejectParquetPayloads: true }, undefined, 'Sales')
    const previous = await snapshot('previous', previousRows)
    const current = await snapshot('current', currentRows)
    const ds = await client.findDatasource({ name: 'Items', project: 'Sales' })
    await runNightlyCdc({
      client,
      datasource: { id: ds.id },
      table: items,
      keys: ['id'],
      name: 'items',
      source: { snapshots: { previous, current } },
      fallback: 'publish-overwrite',
    })
    const again = await client.findDatasource({ name: 'Items', project: 'Sales' })
    expect(again.id).toBe(ds.id)
    expect(await dsCount()).toBe(1)
    expect((await tableRows()).length).toBe(50)
  })

  it('the loader with the fallback: replace publishes the files; insert / upsert are refused; a typo is refused', async () => {
    await start({ rejectParquetPayloads: true }, rejectsParquet)
    const rows = itemRows(500, 25)
    await snapshot('load', rows, 10_000)
    const report = await loadParquetFiles({
      client,
      datasource: { name: 'Items' },
      files: join(dir, 'load'),
      mode: 'replace',
      fallback: 'publish-overwrite',
    })
    expect(report.fallback).toMatchObject({ publishedRows: 25, changeRows: 25, replacedWholeDatasource: true })
    expect(await tableRows()).toEqual(rows)
    for (const mode of ['insert', 'upsert'] as const) {
      await expect(
        loadParquetFiles({
          client,
          datasource: { name: 'Items' },
          files: join(dir, 'load'),
          mode,
          keys: ['id'],
          fallback: 'publish-overwrite',
        }),
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'fallback' } })
    }
    await expect(
      loadParquetFiles({
        client,
        datasource: { name: 'Items' },
        files: join(dir, 'load'),
        mode: 'replace',
        fallback: 'publish' as never,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'fallback' } })
    // Without the fallback, the capabilities refuse the Parquet payload before anything is uploaded.
    const refused = await loadParquetFiles({
      client,
      datasource: { name: 'Items' },
      files: join(dir, 'load'),
      mode: 'insert',
    }).catch((e: unknown) => e)
    const cause = isHyperdeltaError(refused, 'PUSH_FAILED') ? refused.cause : refused
    expect(cause).toMatchObject({ code: 'CAPABILITY_REJECTED' })
  })

  it('nightly CDC from a change log cannot use the fallback (no full state): CONFIG_INVALID before any work', async () => {
    await start({})
    await expect(
      runNightlyCdc({
        client,
        datasource: { name: 'Items' },
        table: items,
        keys: ['id'],
        name: 'items',
        source: { changeLog: [{ id: 1n, body: 'x', seq: 1n }], orderColumn: 'seq' },
        fallback: 'publish-overwrite',
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'fallback' } })
  })
})
