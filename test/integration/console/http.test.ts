import { EventEmitter } from 'node:events'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackAddress, isLoopbackHost } from '../../../src/emulator/console/guard.js'
import { RequestLog } from '../../../src/emulator/console/request-log.js'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, orders, rawCall, type Signed, signIn, start } from '../emulator/helpers.js'

// The console over plain HTTP (no browser): who it answers, what it refuses, what it never shows.
let emu: Emulator
let s: Signed
let dsId: string

beforeAll(async () => {
  emu = await start({ console: true })
  s = await signIn(emu)
  dsId = (await emu.createDatasource({ name: 'Orders', table: orders, rows: [] })).id
})
afterAll(() => emu.close())

/** The faults page's form token. */
async function token(): Promise<string> {
  const page = await call(`${emu.url}/console/faults`)
  return /name="csrf" value="([0-9a-f]+)"/.exec(page.text)![1]!
}
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const post = (body: string, headers: Record<string, string> = {}) =>
  call(`${emu.url}/console/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: emu.url, ...headers },
    body,
  })

describe('console over HTTP', () => {
  it('is off unless asked for: /console is then an API 404', async () => {
    const plain = await start()
    try {
      expect(plain.consoleUrl).toBeUndefined()
      expect((await call(`${plain.url}/console`)).status).toBe(404)
    } finally {
      await plain.close()
    }
    expect(emu.consoleUrl).toBe(`${emu.url}/console`)
  })

  it('answers loopback names only (a rebinding page sends its own Host) and is read-only', async () => {
    expect((await rawCall(emu.url, '/console', { headers: { host: 'evil.example' } })).status).toBe(403)
    expect((await rawCall(emu.url, '/console', { headers: { host: `localhost:${emu.port}` } })).status).toBe(200)
    expect((await call(`${emu.url}/console/jobs`, { method: 'DELETE' })).status).toBe(405)
    expect((await call(`${emu.url}/console/nothing`)).status).toBe(404)
    expect((await call(`${emu.url}/console/jobs/`)).status).toBe(200)
    expect((await rawCall(emu.url, '/console/x/../faults')).status).toBe(404)
    expect((await rawCall(emu.url, '/console/%2e%2e/faults')).status).toBe(404)
    for (const a of ['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true)
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', undefined])
      expect(isLoopbackAddress(a)).toBe(false)
    for (const h of ['[::1]:8787', 'LOCALHOST', '127.0.0.1:1']) expect(isLoopbackHost(h), h).toBe(true)
    for (const h of ['127.0.0.1.evil.example', 'localhost.evil.example:80', ''])
      expect(isLoopbackHost(h), h).toBe(false)
  })

  it('arms a fault only from a same-origin form with its token', async () => {
    const good = form({ csrf: await token(), action: 'failJobs', times: '2' })
    expect((await post(form({ action: 'failJobs' }))).status).toBe(403)
    expect((await post(good, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await post(good, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await post(good, { 'content-type': 'text/plain' })).status).toBe(415)
    expect(emu.faults.pending().failJobs.left).toBe(0)
    const done = await post(good)
    expect(done.status).toBe(303)
    expect(emu.faults.pending().failJobs.left).toBe(2)
    const refused = await post(form({ csrf: await token(), action: 'respondWith', status: '500' }))
    expect(refused.status).toBe(303)
    const shown = await call(`${emu.url}${refused.headers.location}`)
    expect(shown.text).toContain('status: must be 429 or 503')
    emu.faults.clear()
  })

  it('never shows a password, keychain or token; every page sends the CSP', async () => {
    const secret = 'pw-never-shown-42'
    const listed = await call(`${s.base}/datasources/${dsId}/connections`, { headers: s.auth })
    const cid = listed.xml.tsResponse.connections.connection['@id']
    const put = await call(`${s.base}/datasources/${dsId}/connections/${cid}`, {
      method: 'PUT',
      headers: s.auth,
      body: `<tsRequest><connection userName="u" password="${secret}" embedPassword="true"/></tsRequest>`,
    })
    expect(put.status).toBe(200)
    const keychain = await call(`${s.base}/datasources/${dsId}/applykeychain`, {
      method: 'PUT',
      headers: s.auth,
      body: `<tsRequest><encryptedKeychainList><encryptedKeychain>kc-${secret}</encryptedKeychain></encryptedKeychainList><associatedUserLuidMapping/></tsRequest>`,
    })
    expect(keychain.status).toBe(200)
    for (const path of [
      '/console',
      `/console/datasources/${dsId}`,
      '/console/jobs',
      '/console/requests',
      '/console/faults',
    ]) {
      const page = await call(`${emu.url}${path}`)
      expect(page.status, path).toBe(200)
      expect(page.headers['content-security-policy']).toBe(
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      )
      expect(page.text, path).not.toContain(secret)
      expect(page.text, path).not.toContain(s.token)
      expect(page.text, path).not.toMatch(/<script>|\son\w+=/)
    }
    expect((await call(`${emu.url}/console/datasources/${dsId}`)).text).toContain(
      '1 encrypted keychain(s) applied (not shown)',
    )
  })

  it('streams a change event when an API request lands', async () => {
    const events = await new Promise<string>((resolve, reject) => {
      const req = request(`${emu.url}/console/events`, (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/)
        let text = ''
        res.on('data', (c: Buffer) => {
          text += c
          if (text.includes('event: change')) {
            req.destroy()
            resolve(text)
          }
        })
        void call(`${emu.url}/api/3.24/serverinfo`)
      })
      req.on('error', reject)
      req.end()
    })
    expect(events).toMatch(/event: change\ndata: \{"topics":\[[^\]]*"requests"/)
  })

  it('keeps a bounded log of requests', () => {
    const log = new RequestLog(3)
    for (let i = 0; i < 5; i++) {
      const res = new EventEmitter()
      Object.assign(res, { headersSent: true, statusCode: 200 + i })
      log.record({ method: 'GET', url: `/api/3.24/serverinfo?i=${i}`, headers: {} } as never, res as never)
      res.emit('finish')
    }
    expect(log.newestFirst().map((e) => e.status)).toEqual([204, 203, 202])
    expect(log.seq).toBe(5)
  })
})
