import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, parquetOf, type Signed, signIn, start, tempDir, upload, waitJob } from './helpers.js'

const B = 'hd-ds-boundary'
let dir: Awaited<ReturnType<typeof tempDir>>
let emu: Emulator
let s: Signed

beforeAll(async () => {
  dir = await tempDir()
  emu = await start({ dataDir: join(dir.path, 'data') })
  s = await signIn(emu)
})
afterAll(async () => {
  await emu.close()
  await dir.remove()
})

/** A publish body: request_payload (XML) and, when given, the file part. */
function publishBody(meta: string, file?: { name: string; bytes: Buffer }): Buffer {
  const head = `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n${meta}\r\n`
  if (!file) return Buffer.from(`${head}--${B}--\r\n`)
  return Buffer.concat([
    Buffer.from(
      `${head}--${B}\r\nContent-Disposition: name="tableau_datasource"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${B}--\r\n`),
  ])
}

const publish = (query: string, body: Buffer, json = false) =>
  call(`${s.base}/datasources${query}`, {
    method: 'POST',
    headers: {
      ...s.auth,
      'content-type': `multipart/mixed; boundary=${B}`,
      ...(json && { accept: 'application/json' }),
    },
    body,
  })

const meta = (name: string, extra = '') => `<tsRequest><datasource name="${name}" ${extra}/></tsRequest>`
const parquet = async (name: string, select: string) => readFile(await parquetOf(dir.path, name, select))
const count = async (alias: string) =>
  (await emu.query(`SELECT count(*) AS n FROM "${alias}"."Extract"."Extract"`))[0]!['n']

describe('publish: create, overwrite, append', () => {
  it('overwrite replaces the table and keeps the id; append adds rows; a schema mismatch is 400011 naming the column', async () => {
    const first = await publish(
      '',
      publishBody(meta('Sales', 'description="day 0"'), {
        name: 's.parquet',
        bytes: await parquet('a', "SELECT range AS id, 'x' AS v FROM range(3)"),
      }),
    )
    expect(first.status).toBe(201)
    const id = first.xml.tsResponse.datasource['@id']
    expect(first.xml.tsResponse.datasource['@description']).toBe('day 0')
    const over = await publish(
      '?overwrite=true',
      publishBody(meta('Sales'), {
        name: 's.parquet',
        bytes: await parquet('b', "SELECT range AS id, 'y' AS v FROM range(10, 15)"),
      }),
    )
    expect([over.status, over.xml.tsResponse.datasource['@id']]).toEqual([201, id])
    expect(await emu.query('SELECT min(id) AS lo, count(*) AS n FROM "Sales"."Extract"."Extract"')).toEqual([
      { lo: 10n, n: 5n },
    ])
    const app = await publish(
      '?append=true',
      publishBody(meta('Sales'), { name: 's.parquet', bytes: await parquet('c', "SELECT 99::BIGINT AS id, 'z' AS v") }),
    )
    expect(app.status).toBe(201)
    expect(await count('Sales')).toBe(6n)
    const bad = await publish(
      '?append=true',
      publishBody(meta('Sales'), { name: 's.parquet', bytes: await parquet('d', "SELECT '1' AS id, 'z' AS v") }),
      true,
    )
    expect([bad.status, bad.json.error.code]).toEqual([400, '400011'])
    expect(bad.json.error.detail).toContain('"id"')
    expect(await count('Sales')).toBe(6n)
    const noTarget = await publish(
      '?append=true',
      publishBody(meta('Nope'), { name: 'n.parquet', bytes: await parquet('e', 'SELECT 1 AS id') }),
      true,
    )
    expect([noTarget.status, noTarget.json.error.code]).toEqual([404, '404004'])
    const both = await publish('?append=true&overwrite=true', publishBody(meta('Sales')), true)
    expect(both.json.error.code).toBe('400055')
    const badFlag = await publish('?overwrite=maybe', publishBody(meta('Sales')), true)
    expect(badFlag.json.error.code).toBe('400008')
  })

  it('a failed overwrite (not Parquet inside) leaves the old table', async () => {
    await publish(
      '',
      publishBody(meta('Keep'), { name: 'k.parquet', bytes: await parquet('k', 'SELECT range AS id FROM range(4)') }),
    )
    const r = await publish(
      '?overwrite=true',
      publishBody(meta('Keep'), { name: 'k.parquet', bytes: Buffer.from('not parquet') }),
      true,
    )
    expect([r.status, r.json.error.code]).toEqual([400, '400011'])
    expect(await count('Keep')).toBe(4n)
  })

  it('stores other file types opaque and downloads them byte-identical; bad extension 400010; no file 400000', async () => {
    const bytes = randomBytes(200_000)
    const r = await publish('', publishBody(meta('Packaged'), { name: 'Sales.TDSX', bytes }))
    expect(r.status).toBe(201)
    const id = r.xml.tsResponse.datasource['@id']
    const got = await fetch(`${s.base}/datasources/${id}/content?includeExtract=False`, { headers: s.auth })
    expect(got.status).toBe(200)
    expect(got.headers.get('content-disposition')).toBe('name="tableau_datasource"; filename="Sales.TDSX"')
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true)
    const badExt = await publish('', publishBody(meta('X'), { name: 'x.csv', bytes }), true)
    expect(badExt.json.error.code).toBe('400010')
    const none = await publish('', publishBody(meta('X')), true)
    expect([none.status, none.json.error.code]).toEqual([400, '400000'])
  })

  it('asJob=true answers 202 with a PublishDatasource job that finishes; upload-session commit of a .hyper file', async () => {
    const r = await publish(
      '?asJob=true',
      publishBody(meta('Async'), { name: 'a.parquet', bytes: await parquet('j', 'SELECT 1 AS id') }),
    )
    expect(r.status).toBe(202)
    expect(r.xml.tsResponse.job['@type']).toBe('PublishDatasource')
    expect((await waitJob(s, r.xml.tsResponse.job['@id'])).finishCode).toBe('0')
    const hyper = Buffer.concat([Buffer.from('Hyper'), randomBytes(5000)])
    const sid = await upload(s, hyper, 3)
    const c = await publish(`?uploadSessionId=${sid}&datasourceType=hyper`, publishBody(meta('H')))
    expect(c.status).toBe(201)
    const dl = await fetch(`${s.base}/datasources/${c.xml.tsResponse.datasource['@id']}/content`, { headers: s.auth })
    expect(Buffer.from(await dl.arrayBuffer()).equals(hyper)).toBe(true)
  })
})

describe('metadata, connections, tags, refresh, revisions, keychain, delete', () => {
  let id: string
  beforeAll(async () => {
    const r = await publish(
      '',
      publishBody(
        `<tsRequest><datasource name="Meta"><connectionCredentials name="svc" password="pw" embed="true"/></datasource></tsRequest>`,
        { name: 'm.parquet', bytes: await parquet('m', 'SELECT range AS id FROM range(2)') },
      ),
    )
    id = r.xml.tsResponse.datasource['@id']
  })
  const put = (path: string, body: string, json = false) =>
    call(`${s.base}/datasources/${id}${path}`, {
      method: 'PUT',
      headers: {
        ...s.auth,
        'content-type': body.startsWith('{') ? 'application/json' : 'text/xml',
        accept: json ? 'application/json' : 'application/xml',
      },
      body,
    })

  it('Update Data Source changes name, certification, description (XML and JSON); 409015, 404005, 404002', async () => {
    const r = await put(
      '',
      '<tsRequest><datasource name="Meta2" isCertified="true" certificationNote="ok" description="d"/></tsRequest>',
    )
    expect(r.status).toBe(200)
    expect(r.xml.tsResponse.datasource).toMatchObject({
      '@name': 'Meta2',
      '@isCertified': 'true',
      '@certificationNote': 'ok',
      '@description': 'd',
    })
    const j = await put('', JSON.stringify({ datasource: { encryptExtracts: 'true' } }), true)
    expect(j.json.datasource.encryptExtracts).toBe('true')
    expect((await put('', '<tsRequest><datasource name="sales"/></tsRequest>', true)).json.error.code).toBe('409015')
    expect(
      (await put('', '<tsRequest><datasource><project id="nope"/></datasource></tsRequest>', true)).json.error.code,
    ).toBe('404005')
    expect(
      (await put('', '<tsRequest><datasource><owner id="nope"/></datasource></tsRequest>', true)).json.error.code,
    ).toBe('404002')
    const back = await call(`${s.base}/datasources/${id}`, { headers: { ...s.auth, accept: 'application/json' } })
    expect(back.json.datasource).toMatchObject({
      name: 'Meta2',
      isCertified: 'true',
      encryptExtracts: 'true',
      certificationNote: 'ok',
    })
  })

  it('Update Data Source Connection persists the settings (never a password); publish credentials show as userName', async () => {
    const conns = await call(`${s.base}/datasources/${id}/connections`, { headers: s.auth })
    const cid = conns.xml.tsResponse.connections.connection['@id']
    expect(conns.xml.tsResponse.connections.connection['@userName']).toBe('svc')
    const r = await put(
      `/connections/${cid}`,
      '<tsRequest><connection serverAddress="db.local" serverPort="5432" userName="etl" password="secret" embedPassword="true" queryTaggingEnabled="false"/></tsRequest>',
    )
    expect(r.status).toBe(200)
    expect(r.xml.tsResponse.connection).toMatchObject({
      '@serverAddress': 'db.local',
      '@serverPort': '5432',
      '@userName': 'etl',
    })
    expect(r.text).not.toContain('secret')
    expect((await put('/connections/nope', '<tsRequest><connection/></tsRequest>', true)).json.error.code).toBe(
      '404020',
    )
  })

  it('tags: add returns every tag once; delete 204 then 404007', async () => {
    const a = await put('/tags', '<tsRequest><tags><tag label="GDP"/><tag label="Health"/></tags></tsRequest>')
    const b = await put('/tags', JSON.stringify({ tags: { tag: [{ label: 'GDP' }, { label: 'Spending' }] } }), true)
    expect(a.status).toBe(200)
    expect(b.json.tags.tag.map((t: { label: string }) => t.label)).toEqual(['GDP', 'Health', 'Spending'])
    const del = await call(`${s.base}/datasources/${id}/tags/Health`, { method: 'DELETE', headers: s.auth })
    expect(del.status).toBe(204)
    const again = await call(`${s.base}/datasources/${id}/tags/Health`, {
      method: 'DELETE',
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(again.json.error.code).toBe('404007')
    const q = await call(`${s.base}/datasources?filter=tags:eq:Spending&fields=id,name`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(q.json.datasources.datasource).toEqual([{ id, name: 'Meta2' }])
  })

  it('refresh: 202 RefreshExtract job with extractRefreshJob; a second while queued → 409093', async () => {
    const r = await call(`${s.base}/datasources/${id}/refresh`, {
      method: 'POST',
      headers: s.auth,
      body: '<tsRequest></tsRequest>',
    })
    expect(r.status).toBe(202)
    expect(r.xml.tsResponse.job['@type']).toBe('RefreshExtract')
    expect(r.xml.tsResponse.job.extractRefreshJob.datasource['@id']).toBe(id)
    const twice = await call(`${s.base}/datasources/${id}/refresh`, {
      method: 'POST',
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(twice.json.error.code).toBe('409093')
    expect((await waitJob(s, r.xml.tsResponse.job['@id'])).finishCode).toBe('0')
  })

  it('revisions: one per publish, paged; download an old one; remove it (then 404024); the current one → 403055', async () => {
    const first = await parquet('r1', 'SELECT 1 AS id')
    await publish('', publishBody(meta('Rev'), { name: 'r.parquet', bytes: first }))
    const r2 = await publish(
      '?overwrite=true',
      publishBody(meta('Rev'), { name: 'r.parquet', bytes: await parquet('r2', 'SELECT 2 AS id') }),
    )
    const rid = r2.xml.tsResponse.datasource['@id']
    const list = await call(`${s.base}/datasources/${rid}/revisions?pageSize=1&pageNumber=2`, { headers: s.auth })
    expect(list.xml.tsResponse.pagination).toMatchObject({ '@totalAvailable': '2', '@pageSize': '1' })
    expect(list.xml.tsResponse.revisions.revision).toMatchObject({ '@revisionNumber': '2', '@current': 'true' })
    const old = await fetch(`${s.base}/datasources/${rid}/revisions/1/content`, { headers: s.auth })
    expect(Buffer.from(await old.arrayBuffer()).equals(first)).toBe(true)
    const head = await call(`${s.base}/datasources/${rid}/revisions/2`, {
      method: 'DELETE',
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(head.json.error.code).toBe('403055')
    expect((await call(`${s.base}/datasources/${rid}/revisions/1`, { method: 'DELETE', headers: s.auth })).status).toBe(
      204,
    )
    const gone = await call(`${s.base}/datasources/${rid}/revisions/1/content`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(gone.json.error.code).toBe('404024')
    const bad = await call(`${s.base}/datasources/${rid}/revisions?pageSize=1001`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(bad.json.error.code).toBe('403014')
  })

  it('keychain: retrieve needs the destination (400000); apply stores what retrieve then returns', async () => {
    const dest =
      '<tsRequest><destinationSiteUrlNamespace>site1</destinationSiteUrlNamespace><destinationSiteLuid>d5</destinationSiteLuid><destinationServerUrl>http://example.com</destinationServerUrl></tsRequest>'
    const r = await call(`${s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/xml' },
      body: dest,
    })
    expect(r.status).toBe(200)
    expect(typeof r.xml.tsResponse.encryptedKeychainList.encryptedKeychain).toBe('string')
    const missing = await call(`${s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...s.auth, accept: 'application/json' },
      body: '<tsRequest/>',
    })
    expect(missing.json.error.code).toBe('400000')
    const apply = await put(
      '/applykeychain',
      JSON.stringify({ associatedUserLuidMapping: [], encryptedKeychainList: { encryptedKeychain: ['k1', 'k2'] } }),
      true,
    )
    expect([apply.status, apply.text]).toEqual([200, ''])
    const back = await call(`${s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ destinationSiteUrlNamespace: 'a', destinationSiteLuid: 'b', destinationServerUrl: 'c' }),
    })
    expect(back.json.encryptedKeychainList.encryptedKeychain).toEqual(['k1', 'k2'])
  })

  it('everything persists across a restart; delete → 204, then 404004', async () => {
    await emu.close()
    emu = await start({ dataDir: join(dir.path, 'data') })
    s = await signIn(emu)
    const back = await call(`${s.base}/datasources/${id}`, { headers: { ...s.auth, accept: 'application/json' } })
    expect(back.json.datasource).toMatchObject({
      name: 'Meta2',
      isCertified: 'true',
      tags: { tag: [{ label: 'GDP' }, { label: 'Spending' }] },
    })
    expect(await count('Meta')).toBe(2n)
    const dest = JSON.stringify({
      destinationSiteUrlNamespace: 'a',
      destinationSiteLuid: 'b',
      destinationServerUrl: 'c',
    })
    const kc = await call(`${s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/json', accept: 'application/json' },
      body: dest,
    })
    expect(kc.json.encryptedKeychainList.encryptedKeychain).toEqual(['k1', 'k2'])
    const conns = await call(`${s.base}/datasources/${id}/connections`, { headers: s.auth })
    expect(conns.xml.tsResponse.connections.connection['@serverAddress']).toBe('db.local')
    expect((await call(`${s.base}/datasources/${id}`, { method: 'DELETE', headers: s.auth })).status).toBe(204)
    const gone = await call(`${s.base}/datasources/${id}`, { headers: { ...s.auth, accept: 'application/json' } })
    expect(gone.json.error.code).toBe('404004')
  })
})

describe('Query Data Sources: filter, sort, fields, paging', () => {
  it('sorts by name desc, filters with in:[…] and projectName, pages', async () => {
    const r = await call(`${s.base}/datasources?sort=name:desc&filter=name:in:[Sales,Keep,Rev]&pageSize=2`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(r.json.pagination).toEqual({ pageNumber: '1', pageSize: '2', totalAvailable: '3' })
    expect(r.json.datasources.datasource.map((d: { name: string }) => d.name)).toEqual(['Sales', 'Rev'])
    const bad = await call(`${s.base}/datasources?filter=color:eq:red`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(bad.json.error.code).toBe('400000')
  })
})
