import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { mintConnectedAppJwt } from '../../../src/index.js'
import { call, orders, type Signed, signIn, start, USERS } from './helpers.js'

// Query Jobs (`GET …/jobs`) in TSC's job_get.xml shape, its filters, the queued refresh it lists while
// `refreshJobsStayQueued` holds it, and the sign-in of a unified access token over the wire (isUat="true").
let emu: Emulator
let s: Signed
let ds: { id: string; name: string }
beforeAll(async () => {
  emu = await start({ personality: { refreshJobsStayQueued: true }, restApiVersion: '3.27' })
  ds = await emu.createDatasource({ name: 'Queued', table: orders, rows: [] })
  s = await signIn(emu, '3.27')
})
afterAll(async () => {
  await emu.close()
})
const jobs = (query: string, json = false) =>
  call(`${s.base}/jobs${query}`, { headers: { ...s.auth, accept: json ? 'application/json' : 'application/xml' } })

describe('Query Jobs', () => {
  it('lists the queued refresh as a Pending refresh_extracts backgroundJob; filters by progress, status, jobType', async () => {
    const r = await call(`${s.base}/datasources/${ds.id}/refresh`, { method: 'POST', headers: s.auth })
    const id = r.xml.tsResponse.job['@id']
    const queued = await jobs('?filter=progress:lte:0')
    expect(queued.status).toBe(200)
    expect(queued.xml.tsResponse.pagination).toMatchObject({ '@pageNumber': '1', '@totalAvailable': '1' })
    expect(queued.xml.tsResponse.backgroundJobs.backgroundJob).toMatchObject({
      '@id': id,
      '@status': 'Pending',
      '@jobType': 'refresh_extracts',
      '@title': 'Queued',
    })
    const json = await jobs('?filter=jobType:in:[refresh_extracts,increment_extracts],status:eq:Pending', true)
    expect(json.json.backgroundJobs.backgroundJob.map((j: { id: string }) => j.id)).toEqual([id])
    expect((await jobs('?filter=status:eq:Success', true)).json.backgroundJobs).toEqual({})
    const again = await call(`${s.base}/datasources/${ds.id}/refresh`, {
      method: 'POST',
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(again.json.error.code).toBe('409093')
  })

  it('an unknown filter field is 400000 naming it; a page size above 1000 is 403014', async () => {
    const bad = await jobs('?filter=datasourceId:eq:x', true)
    expect([bad.status, bad.json.error.code]).toEqual([400, '400000'])
    expect(bad.json.error.detail).toMatch(/datasourceId/)
    expect((await jobs('?pageSize=1001', true)).json.error.code).toBe('403014')
  })
})

describe('unified access token sign-in over the wire', () => {
  it('isUat="true" with a JWT the emulator verifies signs in; a bad signature is 401001', async () => {
    const app = USERS[1]!.connectedApp!
    const jwt = mintConnectedAppJwt({ ...app, username: 'app-user' })
    const body = (token: string) =>
      `<tsRequest><credentials jwt="${token}" isUat="true"><site contentUrl="" /></credentials></tsRequest>`
    const ok = await call(`${emu.url}/api/3.27/auth/signin`, { method: 'POST', body: body(jwt) })
    expect(ok.status).toBe(200)
    const forged = await call(`${emu.url}/api/3.27/auth/signin`, {
      method: 'POST',
      body: body(`${jwt.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`),
    })
    expect(forged.status).toBe(401)
    expect(forged.xml.tsResponse.error['@code']).toBe('401001')
  })
})
