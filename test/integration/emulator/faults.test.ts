import { readFile } from 'node:fs/promises'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import {
  call,
  initiate,
  orders,
  parquetOf,
  patch,
  run,
  type Signed,
  signIn,
  start,
  tempDir,
  tscMultipart,
  waitJob,
} from './helpers.js'

let emu: Emulator
let s: Signed
let dir: { path: string; remove(): Promise<void> }
let dsId: string
const del = [
  {
    action: 'delete',
    'target-table': 'Extract',
    condition: { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1' } },
  },
]

beforeAll(async () => {
  dir = await tempDir()
  emu = await start()
  s = await signIn(emu)
  dsId = (
    await emu.createDatasource({
      name: 'F',
      table: orders,
      rows: [
        { id: 1n, customer: 'a' },
        { id: 2n, customer: 'b' },
      ],
    })
  ).id
})
afterAll(async () => {
  await emu.close()
  await dir.remove()
})

describe('response faults', () => {
  it('N responses of 429 with Retry-After on a chosen route, then normal service', async () => {
    emu.faults.respondWith({ status: 429, route: 'queryDatasources', times: 2, retryAfterSeconds: 3 })
    const url = `${s.base}/datasources`
    const a = await call(url, { headers: s.auth })
    expect([a.status, a.headers['retry-after'], a.xml.tsResponse.error['@code']]).toEqual([429, '3', '429000'])
    const b = await call(url, { headers: { ...s.auth, accept: 'application/json' } })
    expect(b.json.error.code).toBe('429000')
    expect((await call(`${s.base}/datasources/${dsId}`, { headers: s.auth })).status).toBe(200) // other route untouched
    expect((await call(url, { headers: s.auth })).status).toBe(200)
    expect(emu.faults.counters.responses429).toBe(2)
  })
  it('503 chosen by a predicate', async () => {
    emu.faults.respondWith({ status: 503, route: (r) => r.method === 'GET' && r.route === 'queryJob' })
    const r = await call(`${s.base}/jobs/whatever`, { headers: s.auth })
    expect(r.status).toBe(503)
    expect(emu.faults.counters.responses503).toBe(1)
  })
})

describe('append reset', () => {
  it('destroys the connection mid-append and leaves the session as it was', async () => {
    const id = await initiate(s)
    const first = tscMultipart(Buffer.from('AAAA'))
    await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': first.contentType },
      body: first.body,
    })
    emu.faults.resetAppend({ afterBytes: 50_000 })
    const big = tscMultipart(Buffer.alloc(2 ** 20 - 10, 1))
    await expect(
      request(`${s.base}/fileUploads/${id}`, {
        method: 'PUT',
        headers: { ...s.auth, 'content-type': big.contentType },
        body: big.body,
      }).then((r) => r.body.text()),
    ).rejects.toThrow()
    expect(emu.faults.counters.appendResets).toBe(1)
    // The retry succeeds and the file holds 4 + (1 MiB - 10) bytes (< 1 MiB), not the partial write too.
    const again = await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': big.contentType, accept: 'application/json' },
      body: big.body,
    })
    expect(again.json.fileUpload.fileSize).toBe('0')
  })
})

describe('job faults', () => {
  it('failing jobs fail with the given notes and apply nothing', async () => {
    emu.faults.failJobs({ times: 1, notes: 'injected: disk on fire' })
    const job = await run(s, dsId, del)
    expect(job).toMatchObject({ finishCode: '1', notes: 'injected: disk on fire' })
    expect(emu.faults.counters.failedJobs).toBe(1)
    expect(await emu.query('SELECT count(*) AS n FROM "F"."Extract"."Extract"')).toEqual([{ n: 2n }])
  })
  it('cancelled jobs end with finishCode 2 and apply nothing', async () => {
    emu.faults.cancelJobs({ times: 1 })
    expect((await run(s, dsId, del)).finishCode).toBe('2')
    expect(emu.faults.counters.cancelledJobs).toBe(1)
    expect(await emu.query('SELECT count(*) AS n FROM "F"."Extract"."Extract"')).toEqual([{ n: 2n }])
  })
  it('a slow job reports progress without completedAt until it is cancelled', async () => {
    emu.faults.slowJobs({ extraDelayMs: 60_000 })
    const r = await patch(s, dsId, del)
    const id = r.xml.tsResponse.job['@id']
    const polled = await call(`${s.base}/jobs/${id}`, { headers: s.auth })
    expect(polled.xml.tsResponse.job['@progress']).toBe('0')
    expect(polled.xml.tsResponse.job['@completedAt']).toBeUndefined()
    expect(polled.xml.tsResponse.job['@finishCode']).toBeUndefined()
    expect(emu.faults.counters.slowJobs).toBe(1)
    await call(`${s.base}/jobs/${id}`, { method: 'PUT', headers: s.auth })
    expect((await waitJob(s, id)).finishCode).toBe('2')
  })
})

describe('token expiry', () => {
  it('expires every live token after N authenticated requests (401002), re-sign-in works', async () => {
    const mine = await signIn(emu)
    emu.faults.expireTokensAfter(2)
    const url = `${mine.base}/datasources`
    expect((await call(url, { headers: mine.auth })).status).toBe(200)
    expect((await call(url, { headers: mine.auth })).status).toBe(200)
    const r = await call(url, { headers: mine.auth })
    expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([401, '401002'])
    expect(emu.faults.counters.tokenExpiries).toBe(1)
    const fresh = await signIn(emu)
    expect((await call(url, { headers: fresh.auth })).status).toBe(200)
    s = fresh
  })
})

describe('persistence', () => {
  it('data sources, jobs, uploads and RequestIDs survive a restart in the same data dir', async () => {
    const data = await tempDir()
    try {
      const one = await start({ dataDir: data.path })
      const ds = await one.createDatasource({ name: 'Keep', table: orders, rows: [{ id: 1n, customer: 'a' }] })
      const a = await signIn(one)
      const file = await readFile(await parquetOf(dir.path, 'keep', `SELECT 2::BIGINT AS id, 'b' AS customer`))
      const up = await initiate(a)
      const part = tscMultipart(file)
      await call(`${a.base}/fileUploads/${up}`, {
        method: 'PUT',
        headers: { ...a.auth, 'content-type': part.contentType },
        body: part.body,
      })
      const insert = [{ action: 'insert', 'target-table': 'Extract', 'source-table': 'x' }]
      const r = await patch(a, ds.id, insert, { uploadSessionId: up, requestId: 'keep-1' })
      const jobId = r.xml.tsResponse.job['@id']
      expect((await waitJob(a, jobId)).finishCode).toBe('0')
      await one.close()

      const two = await start({ dataDir: data.path })
      try {
        expect(await two.query('SELECT id, customer FROM "Keep"."Extract"."Extract" ORDER BY id')).toEqual([
          { id: 1n, customer: 'a' },
          { id: 2n, customer: 'b' },
        ])
        const b = await signIn(two) // tokens do not survive; ids do
        expect(b.siteId).toBe(a.siteId)
        expect((await waitJob(b, jobId)).finishCode).toBe('0')
        const dup = await patch(b, ds.id, insert, { uploadSessionId: up, requestId: 'keep-1' })
        expect([dup.status, dup.xml.tsResponse.job['@id']]).toEqual([202, jobId])
        const again = await run(b, ds.id, insert, { uploadSessionId: up })
        expect(again.finishCode).toBe('0')
        expect(await two.query('SELECT count(*) AS n FROM "Keep"."Extract"."Extract"')).toEqual([{ n: 3n }])
      } finally {
        await two.close()
      }
    } finally {
      await data.remove()
    }
  })
})
