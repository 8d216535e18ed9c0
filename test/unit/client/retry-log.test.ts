import { describe, expect, it } from 'vitest'
import { isHyperdeltaError } from '../../../src/index.js'
import { PAT_SECRET, SITE, signedIn, TOKEN } from './helpers.js'

// What an operator reads at 3 a.m.: each retry logged at info as it happens, and a final network error that
// names the host and how many attempts it took — never a token, a secret or a query string.

const JOB = `${SITE}/jobs/j1`
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })

describe('retries an operator can read', () => {
  it('logs each retry at info with method, path, wait and attempt; the final error names host and attempts', async () => {
    const { client, pool, logger } = await signedIn({ retry: { maxAttempts: 5, baseDelayMs: 2000 } })
    pool.intercept({ path: JOB, method: 'GET' }).replyWithError(refused()).times(5)
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'NETWORK_ERROR')).toBe(true)
    expect(error.message).toBe(`network: tableau.test unreachable (ECONNREFUSED) after 5 attempts; job j1: GET ${JOB}`)
    expect(error.details).toMatchObject({ host: 'tableau.test', reason: 'ECONNREFUSED', attempts: 5 })
    expect(error.retryable).toBe(true)
    const retries = logger.lines.filter((l) => l.message.includes('retrying in'))
    expect(retries.map((l) => l.level)).toEqual(['info', 'info', 'info', 'info'])
    // equal jitter with random() = 0.5: 3/4 of 2 s, 4 s, 8 s, 16 s
    expect(retries.map((l) => l.message)).toEqual([
      `job j1: GET ${JOB}: tableau.test unreachable (ECONNREFUSED); retrying in 1.5 s, attempt 2/5`,
      `job j1: GET ${JOB}: tableau.test unreachable (ECONNREFUSED); retrying in 3 s, attempt 3/5`,
      `job j1: GET ${JOB}: tableau.test unreachable (ECONNREFUSED); retrying in 6 s, attempt 4/5`,
      `job j1: GET ${JOB}: tableau.test unreachable (ECONNREFUSED); retrying in 12 s, attempt 5/5`,
    ])
    expect(logger.text()).not.toContain(TOKEN)
    expect(logger.text()).not.toContain(PAT_SECRET)
  })

  it('logs an HTTP retry with its status, and a success after retries throws nothing', async () => {
    const { client, pool, logger } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(503, { error: { code: '503000' } }, { headers: {} })
    pool.intercept({ path: JOB, method: 'GET' }).reply(
      200,
      { job: { id: 'j1', mode: 'Asynchronous', type: 'x', progress: '100', finishCode: '0' } },
      {
        headers: { 'content-type': 'application/json' },
      },
    )
    await client.getJob('j1').catch(() => undefined)
    expect(logger.lines.find((l) => l.message.includes('retrying in'))).toMatchObject({
      level: 'info',
      message: `job j1: GET ${JOB}: HTTP 503 (503000); retrying in 0.4 s, attempt 2/5`,
    })
  })

  it('keeps the query string (filter values, tokens) out of the message and the retry lines', async () => {
    const { client, pool, logger } = await signedIn({ retry: { maxAttempts: 2 } })
    const path = `${SITE}/datasources?filter=name:eq:s3cr3t-name&pageSize=1000&pageNumber=1`
    pool.intercept({ path, method: 'GET' }).replyWithError(refused()).times(2)
    const error = await client.findDatasource({ name: 's3cr3t-name' }).catch((e) => e)
    expect(error.message).toBe(
      `network: tableau.test unreachable (ECONNREFUSED) after 2 attempts; datasource: GET ${SITE}/datasources`,
    )
    expect(
      logger.lines
        .filter((l) => l.level === 'info')
        .map((l) => l.message)
        .join('\n'),
    ).not.toContain('s3cr3t')
  })
})
