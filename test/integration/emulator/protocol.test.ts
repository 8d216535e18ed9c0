import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, orders, type Signed, signIn, start } from './helpers.js'

let emu: Emulator
let s: Signed
let dsId: string

beforeAll(async () => {
  emu = await start({ sites: ['', 'marketing'] })
  dsId = (await emu.createDatasource({ name: 'Orders', table: orders, rows: [] })).id
  await emu.createDatasource({ name: 'Other', project: 'Sales', table: orders })
  s = await signIn(emu)
})
afterAll(() => emu.close())

function jwt(o: { kid: string; iss: string; sub: string; exp: number; key: string }): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const head = `${enc({ alg: 'HS256', typ: 'JWT', kid: o.kid, iss: o.iss })}.${enc({ iss: o.iss, sub: o.sub, aud: 'tableau', exp: o.exp, jti: 'x', scp: ['tableau:content:read'] })}`
  return `${head}.${createHmac('sha256', o.key).update(head).digest('base64url')}`
}

describe('server info', () => {
  it('answers /api/2.4/serverInfo without auth, case-insensitively, in the tableau namespace', async () => {
    for (const path of ['serverInfo', 'serverinfo', 'SERVERINFO']) {
      const r = await call(`${emu.url}/api/2.4/${path}`)
      expect(r.status).toBe(200)
      expect(r.text.startsWith(`<?xml version='1.0' encoding='UTF-8'?>`)).toBe(true)
      expect(r.xml.tsResponse['@xmlns']).toBe('http://tableau.com/api')
      expect(r.xml.tsResponse.serverInfo.restApiVersion).toBe('3.24')
      expect(r.xml.tsResponse.serverInfo.productVersion['@build']).toMatch(/^\d{5}\.\d{2}\.\d{4}\.\d{4}$/)
    }
  })
  it('renders JSON by the documented mapping', async () => {
    const r = await call(`${emu.url}/api/2.4/serverinfo`, { headers: { accept: 'application/json, text/plain, */*' } })
    expect(r.json).toEqual({
      serverInfo: { productVersion: { value: '2024.3.0', build: '20243.24.1112.0956' }, restApiVersion: '3.24' },
    })
  })
})

describe('sign in / sign out', () => {
  it('password sign-in over XML without Content-Type returns a 3-part token whose 3rd part is the site id', async () => {
    const parts = s.token.split('|')
    expect(parts).toHaveLength(3)
    expect(parts[2]).toBe(s.siteId)
  })
  it('PAT sign-in over JSON, on a named site, with estimatedTimeToExpiration', async () => {
    const r = await call(`${emu.url}/api/3.24/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        credentials: {
          personalAccessTokenName: 'ci',
          personalAccessTokenSecret: 's3cret',
          site: { contentUrl: 'marketing' },
        },
      }),
    })
    expect(r.status).toBe(200)
    expect(r.json.credentials.site.contentUrl).toBe('marketing')
    expect(r.json.credentials.estimatedTimeToExpiration).toMatch(/^\d+:\d{2}:\d{2}$/)
    expect(typeof r.json.credentials.user.id).toBe('string')
  })
  it('a second PAT sign-in invalidates the first token (401002)', async () => {
    const body =
      '<tsRequest><credentials personalAccessTokenName="ci" personalAccessTokenSecret="s3cret"><site contentUrl=""/></credentials></tsRequest>'
    const first = await call(`${emu.url}/api/3.24/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body,
    })
    const token1 = first.xml.tsResponse.credentials['@token']
    const site = first.xml.tsResponse.credentials.site['@id']
    const url = `${emu.url}/api/3.24/sites/${site}/datasources`
    expect((await call(url, { headers: { 'x-tableau-auth': token1 } })).status).toBe(200)
    await call(`${emu.url}/api/3.24/auth/signin`, { method: 'POST', body })
    const r = await call(url, { headers: { 'x-tableau-auth': token1 } })
    expect(r.status).toBe(401)
    expect(r.xml.tsResponse.error['@code']).toBe('401002')
  })
  it('verifies HS256 connected-app JWTs (kid, iss, sub, exp, signature)', async () => {
    const good = {
      kid: 'secret-1',
      iss: 'client-1',
      sub: 'app-user',
      exp: Math.floor(Date.now() / 1000) + 300,
      key: 'very-secret-value',
    }
    const signin = (token: string) =>
      call(`${emu.url}/api/3.24/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: `<tsRequest><credentials jwt="${token}" isUat="false"><site contentUrl=""/></credentials></tsRequest>`,
      })
    expect((await signin(jwt(good))).status).toBe(200)
    for (const bad of [
      { ...good, key: 'wrong' },
      { ...good, kid: 'other' },
      { ...good, iss: 'other' },
      { ...good, sub: 'admin' },
      { ...good, exp: Math.floor(Date.now() / 1000) - 10 },
    ]) {
      const r = await signin(jwt(bad))
      expect(r.status).toBe(401)
      expect(r.xml.tsResponse.error['@code']).toBe('401001')
    }
  })
  it('bad credentials → 401001 in XML and JSON (code is a string)', async () => {
    const x = await call(`${emu.url}/api/3.24/auth/signin`, {
      method: 'POST',
      body: '<tsRequest><credentials name="admin" password="nope"><site contentUrl=""/></credentials></tsRequest>',
    })
    expect(x.status).toBe(401)
    expect(x.xml.tsResponse.error).toEqual({
      '@code': '401001',
      summary: 'Signin Error',
      detail: 'Error signing in to Tableau Server',
    })
    const j = await call(`${emu.url}/api/3.24/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ credentials: { name: 'admin', password: 'nope', site: { contentUrl: 'nosuchsite' } } }),
    })
    expect(j.json).toEqual({
      error: { summary: 'Signin Error', detail: 'Error signing in to Tableau Server', code: '401001' },
    })
  })
  it('missing token → 401000, unknown token → 401002', async () => {
    const none = await call(`${s.base}/datasources`)
    expect([none.status, none.xml.tsResponse.error['@code']]).toEqual([401, '401000'])
    const bad = await call(`${s.base}/datasources`, { headers: { 'x-tableau-auth': 'a|b|c' } })
    expect([bad.status, bad.xml.tsResponse.error['@code']]).toEqual([401, '401002'])
  })
  it('sign out → 204 with an empty text/xml body; the token is dead afterwards', async () => {
    const mine = await signIn(emu)
    const r = await call(`${emu.url}/api/3.24/auth/signout`, {
      method: 'POST',
      headers: { ...mine.auth, 'content-type': 'text/xml' },
      body: '',
    })
    expect(r.status).toBe(204)
    expect(r.text).toBe('')
    expect((await call(`${mine.base}/datasources`, { headers: mine.auth })).status).toBe(401)
  })
  it('tokens expire after tokenTtlMs with 401002', async () => {
    const short = await start({ tokenTtlMs: 1 })
    try {
      const mine = await signIn(short)
      await new Promise((r) => setTimeout(r, 10))
      const r = await call(`${mine.base}/datasources`, { headers: mine.auth })
      expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([401, '401002'])
    } finally {
      await short.close()
    }
  })
})

describe('data sources', () => {
  it('filters by name:eq and renders the documented XML fields', async () => {
    const r = await call(`${s.base}/datasources?filter=${encodeURIComponent('name:eq:Orders')}`, { headers: s.auth })
    expect(r.status).toBe(200)
    const t = r.xml.tsResponse
    expect(t.pagination).toEqual({ '@pageNumber': '1', '@pageSize': '100', '@totalAvailable': '1' })
    const ds = t.datasources.datasource
    expect(ds['@id']).toBe(dsId)
    expect(ds['@name']).toBe('Orders')
    expect(ds['@type']).toBe('hyper')
    expect(ds['@createdAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(ds.project['@name']).toBe('Default')
    expect(typeof ds.owner['@id']).toBe('string')
    expect(ds.tags).toBe('')
  })
  it('renders JSON with collections as arrays and empty collections as {}', async () => {
    const r = await call(`${s.base}/datasources?filter=name:eq:Other`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(r.json.pagination).toEqual({ pageNumber: '1', pageSize: '100', totalAvailable: '1' })
    const [ds] = r.json.datasources.datasource
    expect(ds).toMatchObject({
      name: 'Other',
      type: 'hyper',
      isCertified: 'false',
      project: { name: 'Sales' },
      tags: {},
    })
    const none = await call(`${s.base}/datasources?filter=name:eq:Nope`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(none.json.datasources).toEqual({})
  })
  it('paginates and validates page parameters', async () => {
    const p2 = await call(`${s.base}/datasources?pageSize=1&pageNumber=2`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(p2.json.pagination).toEqual({ pageNumber: '2', pageSize: '1', totalAvailable: '2' })
    expect(p2.json.datasources.datasource).toHaveLength(1)
    const big = await call(`${s.base}/datasources?pageSize=1001`, { headers: s.auth })
    expect([big.status, big.xml.tsResponse.error['@code']]).toEqual([403, '403014'])
    const badSize = await call(`${s.base}/datasources?pageSize=0`, { headers: s.auth })
    expect(badSize.xml.tsResponse.error['@code']).toBe('400007')
    const badNumber = await call(`${s.base}/datasources?pageNumber=x`, { headers: s.auth })
    expect(badNumber.xml.tsResponse.error['@code']).toBe('400006')
  })
  it('queries one data source and its connections; unknown ids give 404004 / 404011', async () => {
    const one = await call(`${s.base}/datasources/${dsId}`, { headers: { ...s.auth, accept: 'application/json' } })
    expect(one.json.datasource.id).toBe(dsId)
    const conns = await call(`${s.base}/datasources/${dsId}/connections`, { headers: s.auth })
    expect(conns.xml.tsResponse.connections.connection['@type']).toBe('hyper')
    const connsJson = await call(`${s.base}/datasources/${dsId}/connections`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(connsJson.json.connections.connection).toHaveLength(1)
    const missing = await call(`${s.base}/datasources/nope`, { headers: s.auth })
    expect([missing.status, missing.xml.tsResponse.error['@code']]).toEqual([404, '404004'])
    const missingConns = await call(`${s.base}/datasources/nope/connections`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(missingConns.json.error.code).toBe('404011')
  })
  it('a site id that is not the token site → 404000', async () => {
    const r = await call(`${emu.url}/api/3.24/sites/00000000-0000-0000-0000-000000000000/datasources`, {
      headers: s.auth,
    })
    expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([404, '404000'])
  })
})

describe('unknown routes', () => {
  it('unknown resource → 404003 with the documented detail', async () => {
    const r = await call(`${emu.url}/api/2.4/nothingHere`)
    expect(r.status).toBe(404)
    expect(r.xml.tsResponse.error).toEqual({
      '@code': '404003',
      summary: 'Resource Not Found',
      detail: "Unknown resource '/2.4/nothingHere' specified in URI.",
    })
  })
  it('wrong method on a known resource → 405000 (JSON too)', async () => {
    const r = await call(`${s.base}/datasources/${dsId}`, {
      method: 'POST',
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(r.status).toBe(405)
    expect(r.json.error.code).toBe('405000')
  })
})
