import { type ClientRequest, request as httpRequest } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, initiate, type Signed, signIn, start } from './helpers.js'

// The emulator's per-site concurrency limit: requests being served are counted per site; one more is answered
// 429 / 429000 with Retry-After; sign-in and other sites are not held back.

let emu: Emulator
let s: Signed
let other: Signed

/** Signs in (password) to `site`. */
async function signInTo(site: string): Promise<Signed> {
  const r = await call(`${emu.url}/api/3.24/auth/signin`, {
    method: 'POST',
    body: `<tsRequest><credentials name="admin" password="pw"><site contentUrl="${site}" /></credentials></tsRequest>`,
  })
  const c = r.xml.tsResponse.credentials
  return {
    token: c['@token'],
    siteId: c.site['@id'],
    userId: c.user['@id'],
    base: `${emu.url}/api/3.24/sites/${c.site['@id']}`,
    auth: { 'x-tableau-auth': c['@token'] },
  }
}

const open: ClientRequest[] = []

/** An append whose body never ends: the emulator serves it (holds a slot) until the connection is closed. */
async function hold(signed: Signed, site: string): Promise<ClientRequest> {
  const id = await initiate(signed)
  const before = emu.faults.concurrency.inFlight(site)
  const req = httpRequest(`${signed.base}/fileUploads/${id}`, {
    method: 'PUT',
    headers: { ...signed.auth, 'content-type': 'multipart/mixed; boundary=b' },
  })
  req.on('error', () => {})
  req.write('--b\r\n')
  open.push(req)
  await until(() => emu.faults.concurrency.inFlight(site) === before + 1)
  return req
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(ok()).toBe(true)
}

async function letGo(): Promise<void> {
  for (const req of open.splice(0)) req.destroy()
  await until(() => emu.faults.concurrency.inFlight('') === 0 && emu.faults.concurrency.inFlight('marketing') === 0)
}

beforeAll(async () => {
  emu = await start({ sites: ['', 'marketing'], personality: { maxConcurrentRequestsPerSite: 2 } })
  s = await signIn(emu)
  other = await signInTo('marketing')
})
afterEach(async () => {
  await letGo()
  emu.faults.clear()
  emu.faults.concurrency.resetCounters()
})
afterAll(async () => {
  await emu.close()
})

describe('per-site concurrency limit', () => {
  it('answers one request over the limit with 429 / 429000 and Retry-After, in XML and JSON', async () => {
    await hold(s, '')
    await hold(s, '')
    const xml = await call(`${s.base}/datasources`, { headers: s.auth })
    expect([xml.status, xml.headers['retry-after'], xml.xml.tsResponse.error['@code']]).toEqual([429, '1', '429000'])
    const json = await call(`${s.base}/datasources`, { headers: { ...s.auth, accept: 'application/json' } })
    expect([json.status, json.json.error.code]).toEqual([429, '429000'])
    expect(emu.faults.concurrency.counters).toEqual({ refused: 2, maxInFlight: { '': 2 } })
  })

  it('serves again once a request in flight is answered', async () => {
    const first = await hold(s, '')
    await hold(s, '')
    expect((await call(`${s.base}/datasources`, { headers: s.auth })).status).toBe(429)
    first.destroy()
    await until(() => emu.faults.concurrency.inFlight('') === 1)
    expect((await call(`${s.base}/datasources`, { headers: s.auth })).status).toBe(200)
  })

  it('counts each site apart, and never holds back sign-in or server info', async () => {
    await hold(s, '')
    await hold(s, '')
    expect((await call(`${other.base}/datasources`, { headers: other.auth })).status).toBe(200)
    expect((await call(`${emu.url}/api/2.4/serverinfo`)).status).toBe(200)
    const again = await signInTo('')
    expect(typeof again.token).toBe('string')
    expect(emu.faults.concurrency.counters.maxInFlight).toEqual({ '': 2, marketing: 1 })
  })

  it('a limit set at run time replaces the personality’s until cleared, with its Retry-After', async () => {
    emu.faults.concurrency.limit({ perSite: 1, retryAfterSeconds: 0 })
    await hold(s, '')
    const r = await call(`${s.base}/datasources`, { headers: s.auth })
    expect([r.status, r.headers['retry-after']]).toEqual([429, '0'])
    emu.faults.clear()
    expect((await call(`${s.base}/datasources`, { headers: s.auth })).status).toBe(200)
    expect(() => emu.faults.concurrency.limit({ perSite: 0 })).toThrow(/perSite must be a whole number/)
  })

  it('counts the most requests in flight without a limit too', async () => {
    const unlimited = await start()
    try {
      const signed = await signIn(unlimited)
      await Promise.all(Array.from({ length: 6 }, () => call(`${signed.base}/datasources`, { headers: signed.auth })))
      const most = unlimited.faults.concurrency.counters.maxInFlight['']
      expect(most).toBeGreaterThanOrEqual(1)
      expect(most).toBeLessThanOrEqual(6)
      expect(unlimited.faults.concurrency.counters.refused).toBe(0)
    } finally {
      await unlimited.close()
    }
  })
})
