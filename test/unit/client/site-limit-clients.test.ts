import type { MockPool } from 'undici'
import { describe, expect, it } from 'vitest'
import { leaseSiteLimiter } from '../../../src/client/transport/concurrency-layer.js'
import type { SiteLimiter } from '../../../src/client/transport/site-limiter.js'
import { TableauClient } from '../../../src/index.js'
import { jobBody, json, mockServer, ORIGIN, PAT_SECRET, SITE, serverInfoReply, signInReply } from './helpers.js'

// Every client of the process on one (origin, site) draws from one limiter; other sites have their own.

/** The limiter of (ORIGIN, site), read through a lease given back at once (so it changes no limit). */
function limiterOf(site: string): SiteLimiter {
  const lease = leaseSiteLimiter(ORIGIN, site, Number.MAX_SAFE_INTEGER)
  lease.release()
  return lease.limiter
}

async function clientOn(site: string, pool: MockPool, agent: ReturnType<typeof mockServer>['agent'], max?: number) {
  serverInfoReply(pool)
  signInReply(pool)
  pool.intercept({ path: '/api/3.24/auth/signout', method: 'POST' }).reply(204, '')
  return TableauClient.signIn({
    server: ORIGIN,
    site,
    auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
    dispatcher: agent,
    ...(max !== undefined && { maxConcurrentRequests: max }),
  })
}

/** `n` job polls answered after `delayMs` each. */
function slowJobs(pool: MockPool, n: number, delayMs: number) {
  for (let i = 0; i < n; i++) {
    pool
      .intercept({ path: `${SITE}/jobs/j${i}`, method: 'GET' })
      .reply(200, jobBody(`j${i}`), json)
      .delay(delayMs)
  }
}

describe('one limiter per origin and site, shared by the clients of the process', () => {
  it('two clients of one site share the smaller limit; closing one restores the other’s', async () => {
    const { agent, pool } = mockServer()
    const wide = await clientOn('shared', pool, agent, 3)
    const narrow = await clientOn('Shared', pool, agent, 1) // content URLs match case-insensitively
    const limiter = limiterOf('shared')
    expect(limiter.limit).toBe(1)
    slowJobs(pool, 4, 20)
    const polls = [0, 1, 2, 3].map((i) => (i % 2 ? narrow : wide).getJob(`j${i}`))
    await Promise.all(polls)
    expect(limiter.maxInFlight).toBe(1)
    await narrow.close()
    expect(limiter.limit).toBe(3)
    await wide.close()
  })

  it('another site of the same server has its own limiter and limit', async () => {
    const { agent, pool } = mockServer()
    const one = await clientOn('site-a', pool, agent, 2)
    const other = await clientOn('site-b', pool, agent, 3)
    slowJobs(pool, 6, 20)
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i < 3 ? one : other).getJob(`j${i}`)))
    const a = limiterOf('site-a')
    const b = limiterOf('site-b')
    expect(a).not.toBe(b)
    expect(a.maxInFlight).toBe(2)
    expect(b.maxInFlight).toBe(3)
    await one.close()
    await other.close()
  })

  it('the default limit applies without the option, and a failed sign-in gives its lease back', async () => {
    const { agent, pool } = mockServer()
    const client = await clientOn('defaults', pool, agent)
    expect(limiterOf('defaults').limit).toBe(10)
    serverInfoReply(pool)
    pool.intercept({ path: '/api/3.24/auth/signin', method: 'POST' }).reply(401, { error: { code: '401001' } }, json)
    const failed = TableauClient.signIn({
      server: ORIGIN,
      site: 'defaults',
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
      maxConcurrentRequests: 1,
    })
    await expect(failed).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    expect(limiterOf('defaults').limit).toBe(10)
    await client.close()
  })

  it('refuses a bad maxConcurrentRequests before anything is sent', async () => {
    const { agent } = mockServer()
    const error = await TableauClient.signIn({
      server: ORIGIN,
      site: 'bad',
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
      maxConcurrentRequests: 0,
    }).catch((e) => e)
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'maxConcurrentRequests' } })
  })
})
