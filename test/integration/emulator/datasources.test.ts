import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatasourceFixture, datasourceFixture, meta, publishBody } from './datasource-fixture.js'
import { call, upload, waitJob } from './helpers.js'

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

// Publish (create, overwrite, append, opaque types, asJob, upload session) and Query Data Sources.
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
    expect(await fx.emu.query('SELECT min(id) AS lo, count(*) AS n FROM "Sales"."Extract"."Extract"')).toEqual([
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
    const got = await fetch(`${fx.s.base}/datasources/${id}/content?includeExtract=False`, { headers: fx.s.auth })
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
    expect((await waitJob(fx.s, r.xml.tsResponse.job['@id'])).finishCode).toBe('0')
    const hyper = Buffer.concat([Buffer.from('Hyper'), randomBytes(5000)])
    const sid = await upload(fx.s, hyper, 3)
    const c = await publish(`?uploadSessionId=${sid}&datasourceType=hyper`, publishBody(meta('H')))
    expect(c.status).toBe(201)
    const dl = await fetch(`${fx.s.base}/datasources/${c.xml.tsResponse.datasource['@id']}/content`, {
      headers: fx.s.auth,
    })
    expect(Buffer.from(await dl.arrayBuffer()).equals(hyper)).toBe(true)
  })
})

describe('Query Data Sources: filter, sort, fields, paging', () => {
  it('sorts by name desc, filters with in:[…] and projectName, pages', async () => {
    const r = await call(`${fx.s.base}/datasources?sort=name:desc&filter=name:in:[Sales,Keep,Packaged]&pageSize=2`, {
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(r.json.pagination).toEqual({ pageNumber: '1', pageSize: '2', totalAvailable: '3' })
    expect(r.json.datasources.datasource.map((d: { name: string }) => d.name)).toEqual(['Sales', 'Packaged'])
    const bad = await call(`${fx.s.base}/datasources?filter=color:eq:red`, {
      headers: { ...fx.s.auth, accept: 'application/json' },
    })
    expect(bad.json.error.code).toBe('400000')
  })
})
