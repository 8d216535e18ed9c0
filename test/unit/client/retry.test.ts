import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../../src/client/transport/retry-policy.js'
import { isHyperdeltaError } from '../../../src/index.js'
import { jobBody, json, SITE, signedIn, signInReply, TOKEN, TOKEN2, WIRE } from './helpers.js'

const JOB = `${SITE}/jobs/j1`
const done = jobBody('j1', { completedAt: '2021-10-05T18:53:35Z', finishCode: '0', progress: '100' })

describe('retry policy', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    const { client, pool, clock } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(status, { error: { code: `${status}000`, summary: 'x' } }, json)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json)
    const job = await client.getJob('j1')
    expect(job.finishCode).toBe(0)
    // equal jitter with random() = 0.5: 3/4 of the first ceiling (500 ms)
    expect(clock.sleeps).toEqual([375])
  })

  it('retries a network error', async () => {
    const { client, pool, logger } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json)
    await expect(client.getJob('j1')).resolves.toMatchObject({ id: 'j1' })
    expect(
      logger.lines.some((l) => l.message.includes('; retrying in') && l.fields?.['code'] === 'NETWORK_ERROR'),
    ).toBe(true)
  })

  it('backs off exponentially with a cap and gives up after maxAttempts with a retryable API_ERROR', async () => {
    const { client, pool, clock } = await signedIn({ retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 } })
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(503, { error: { code: '503000' } }, json)
      .times(4)
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'API_ERROR')).toBe(true)
    expect(error.retryable).toBe(true)
    expect(error.details).toMatchObject({ status: 503, tableauCode: '503000', method: 'GET', url: JOB })
    expect(clock.sleeps).toEqual([750, 1500, 2250])
  })

  it('honours Retry-After in seconds', async () => {
    const { client, pool, clock } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(429, { error: { code: '429000', summary: 'Too Many Requests' } }, { headers: { 'retry-after': '7' } })
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json)
    await client.getJob('j1')
    expect(clock.sleeps).toEqual([7000])
  })

  it('honours Retry-After as an HTTP date', async () => {
    const { client, pool, clock } = await signedIn()
    const at = new Date(clock.now() + 12_000).toUTCString()
    pool.intercept({ path: JOB, method: 'GET' }).reply(503, '', { headers: { 'retry-after': at } })
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json)
    await client.getJob('j1')
    expect(clock.sleeps).toHaveLength(1)
    // HTTP dates have whole seconds
    expect(clock.sleeps[0]).toBeGreaterThan(11_000)
    expect(clock.sleeps[0]).toBeLessThanOrEqual(12_000)
  })

  it('stops when Retry-After exceeds maxRetryAfterMs', async () => {
    const { client, pool, clock } = await signedIn({ retry: { maxRetryAfterMs: 60_000 } })
    pool.intercept({ path: JOB, method: 'GET' }).reply(429, '', { headers: { 'retry-after': '3600' } })
    const error = await client.getJob('j1').catch((e) => e)
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 3_600_000 })
    expect(clock.sleeps).toEqual([])
  })

  it.each([
    [400, '400000'],
    [403, '403032'],
    [404, '404004'],
    [405, '405000'],
    [409, '409093'],
    [413, undefined],
  ])('treats HTTP %i as terminal', async (status, code) => {
    const { client, pool, clock } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(status, code ? { error: { code, summary: 'S', detail: 'D' } } : 'Payload Too Large', json)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json)
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'API_ERROR')).toBe(true)
    expect(error.retryable).toBe(false)
    expect(error.details.status).toBe(status)
    expect(error.details.tableauCode).toBe(code)
    expect(error.message).toMatch(/^job j1: GET /)
    expect(clock.sleeps).toEqual([])
  })

  it('waits out 409094 (another update job) and reuses the RequestID on every attempt', async () => {
    const { client, pool, clock } = await signedIn()
    const ids: string[] = []
    const conflict = {
      error: { code: '409094', summary: 'Data update job already exists', detail: 'queued or in progress' },
    }
    const record = (status: number, body: unknown) => (opts: { headers?: unknown }) => {
      ids.push((opts.headers as Record<string, string>)['RequestID']!)
      return status === 202 ? body : conflict
    }
    const path = `${SITE}/datasources/ds-1/data`
    pool.intercept({ path, method: 'PATCH' }).reply(409, record(409, conflict), json)
    pool.intercept({ path, method: 'PATCH' }).reply(409, record(409, conflict), json)
    pool.intercept({ path, method: 'PATCH' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
    pool.intercept({ path, method: 'PATCH' }).reply(202, record(202, jobBody('j9')), json)
    const job = await client.updateData({ datasource: 'ds-1', actions: WIRE, requestId: 'req-fixed-1' })
    expect(job.id).toBe('j9')
    expect(ids).toEqual(['req-fixed-1', 'req-fixed-1', 'req-fixed-1'])
    // two conflict waits (2 s, 4 s ceilings) and one transient backoff
    expect(clock.sleeps).toEqual([1500, 3000, 375])
  })

  it('gives up on 409094 after its budget with DATASOURCE_BUSY', async () => {
    const { client, pool, clock } = await signedIn({ retry: { conflictBudgetMs: 10_000 } })
    const path = `${SITE}/datasources/ds-1/data`
    pool
      .intercept({ path, method: 'PATCH' })
      .reply(409, { error: { code: '409094', summary: 'Data update job already exists' } }, json)
      .persist()
    const error = await client.updateData({ datasource: 'ds-1', actions: WIRE, requestId: 'r' }).catch((e) => e)
    expect(isHyperdeltaError(error, 'DATASOURCE_BUSY')).toBe(true)
    expect(error.retryable).toBe(true)
    expect(error.details).toMatchObject({ status: 409, tableauCode: '409094', requestId: 'r' })
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000)
  })
})

describe('re-authentication', () => {
  it('signs in again once on 401 and repeats the call with the new token', async () => {
    const { client, pool, signInBodies } = await signedIn()
    const tokens: string[] = []
    const seen = (body: unknown) => (opts: { headers?: unknown }) => {
      tokens.push((opts.headers as Record<string, string>)['X-Tableau-Auth']!)
      return body
    }
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(401, seen({ error: { code: '401002', summary: 'Unauthorized Access' } }), json)
    signInReply(pool, TOKEN2, signInBodies)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, seen(done), json)
    await expect(client.getJob('j1')).resolves.toMatchObject({ finishCode: 0 })
    expect(tokens).toEqual([TOKEN, TOKEN2])
    expect(signInBodies).toHaveLength(2)
  })

  it('does not loop: a second 401 after re-sign-in is AUTH_FAILED', async () => {
    const { client, pool, signInBodies } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(401, { error: { code: '401000' } }, json)
      .times(2)
    signInReply(pool, TOKEN2, signInBodies)
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'AUTH_FAILED')).toBe(true)
    expect(signInBodies).toHaveLength(2)
  })

  it('serializes re-sign-in: concurrent 401s share one sign-in', async () => {
    const { client, pool, signInBodies } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(401, { error: { code: '401002' } }, json)
      .times(3)
    signInReply(pool, TOKEN2, signInBodies)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, done, json).times(3)
    await Promise.all([client.getJob('j1'), client.getJob('j1'), client.getJob('j1')])
    expect(signInBodies).toHaveLength(2)
  })
})

describe('retry helpers', () => {
  it('parses Retry-After forms', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000)
    expect(parseRetryAfter('1.5', 0)).toBe(1500)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2016-01-01'))).toBe(0)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter(undefined, 0)).toBeUndefined()
  })

  it('caps backoff and keeps half of it fixed', () => {
    expect(backoffDelay(1, 500, 30_000, () => 0)).toBe(250)
    expect(backoffDelay(1, 500, 30_000, () => 1)).toBe(500)
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(20, 500, 30_000, () => 0)).toBe(15_000)
  })
})
