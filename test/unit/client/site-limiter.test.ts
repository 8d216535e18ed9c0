import { describe, expect, it } from 'vitest'
import { type ApiRequest, compose, type Send } from '../../../src/client/transport/api-request.js'
import { concurrencyLayer } from '../../../src/client/transport/concurrency-layer.js'
import { apiPath } from '../../../src/client/transport/request-path.js'
import { DEFAULT_RETRY_POLICY, retryLayer } from '../../../src/client/transport/retry-policy.js'
import { SiteLimiter } from '../../../src/client/transport/site-limiter.js'
import { DEFAULT_MAX_CONCURRENT_REQUESTS, maxConcurrentRequests } from '../../../src/client/transport/site-limits.js'
import { environment, HyperdeltaError, isHyperdeltaError } from '../../../src/index.js'
import { SITE_LIMIT_FACTS } from '../../../src/wire.js'
import { captureLogger } from './helpers.js'

/** A promise with its resolve and reject at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

/** `slot` once granted, after `note()` has run. */
async function noted<T>(slot: Promise<T>, note: () => unknown): Promise<T> {
  const release = await slot
  note()
  return release
}

/** A stand-in for the HTTP layer answering whatever `answer` returns. */
const fakeSend = (answer: (request: ApiRequest) => Promise<unknown>): Send => answer as Send

const tick = () => new Promise((ok) => setImmediate(ok))

describe('SiteLimiter', () => {
  it('serves waiters first come, first served', async () => {
    const limiter = new SiteLimiter(1)
    const first = await limiter.acquire()
    const order: string[] = []
    const waiters = ['b', 'c', 'd'].map((name) =>
      limiter.acquire().then((release) => {
        order.push(name)
        return release
      }),
    )
    await tick()
    expect(order).toEqual([])
    expect(limiter.waiting).toBe(3)
    first()
    for (const w of waiters) (await w)()
    expect(order).toEqual(['b', 'c', 'd'])
    expect(limiter.inFlight).toBe(0)
    expect(limiter.maxInFlight).toBe(1)
  })

  it('a slot given back goes to the first waiter, never to a caller arriving after it', async () => {
    const limiter = new SiteLimiter(2)
    const a = await limiter.acquire()
    const b = await limiter.acquire()
    const order: string[] = []
    const c = noted(limiter.acquire(), () => order.push('c'))
    a()
    // The slot a gave back went to c at once, so d, arriving now, waits for the next one.
    const d = noted(limiter.acquire(), () => order.push('d'))
    ;(await c)()
    b()
    ;(await d)()
    expect(order).toEqual(['c', 'd'])
  })

  it('a waiter whose signal fires leaves the queue with ABORTED and holds nothing', async () => {
    const limiter = new SiteLimiter(1)
    const held = await limiter.acquire()
    const controller = new AbortController()
    const aborted = limiter.acquire(controller.signal, 'upload: PUT /x')
    const next = limiter.acquire()
    controller.abort(new Error('stop'))
    const error = await aborted.catch((e) => e)
    expect(isHyperdeltaError(error, 'ABORTED')).toBe(true)
    expect(error.message).toContain('upload: PUT /x (waiting for a request slot)')
    expect(limiter.waiting).toBe(1)
    held()
    ;(await next)()
    expect(limiter.inFlight).toBe(0)
  })

  it('refuses at once with an already aborted signal', async () => {
    const limiter = new SiteLimiter(5)
    const controller = new AbortController()
    controller.abort()
    await expect(limiter.acquire(controller.signal)).rejects.toMatchObject({ code: 'ABORTED' })
    expect(limiter.inFlight).toBe(0)
  })

  it('a release called twice gives back one slot', async () => {
    const limiter = new SiteLimiter(2)
    const a = await limiter.acquire()
    await limiter.acquire()
    a()
    a()
    expect(limiter.inFlight).toBe(1)
  })

  it('a lowered limit admits nobody until enough slots are back; a raised one admits waiters at once', async () => {
    const limiter = new SiteLimiter(3)
    const held = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()]
    limiter.limit = 1
    let admitted = false
    const waiter = noted(limiter.acquire(), () => {
      admitted = true
    })
    held[0]!()
    held[1]!()
    await tick()
    expect(admitted).toBe(false)
    held[2]!()
    ;(await waiter)()
    limiter.limit = 1
    const x = await limiter.acquire()
    let y = false
    void noted(limiter.acquire(), () => {
      y = true
    })
    await tick()
    expect(y).toBe(false)
    limiter.limit = 2
    await tick()
    expect(y).toBe(true)
    x()
  })
})

describe('the concurrency layer under the retry layer', () => {
  const request = (label: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
    label,
    method: 'GET',
    path: apiPath`/jobs/${label}`,
    expect: [200],
    schema: { safeParse: (v: unknown) => ({ success: true, data: v }) } as never,
    ...extra,
  })

  it('gives the slot back when the attempt fails, and while a retry sleeps', async () => {
    const limiter = new SiteLimiter(1)
    const sleeping = deferred()
    const wake = deferred()
    const env = environment({
      sleep: async () => {
        sleeping.resolve()
        await wake.promise
      },
    })
    let attemptsOfA = 0
    const http = fakeSend(async (r) => {
      if (r.label === 'a' && ++attemptsOfA === 1) {
        expect(limiter.inFlight).toBe(1)
        throw new HyperdeltaError('API_ERROR', '429', {
          retryable: true,
          details: { status: 429, tableauCode: '429000', method: 'GET', url: '/x', retryAfterMs: 1000 },
        })
      }
      return r.label
    })
    const send = compose(retryLayer(DEFAULT_RETRY_POLICY, env), concurrencyLayer(limiter, env))(http)
    const a = send(request('a'))
    await sleeping.promise
    // a sleeps for its Retry-After holding nothing: b gets the one slot meanwhile.
    expect(limiter.inFlight).toBe(0)
    await expect(send(request('b'))).resolves.toBe('b')
    wake.resolve()
    await expect(a).resolves.toBe('a')
    expect(attemptsOfA).toBe(2)
    expect(limiter.inFlight).toBe(0)
    expect(limiter.maxInFlight).toBe(1)
  })

  it('gives the slot back on a terminal error', async () => {
    const limiter = new SiteLimiter(1)
    const env = environment()
    const http = fakeSend(async (r) => {
      if (r.label === 'bad') throw new Error('boom')
      return r.label
    })
    const send = compose(retryLayer(DEFAULT_RETRY_POLICY, env), concurrencyLayer(limiter, env))(http)
    await expect(send(request('bad'))).rejects.toThrow('boom')
    expect(limiter.inFlight).toBe(0)
    await expect(send(request('good'))).resolves.toBe('good')
  })

  it('keeps at most `limit` attempts in flight and says so in a debug line when one waits', async () => {
    const limiter = new SiteLimiter(2)
    const logger = captureLogger()
    const env = environment({ logger })
    let now = 0
    let most = 0
    const http = fakeSend(async (r) => {
      most = Math.max(most, ++now)
      await tick()
      now--
      return r.label
    })
    const send = concurrencyLayer(limiter, env)(http)
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => send(request(`r${i}`))))
    expect(answers).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
    expect(most).toBe(2)
    expect(logger.lines.filter((l) => l.message === 'client: waiting for a request slot')).toHaveLength(5)
  })

  it('an abort while queued ends the request with ABORTED before anything is sent', async () => {
    const limiter = new SiteLimiter(1)
    const env = environment()
    const sent: string[] = []
    const gate = deferred()
    const http = fakeSend(async (r) => {
      sent.push(r.label)
      if (r.label === 'slow') await gate.promise
      return r.label
    })
    const send = compose(retryLayer(DEFAULT_RETRY_POLICY, env), concurrencyLayer(limiter, env))(http)
    const slow = send(request('slow'))
    const controller = new AbortController()
    const queued = send(request('queued', { signal: controller.signal }))
    controller.abort()
    await expect(queued).rejects.toMatchObject({ code: 'ABORTED' })
    gate.resolve()
    await slow
    expect(sent).toEqual(['slow'])
  })
})

describe('the limit facts and the option', () => {
  it('the default stays within the published per-site limit', () => {
    expect(DEFAULT_MAX_CONCURRENT_REQUESTS).toBeLessThan(SITE_LIMIT_FACTS.concurrentRequestsPerSite.value)
    expect(maxConcurrentRequests(undefined)).toBe(DEFAULT_MAX_CONCURRENT_REQUESTS)
    expect(maxConcurrentRequests(3)).toBe(3)
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxConcurrentRequests %s', (n) => {
    let error: unknown
    try {
      maxConcurrentRequests(n)
    } catch (e) {
      error = e
    }
    expect(isHyperdeltaError(error, 'CONFIG_INVALID')).toBe(true)
    expect((error as { details: { field: string } }).details.field).toBe('maxConcurrentRequests')
  })
})
