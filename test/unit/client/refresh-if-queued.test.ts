import { afterEach, describe, expect, it } from 'vitest'
import { type HyperdeltaError, isHyperdeltaError } from '../../../src/index.js'
import { json, SITE, signedIn } from './helpers.js'

// refresh({ ifQueued }) against MockAgent: 409093 → Query Jobs (queued jobs) → Query Job per candidate until one
// names the data source; none found, or the listing refused → REFRESH_ALREADY_QUEUED saying so.
type Setup = Awaited<ReturnType<typeof signedIn>>
let setup: Setup | undefined
afterEach(async () => {
  await setup?.client.close().catch(() => {})
  setup = undefined
})

const QUEUED = { error: { code: '409093', summary: 'Operation already in Queue', detail: 'already in the queue.' } }
const refreshJob = (id: string, datasource: string) => ({
  job: {
    id,
    mode: 'Asynchronous',
    type: 'RefreshExtract',
    progress: '0',
    createdAt: '2026-12-06T00:00:00Z',
    extractRefreshJob: { datasource: { id: datasource, name: 'X' } },
  },
})
const listing = (...jobs: { id: string; status: string; jobType: string }[]) => ({
  pagination: { pageNumber: '1', pageSize: '100', totalAvailable: String(jobs.length) },
  backgroundJobs: { backgroundJob: jobs.map((j) => ({ ...j, priority: '50', createdAt: '2026-12-06T00:00:00Z' })) },
})
const signOut = (s: Setup) => s.pool.intercept({ path: /\/auth\/signout$/, method: 'POST' }).reply(204, '')

async function failure(p: Promise<unknown>): Promise<HyperdeltaError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!isHyperdeltaError(e)) throw new Error(`expected a HyperdeltaError, got ${String(e)}`)
  return e
}

describe('datasources.refresh({ ifQueued })', () => {
  it("'error' (the default) raises REFRESH_ALREADY_QUEUED without listing jobs", async () => {
    setup = await signedIn()
    setup.pool.intercept({ path: `${SITE}/datasources/ds-1/refresh`, method: 'POST' }).reply(409, QUEUED, json)
    const e = await failure(setup.client.datasources.refresh('ds-1'))
    expect(e.code).toBe('REFRESH_ALREADY_QUEUED')
    expect(e.message).not.toMatch(/could not be found/)
    signOut(setup)
  })

  it("'return-queued' returns the queued refresh of this data source, skipping other data sources' jobs", async () => {
    setup = await signedIn()
    const { pool } = setup
    pool.intercept({ path: `${SITE}/datasources/ds-1/refresh`, method: 'POST' }).reply(409, QUEUED, json)
    let filter: string | null = null
    pool.intercept({ path: (p) => p.startsWith(`${SITE}/jobs?`), method: 'GET' }).reply(
      200,
      (opts) => {
        filter = new URL(String(opts.path), 'http://x').searchParams.get('filter')
        return listing(
          { id: 'sub-1', status: 'Pending', jobType: 'single_subscription_notify' },
          { id: 'done-1', status: 'Success', jobType: 'refresh_extracts' },
          { id: 'other-1', status: 'Pending', jobType: 'refresh_extracts' },
          { id: 'mine-1', status: 'InProgress', jobType: 'refresh_extracts' },
        )
      },
      json,
    )
    pool.intercept({ path: `${SITE}/jobs/other-1`, method: 'GET' }).reply(200, refreshJob('other-1', 'ds-2'), json)
    pool.intercept({ path: `${SITE}/jobs/mine-1`, method: 'GET' }).reply(200, refreshJob('mine-1', 'ds-1'), json)
    const job = await setup.client.datasources.refresh('ds-1', { ifQueued: 'return-queued' })
    expect(job).toMatchObject({ id: 'mine-1', type: 'RefreshExtract', datasource: { id: 'ds-1' } })
    expect(filter).toBe('progress:lte:0')
    signOut(setup)
  })

  it("'return-queued' with no queued refresh of it listed raises REFRESH_ALREADY_QUEUED saying none was found", async () => {
    setup = await signedIn()
    const { pool } = setup
    pool.intercept({ path: `${SITE}/datasources/ds-1/refresh`, method: 'POST' }).reply(409, QUEUED, json)
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/jobs?`), method: 'GET' })
      .reply(200, listing({ id: 'other-1', status: 'Pending', jobType: 'refresh_extracts' }), json)
    pool.intercept({ path: `${SITE}/jobs/other-1`, method: 'GET' }).reply(200, refreshJob('other-1', 'ds-2'), json)
    const e = await failure(setup.client.datasources.refresh('ds-1', { ifQueued: 'return-queued' }))
    expect(e.code).toBe('REFRESH_ALREADY_QUEUED')
    expect(e.message).toMatch(/already queued.*could not be found: none of the 1 queued jobs/)
    expect(isHyperdeltaError(e.cause, 'REFRESH_ALREADY_QUEUED')).toBe(true)
    signOut(setup)
  })

  it("'return-queued' when Query Jobs is refused raises REFRESH_ALREADY_QUEUED naming the refusal", async () => {
    setup = await signedIn()
    const { pool } = setup
    pool.intercept({ path: `${SITE}/datasources/ds-1/refresh`, method: 'POST' }).reply(409, QUEUED, json)
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/jobs?`), method: 'GET' })
      .reply(403, { error: { code: '403000', summary: 'Forbidden', detail: 'admins only' } }, json)
    const e = await failure(setup.client.datasources.refresh('ds-1', { ifQueued: 'return-queued' }))
    expect(e.code).toBe('REFRESH_ALREADY_QUEUED')
    expect(e.message).toMatch(/could not be found: Query Jobs was refused/)
    signOut(setup)
  })

  it("'return-queued' when Query Job is refused for a candidate says so (never 'none of them is a refresh of it')", async () => {
    setup = await signedIn()
    const { pool } = setup
    pool.intercept({ path: `${SITE}/datasources/ds-1/refresh`, method: 'POST' }).reply(409, QUEUED, json)
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/jobs?`), method: 'GET' })
      .reply(200, listing({ id: 'job-9', status: 'Pending', jobType: 'refresh_extracts' }), json)
    pool
      .intercept({ path: `${SITE}/jobs/job-9`, method: 'GET' })
      .reply(403, { error: { code: '403000', summary: 'Forbidden', detail: 'no' } }, json)
    const e = await failure(setup.client.datasources.refresh('ds-1', { ifQueued: 'return-queued' }))
    expect(e.code).toBe('REFRESH_ALREADY_QUEUED')
    expect(e.message).toMatch(/could not be found: Query Job was refused for job job-9/)
    signOut(setup)
  })

  it('an unknown ifQueued is CONFIG_INVALID and nothing is sent', async () => {
    setup = await signedIn()
    const e = await failure(setup.client.datasources.refresh('ds-1', { ifQueued: 'skip' as never }))
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'ifQueued' } })
    signOut(setup)
  })
})
