import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { type DatasourceDetails, isHyperdeltaError, TableauClient, type TransferProgress } from '../../../src/index.js'

// client.datasources against the real emulator over loopback HTTP: one test per method, state read back with
// the client and with DuckDB.
let dir: string
let emu: Emulator
let client: TableauClient
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 } }

async function parquet(name: string, sql: string): Promise<string> {
  const file = join(dir, `${name}.parquet`)
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`)
  connection.closeSync()
  instance.closeSync()
  return file
}
const rows = async (alias: string) =>
  (await emu.query(`SELECT count(*) AS n FROM "${alias}"."Extract"."Extract"`))[0]!['n']
async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
    return undefined
  } catch (e) {
    return isHyperdeltaError(e) ? e.code : String(e)
  }
}

let sales: DatasourceDetails
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-client-ds-'))
  emu = await startEmulator({ dataDir: join(dir, 'emu'), jobDelayMs: 5, users: [{ name: 'admin', password: 'pw' }] })
  client = await TableauClient.signIn({
    server: emu.url,
    auth: { password: { username: 'admin', password: 'pw' } },
    ...noWait,
  })
  sales = await client.datasources.publish({
    name: 'Sales',
    file: await parquet('day0', "SELECT range AS id, 'a' AS v FROM range(100)"),
    description: 'day 0',
    credentials: { name: 'svc', password: 'pw-secret', embed: true },
  })
})
afterAll(async () => {
  await client.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe('client.datasources against the emulator', () => {
  it('publish: create (single request), overwrite (atomic), append; NAME_CONFLICT and OPERATION_FAILED typed', async () => {
    expect(sales).toMatchObject({ name: 'Sales', description: 'day 0', tags: [] })
    expect(await rows('Sales')).toBe(100n)
    expect(await code(client.datasources.publish({ name: 'Sales', file: join(dir, 'day0.parquet') }))).toBe(
      'NAME_CONFLICT',
    )
    const over = await client.datasources.publish({
      name: 'Sales',
      file: await parquet('day1', "SELECT range AS id, 'b' AS v FROM range(40)"),
      mode: 'overwrite',
    })
    expect(over.id).toBe(sales.id)
    expect(await rows('Sales')).toBe(40n)
    await client.datasources.publish({
      name: 'Sales',
      file: await parquet('more', "SELECT 1000::BIGINT AS id, 'c' AS v"),
      mode: 'append',
    })
    expect(await rows('Sales')).toBe(41n)
    const bad = parquet('bad', "SELECT 'x' AS id, 'c' AS v")
    expect(await code(client.datasources.publish({ name: 'Sales', file: await bad, mode: 'append' }))).toBe(
      'OPERATION_FAILED',
    )
    expect(await rows('Sales')).toBe(41n)
  })

  it('publish through an upload session (forced) with progress; asJob returns a job the waiter finishes', async () => {
    const progress: TransferProgress[] = []
    const file = await parquet('session', 'SELECT range AS id, md5(range::VARCHAR) AS v FROM range(20000)')
    const ds = await client.datasources.publish({
      name: 'Chunked',
      file,
      uploadSession: true,
      partSizeBytes: 64 * 1024,
      onProgress: (p) => progress.push(p),
    })
    expect(ds.name).toBe('Chunked')
    expect(await rows('Chunked')).toBe(20000n)
    expect(progress.length).toBeGreaterThan(3)
    expect(progress.at(-1)).toMatchObject({ phase: 'upload', bytes: progress.at(-1)!.totalBytes })
    const job = await client.datasources.publish({ name: 'AsJob', file, asJob: true })
    expect(job.type).toBe('PublishDatasource')
    expect((await client.waitForJob(job.id)).finishCode).toBe(0)
  })

  it('publishes a .tdsx opaque and downloads it byte-identical, streamed, into a directory with progress', async () => {
    const bytes = randomBytes(300_000)
    const file = join(dir, 'Packaged.tdsx')
    await writeFile(file, bytes)
    const ds = await client.datasources.publish({ name: 'Packaged', file })
    const out = join(dir, 'downloads')
    await mkdir(out, { recursive: true })
    const seen: number[] = []
    const got = await client.datasources.download(ds.id, {
      to: out,
      includeExtract: false,
      onProgress: (p) => seen.push(p.bytes),
    })
    expect(got).toMatchObject({ path: join(out, 'Packaged.tdsx'), filename: 'Packaged.tdsx', bytes: bytes.length })
    expect((await readFile(got.path)).equals(bytes)).toBe(true)
    expect(seen.at(-1)).toBe(bytes.length)
    expect(await code(client.datasources.download('nope', { to: out }))).toBe('DATASOURCE_NOT_FOUND')
  })

  it('query / queryAll with filter, sort, fields and paging; get; connections', async () => {
    const page = await client.datasources.query({ sort: [{ field: 'name', direction: 'desc' }], pageSize: 2 })
    expect(page.totalAvailable).toBe(4)
    expect(page.items.map((d) => d.name)).toEqual(['Sales', 'Packaged'])
    const all: string[] = []
    for await (const d of client.datasources.queryAll({ pageSize: 1, sort: [{ field: 'name' }] })) all.push(d.name)
    expect(all).toEqual(['AsJob', 'Chunked', 'Packaged', 'Sales'])
    const filtered = await client.datasources.query({
      filter: [{ field: 'name', operator: 'in', value: ['Sales', 'Chunked'] }],
      fields: ['name'],
    })
    expect(filtered.items.map((d) => d.name).sort()).toEqual(['Chunked', 'Sales'])
    expect(await client.datasources.get(sales.id)).toMatchObject({ id: sales.id, name: 'Sales', isCertified: false })
    const [conn] = await client.datasources.connections(sales.id)
    expect(conn).toMatchObject({ userName: 'svc', embedPassword: true })
  })

  it('update and updateConnection persist; typed conflicts', async () => {
    const updated = await client.datasources.update(sales.id, {
      isCertified: true,
      certificationNote: 'ok',
      description: 'daily',
    })
    expect(updated).toMatchObject({ isCertified: true, certificationNote: 'ok', description: 'daily' })
    expect(await client.datasources.get(sales.id)).toMatchObject({ isCertified: true, description: 'daily' })
    expect(await code(client.datasources.update(sales.id, { name: 'chunked' }))).toBe('NAME_CONFLICT')
    expect(await code(client.datasources.update(sales.id, { projectId: 'nope' }))).toBe('PROJECT_NOT_FOUND')
    const [conn] = await client.datasources.connections(sales.id)
    const c = await client.datasources.updateConnection(sales.id, conn!.id, {
      serverAddress: 'db.local',
      serverPort: 5432,
      userName: 'etl',
      password: 'rotated',
      embedPassword: true,
    })
    expect(c).toMatchObject({ serverAddress: 'db.local', serverPort: '5432', userName: 'etl' })
    expect((await client.datasources.connections(sales.id))[0]).toMatchObject({ serverAddress: 'db.local' })
    expect(await code(client.datasources.updateConnection(sales.id, 'nope', {}))).toBe('CONNECTION_NOT_FOUND')
  })

  it('refresh → a RefreshExtract job the waiter finishes; a second queued refresh is REFRESH_ALREADY_QUEUED', async () => {
    // Held queued, so the second refresh meets it whatever the machine's speed.
    emu.faults.slowJobs({ extraDelayMs: 1500, times: 1 })
    const job = await client.datasources.refresh(sales.id)
    expect(job.type).toBe('RefreshExtract')
    expect(await code(client.datasources.refresh(sales.id))).toBe('REFRESH_ALREADY_QUEUED')
    expect((await client.waitForJob(job.id)).finishCode).toBe(0)
  })

  it('tags: add returns all, delete one, TAG_NOT_FOUND after', async () => {
    expect(await client.datasources.addTags(sales.id, ['nightly', 'gdp'])).toEqual(['nightly', 'gdp'])
    await client.datasources.deleteTag(sales.id, 'gdp')
    expect((await client.datasources.get(sales.id)).tags).toEqual(['nightly'])
    expect(await code(client.datasources.deleteTag(sales.id, 'gdp'))).toBe('TAG_NOT_FOUND')
  })

  it('revisions (paged and all), download an old one, remove it; current is REVISION_IS_CURRENT', async () => {
    const all = []
    for await (const r of client.datasources.allRevisions(sales.id, 1)) all.push(r)
    expect(all.map((r) => [r.revisionNumber, r.current])).toEqual([
      [1, false],
      [2, true],
    ])
    const got = await client.datasources.downloadRevision(sales.id, 1, { to: join(dir, 'rev1.parquet') })
    expect((await readFile(got.path)).equals(await readFile(join(dir, 'day0.parquet')))).toBe(true)
    expect(await code(client.datasources.removeRevision(sales.id, 2))).toBe('REVISION_IS_CURRENT')
    await client.datasources.removeRevision(sales.id, 1)
    expect((await client.datasources.revisions(sales.id)).items[0]).toMatchObject({ revisionNumber: 1, deleted: true })
    expect(await code(client.datasources.downloadRevision(sales.id, 1, { to: join(dir, 'x') }))).toBe(
      'REVISION_NOT_FOUND',
    )
  })

  it('keychain: retrieve from one data source, apply to another, retrieve it back', async () => {
    const destination = { siteUrlNamespace: 'site1', siteLuid: 'd5', serverUrl: 'https://example.com' }
    const kc = await client.datasources.retrieveKeychain(sales.id, destination)
    expect(kc.encryptedKeychains).toHaveLength(1)
    const other = (await client.datasources.query({ filter: [{ field: 'name', operator: 'eq', value: 'Chunked' }] }))
      .items[0]!
    await client.datasources.applyKeychain(other.id, { encryptedKeychains: kc.encryptedKeychains })
    expect((await client.datasources.retrieveKeychain(other.id, destination)).encryptedKeychains).toEqual(
      kc.encryptedKeychains,
    )
  })

  it('delete; then DATASOURCE_NOT_FOUND', async () => {
    const ds = (await client.datasources.query({ filter: [{ field: 'name', operator: 'eq', value: 'AsJob' }] }))
      .items[0]!
    await client.datasources.delete(ds.id)
    expect(await code(client.datasources.get(ds.id))).toBe('DATASOURCE_NOT_FOUND')
    expect(await code(client.datasources.delete(ds.id))).toBe('DATASOURCE_NOT_FOUND')
  })
})
