import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, orders, rawCall, type Signed, signIn, start } from './helpers.js'

// The emulator routes on the raw request target: split on `/`, then each segment decoded on its own. A dot-segment,
// raw or percent-encoded, is answered 400 and never reaches the parent resource's route (before, `DELETE
// …/datasources/{id}/tags/..` was Delete Data Source, and `PUT …/jobs/..` was routed like Update Site).
let emu: Emulator
let s: Signed
let id: string
let path: string

beforeAll(async () => {
  emu = await start()
  id = (await emu.createDatasource({ name: 'Orders', table: orders, rows: [] })).id
  s = await signIn(emu)
  path = new URL(s.base).pathname
  const tagged = await call(`${s.base}/datasources/${id}/tags`, {
    method: 'PUT',
    headers: s.auth,
    body: '<tsRequest><tags><tag label="keep"/></tags></tsRequest>',
  })
  expect(tagged.status).toBe(200)
})
afterAll(() => emu.close())

async function tags(): Promise<string> {
  const r = await call(`${s.base}/datasources/${id}`, { headers: s.auth })
  expect(r.status).toBe(200)
  return JSON.stringify(r.xml.tsResponse.datasource.tags)
}

describe('dot-segments in the request target', () => {
  const DOTS = ['..', '.', '%2e%2e', '%2E%2e', '.%2E', '%2e', '%2E.']

  it.each(DOTS)('DELETE …/datasources/{id}/tags/%s is a 400; the data source and its tag stay', async (dot) => {
    const r = await rawCall(emu.url, `${path}/datasources/${id}/tags/${dot}`, { method: 'DELETE', headers: s.auth })
    expect(r.status).toBe(400)
    expect(r.text).toContain('dot-segment')
    expect(await tags()).toContain('keep')
  })

  it.each([
    ['DELETE', () => `${path}/datasources/..`],
    ['DELETE', () => `${path}/datasources/${id}/..`],
    ['PUT', () => `${path}/jobs/..`],
    ['GET', () => `${path}/jobs/%2e%2e`],
    ['DELETE', () => `${path}/virtualconnections/x/tags/..`],
    ['GET', () => `${path}/datasources/${id}/revisions/%2e%2e/content`],
    ['PUT', () => `${path}/fileUploads/.`],
    ['GET', () => `/api/3.24/sites/../serverinfo`],
  ])('%s with a dot-segment is a 400, whatever the route', async (method, target) => {
    const r = await rawCall(emu.url, target(), { method, headers: s.auth })
    expect(r.status).toBe(400)
    expect(await tags()).toContain('keep')
  })

  it('an empty segment is a 400 too (never dropped)', async () => {
    const r = await rawCall(emu.url, `${path}/datasources//${id}`, { method: 'DELETE', headers: s.auth })
    expect(r.status).toBe(400)
    expect(await tags()).toContain('keep')
  })

  it('encoded slashes and double-encoded dots stay inside their segment', async () => {
    for (const value of ['a%2F..', '..%2F..', '%252e%252e', 'a%5C..', 'a%2Fb']) {
      const r = await rawCall(emu.url, `${path}/datasources/${id}/tags/${value}`, { method: 'DELETE', headers: s.auth })
      expect(r.status, value).toBe(404) // 404007: the data source has no tag by that (decoded) name
      expect(r.text, value).toContain('404007')
    }
    expect(await tags()).toContain('keep')
  })

  it('the query is still read from the raw target', async () => {
    const r = await rawCall(emu.url, `${path}/datasources?filter=name:eq:Orders&pageSize=1`, { headers: s.auth })
    expect(r.status).toBe(200)
    expect(r.text).toContain(id)
  })
})
