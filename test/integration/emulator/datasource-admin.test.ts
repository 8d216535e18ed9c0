import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatasourceFixture, datasourceFixture, meta, publishBody } from './datasource-fixture.js'
import { call, waitJob } from './helpers.js'

let fx: DatasourceFixture
beforeAll(async () => {
  fx = await datasourceFixture()
})
afterAll(async () => {
  await fx.close()
})
const publish = (query: string, body: Buffer, json = false) => fx.publish(query, body, json)
const parquet = (name: string, select: string) => fx.parquet(name, select)
const count = (alias: string) => fx.count(alias)

// Update, connections, tags, refresh, revisions, keychains, delete, restart.
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
    call(`${fx.s.base}/datasources/${id}${path}`, {
      method: 'PUT',
      headers: {
        ...fx.s.auth,
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
    await publish('', publishBody(meta('Taken'), { name: 't.parquet', bytes: await parquet('t', 'SELECT 1 AS id') }))
    expect((await put('', '<tsRequest><datasource name="taken"/></tsRequest>', true)).json.error.code).toBe('409015')
    expect(
      (await put('', '<tsRequest><datasource><project id="nope"/></datasource></tsRequest>', true)).json.error.code,
    ).toBe('404005')
    expect(
      (await put('', '<tsRequest><datasource><owner id="nope"/></datasource></tsRequest>', true)).json.error.code,
    ).toBe('404002')
    const back = await call(`${fx.s.base}/datasources/${id}`, { headers: { ...fx.s.auth, accept: 'application/json' } })
    expect(back.json.datasource).toMatchObject({
      name: 'Meta2',
      isCertified: 'true',
      encryptExtracts: 'true',
      certificationNote: 'ok',
    })
  })

  it('Update Data Source Connection persists the settings (never a password); publish credentials show as userName', async () => {
    const conns = await call(`${fx.s.base}/datasources/${id}/connections`, { headers: fx.s.auth })
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
    const del = await call(`${fx.s.base}/datasources/${id}/tags/Health`, { method: 'DELETE', headers: fx.s.auth })
    expect(del.status).toBe(204)
    const again = await call(`${fx.s.base}/datasources/${id}/tags/Health`, {
      method: 'DELETE',
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(again.json.error.code).toBe('404007')
    const q = await call(`${fx.s.base}/datasources?filter=tags:eq:Spending&fields=id,name`, {
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(q.json.datasources.datasource).toEqual([{ id, name: 'Meta2' }])
  })

  it('refresh: 202 RefreshExtract job with extractRefreshJob; a second while queued → 409093', async () => {
    const r = await call(`${fx.s.base}/datasources/${id}/refresh`, {
      method: 'POST',
      headers: fx.s.auth,
      body: '<tsRequest></tsRequest>',
    })
    expect(r.status).toBe(202)
    expect(r.xml.tsResponse.job['@type']).toBe('RefreshExtract')
    expect(r.xml.tsResponse.job.extractRefreshJob.datasource['@id']).toBe(id)
    const twice = await call(`${fx.s.base}/datasources/${id}/refresh`, {
      method: 'POST',
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(twice.json.error.code).toBe('409093')
    expect((await waitJob(fx.s, r.xml.tsResponse.job['@id'])).finishCode).toBe('0')
  })

  it('revisions: one per publish, paged; download an old one; remove it (then 404024); the current one → 403055', async () => {
    const first = await parquet('r1', 'SELECT 1 AS id')
    await publish('', publishBody(meta('Rev'), { name: 'r.parquet', bytes: first }))
    const r2 = await publish(
      '?overwrite=true',
      publishBody(meta('Rev'), { name: 'r.parquet', bytes: await parquet('r2', 'SELECT 2 AS id') }),
    )
    const rid = r2.xml.tsResponse.datasource['@id']
    const list = await call(`${fx.s.base}/datasources/${rid}/revisions?pageSize=1&pageNumber=2`, { headers: fx.s.auth })
    expect(list.xml.tsResponse.pagination).toMatchObject({ '@totalAvailable': '2', '@pageSize': '1' })
    expect(list.xml.tsResponse.revisions.revision).toMatchObject({ '@revisionNumber': '2', '@current': 'true' })
    const old = await fetch(`${fx.s.base}/datasources/${rid}/revisions/1/content`, { headers: fx.s.auth })
    expect(Buffer.from(await old.arrayBuffer()).equals(first)).toBe(true)
    const head = await call(`${fx.s.base}/datasources/${rid}/revisions/2`, {
      method: 'DELETE',
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(head.json.error.code).toBe('403055')
    expect(
      (await call(`${fx.s.base}/datasources/${rid}/revisions/1`, { method: 'DELETE', headers: fx.s.auth })).status,
    ).toBe(204)
    const gone = await call(`${fx.s.base}/datasources/${rid}/revisions/1/content`, {
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(gone.json.error.code).toBe('404024')
    const bad = await call(`${fx.s.base}/datasources/${rid}/revisions?pageSize=1001`, {
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(bad.json.error.code).toBe('403014')
  })

  it('keychain: retrieve needs the destination (400000); apply stores what retrieve then returns', async () => {
    const dest =
      '<tsRequest><destinationSiteUrlNamespace>site1</destinationSiteUrlNamespace><destinationSiteLuid>d5</destinationSiteLuid><destinationServerUrl>http://example.com</destinationServerUrl></tsRequest>'
    const r = await call(`${fx.s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...fx.s.auth, 'content-type': 'application/xml' },
      body: dest,
    })
    expect(r.status).toBe(200)
    expect(typeof r.xml.tsResponse.encryptedKeychainList.encryptedKeychain).toBe('string')
    const missing = await call(`${fx.s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...fx.s.auth, accept: 'application/json' },
      body: '<tsRequest/>',
    })
    expect(missing.json.error.code).toBe('400000')
    const apply = await put(
      '/applykeychain',
      JSON.stringify({ associatedUserLuidMapping: [], encryptedKeychainList: { encryptedKeychain: ['k1', 'k2'] } }),
      true,
    )
    expect([apply.status, apply.text]).toEqual([200, ''])
    const back = await call(`${fx.s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...fx.s.auth, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ destinationSiteUrlNamespace: 'a', destinationSiteLuid: 'b', destinationServerUrl: 'c' }),
    })
    expect(back.json.encryptedKeychainList.encryptedKeychain).toEqual(['k1', 'k2'])
  })

  it('everything persists across a restart; delete → 204, then 404004', async () => {
    await fx.restart()
    const back = await call(`${fx.s.base}/datasources/${id}`, { headers: { ...fx.s.auth, accept: 'application/json' } })
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
    const kc = await call(`${fx.s.base}/datasources/${id}/retrieveKeychain`, {
      method: 'POST',
      headers: { ...fx.s.auth, 'content-type': 'application/json', accept: 'application/json' },
      body: dest,
    })
    expect(kc.json.encryptedKeychainList.encryptedKeychain).toEqual(['k1', 'k2'])
    const conns = await call(`${fx.s.base}/datasources/${id}/connections`, { headers: fx.s.auth })
    expect(conns.xml.tsResponse.connections.connection['@serverAddress']).toBe('db.local')
    expect((await call(`${fx.s.base}/datasources/${id}`, { method: 'DELETE', headers: fx.s.auth })).status).toBe(204)
    const gone = await call(`${fx.s.base}/datasources/${id}`, { headers: { ...fx.s.auth, accept: 'application/json' } })
    expect(gone.json.error.code).toBe('404004')
  })
})
