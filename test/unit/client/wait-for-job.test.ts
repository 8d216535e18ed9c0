import { describe, expect, it } from 'vitest'
import { isHyperdeltaError, type Job } from '../../../src/index.js'
import { jobBody, json, SITE, signedIn } from './helpers.js'

const JOB = `${SITE}/jobs/j1`
const running = jobBody('j1', { startedAt: '2021-10-05T18:53:34Z' })
const ended = (finishCode: string, extra: Record<string, unknown> = {}) =>
  jobBody('j1', { progress: '100', completedAt: '2021-10-05T18:53:35Z', finishCode, ...extra })

describe('waitForJob', () => {
  it('polls at once, then backs off ~0.5 s ×1.4 up to 30 s, and resolves on success', async () => {
    const { client, pool, clock } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, running, json).times(14)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, ended('0'), json)
    const seen: Job[] = []
    const job = await client.waitForJob('j1', { onProgress: (j) => seen.push(j) })
    expect(job).toMatchObject({ id: 'j1', finishCode: 0, progress: 100 })
    expect(seen).toHaveLength(15)
    // random() = 0.5 → no jitter; first poll needs no sleep
    expect(clock.sleeps).toEqual([500, 700, 980, 1372, 1921, 2689, 3765, 5271, 7379, 10331, 14463, 20248, 28347, 30000])
  })

  it('jitters each sleep by at most ±20%', async () => {
    const { client, pool, clock } = await signedIn({ random: () => 0 })
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, running, json).times(2)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, ended('3'), json)
    await expect(client.waitForJob('j1')).resolves.toMatchObject({ finishCode: 3 })
    expect(clock.sleeps).toEqual([400, 560])
  })

  it('throws JOB_FAILED with finish code, notes, status notes and the job', async () => {
    const { client, pool } = await signedIn()
    const notes =
      'com.tableausoftware.server.status.reporting.TableauRuntimeException: Specified table does not exist: updated_rows. (errorCode=410012)'
    pool.intercept({ path: JOB, method: 'GET' }).reply(
      200,
      ended('1', {
        updateUploadedFileJob: { datasource: { id: 'ds-1' }, notes },
        statusNotes: { statusNote: { type: 'CountOfRowsUpdated', value: '0', text: 'rows' } },
      }),
      json,
    )
    const error = await client.waitForJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'JOB_FAILED')).toBe(true)
    // a schema error: the same request fails again, so it is not retryable
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/^job j1: failed \(finishCode 1\): .*errorCode=410012/)
    expect(error.details.finishCode).toBe(1)
    expect(error.details.notes).toEqual([notes])
    expect(error.details.statusNotes).toEqual([{ type: 'CountOfRowsUpdated', value: '0', text: 'rows' }])
    expect(error.details.job.id).toBe('j1')
  })

  it('throws JOB_FAILED with empty notes when the server gives none', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, ended('1'), json)
    const error = await client.waitForJob('j1').catch((e) => e)
    expect(error.code).toBe('JOB_FAILED')
    // no request error in the notes: it applied nothing, and another attempt may pass
    expect(error.retryable).toBe(true)
    expect(error.details.notes).toEqual([])
    expect(error.message).toContain('no notes')
  })

  it('throws JOB_CANCELLED for finish code 2 and JOB_UNKNOWN_OUTCOME for others', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, ended('2'), json)
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, ended('7'), json)
    expect(await client.waitForJob('j1').catch((e) => e)).toMatchObject({ code: 'JOB_CANCELLED', retryable: true })
    const unknown = await client.waitForJob('j1').catch((e) => e)
    expect(unknown.code).toBe('JOB_UNKNOWN_OUTCOME')
    expect(unknown.details.finishCode).toBe(7)
  })

  it('times out at the deadline and leaves the job running', async () => {
    const { client, pool, clock } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, running, json).persist()
    const error = await client.waitForJob('j1', { timeoutMs: 5_000 }).catch((e) => e)
    expect(isHyperdeltaError(error, 'JOB_TIMEOUT')).toBe(true)
    expect(error.retryable).toBe(true)
    expect(error.details.job.id).toBe('j1')
    // the last sleep is cut to the deadline, then one final poll
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(5_000)
    expect(clock.sleeps).toEqual([500, 700, 980, 1372, 1448])
  })

  it('on abort while sleeping: by default leaves the job running and throws a retryable JOB_ABORTED', async () => {
    const controller = new AbortController()
    let sleeps = 0
    const { client, pool } = await signedIn({
      sleep: async (_ms, signal) => {
        if (++sleeps === 2) controller.abort(new Error('user stop'))
        if (signal?.aborted) throw signal.reason
      },
    })
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, running, json).persist()
    let cancelled = 0
    pool
      .intercept({ path: JOB, method: 'PUT' })
      .reply(200, () => {
        cancelled++
        return ''
      })
      .persist()
    const error = await client.waitForJob('j1', { signal: controller.signal }).catch((e) => e)
    expect(isHyperdeltaError(error, 'JOB_ABORTED')).toBe(true)
    expect(error.retryable).toBe(true)
    expect(error.details).toMatchObject({ jobId: 'j1', cancelRequested: false })
    expect(error.message).toContain('keeps running')
    expect(cancelled).toBe(0)
  })

  it('on abort while sleeping with cancelOnAbort: cancels the job on the server, then throws JOB_ABORTED', async () => {
    const controller = new AbortController()
    let sleeps = 0
    const { client, pool } = await signedIn({
      sleep: async (_ms, signal) => {
        if (++sleeps === 2) controller.abort(new Error('user stop'))
        if (signal?.aborted) throw signal.reason
      },
    })
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, running, json).persist()
    let cancelled = 0
    pool.intercept({ path: JOB, method: 'PUT' }).reply(200, () => {
      cancelled++
      return ''
    })
    const error = await client.waitForJob('j1', { signal: controller.signal, cancelOnAbort: true }).catch((e) => e)
    expect(isHyperdeltaError(error, 'JOB_ABORTED')).toBe(true)
    expect(error.details).toMatchObject({ jobId: 'j1', cancelRequested: true })
    expect(cancelled).toBe(1)
  })

  it('on abort before the first poll with cancelOnAbort: cancels and throws, even when cancel fails', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: JOB, method: 'PUT' }).reply(404, { error: { code: '404000' } }, json)
    const error = await client.waitForJob('j1', { signal: AbortSignal.abort(), cancelOnAbort: true }).catch((e) => e)
    expect(error.code).toBe('JOB_ABORTED')
    expect(error.details.cancelRequested).toBe(false)
    expect(error.message).toContain('may still run')
  })

  it('passes terminal poll errors through', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(400, { error: { code: '400031', summary: 'problem querying job' } }, json)
    const error = await client.waitForJob('j1').catch((e) => e)
    expect(error.code).toBe('API_ERROR')
    expect(error.details.tableauCode).toBe('400031')
  })
})

describe('cancelJob', () => {
  it('PUTs the job without a body and accepts an empty answer', async () => {
    const { client, pool } = await signedIn()
    let body: unknown = 'unset'
    pool.intercept({ path: JOB, method: 'PUT' }).reply(200, (opts) => {
      body = opts.body
      return ''
    })
    await expect(client.cancelJob('j1')).resolves.toBeUndefined()
    expect(body).toBeUndefined()
  })
})
