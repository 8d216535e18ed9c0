import type { Environment } from '../../environment.js'
import type { Layer } from './api-request.js'
import { SiteLimiter } from './site-limiter.js'

// The process-wide limiters, one per (server origin, site content URL): every client of the process talking to the
// same site draws its request slots from the same one, so parallel pushes, pipelines and lanes together stay under
// the site's limit (SITE_LIMIT_FACTS). The rule for a shared key: its limit is the smallest `maxConcurrentRequests`
// of the clients holding a lease on it now; when a client closes, the others' smallest applies again.

interface Entry {
  readonly limiter: SiteLimiter
  /** Each open lease's requested limit. */
  readonly asks: Map<symbol, number>
}

const registry = new Map<string, Entry>()

/**
 * The key of a site: the origin (scheme, lower-case host and port, path prefix) as `parseServer` gives it, and the
 * content URL in lower case (SITE_LIMIT_FACTS.contentUrlCase).
 */
export function siteKey(origin: string, site: string): string {
  return `${origin}\n${site.toLowerCase()}`
}

/** A client's hold on its site's limiter; `release()` when the client closes (again: nothing). */
export interface SiteLease {
  readonly limiter: SiteLimiter
  release(): void
}

/**
 * Takes a lease on the limiter of (origin, site) for a client asking for `max` requests in flight, creating the
 * limiter on first use. An entry outlives its last lease (with the last limit) so requests of a closed client still
 * in flight stay counted.
 */
export function leaseSiteLimiter(origin: string, site: string, max: number): SiteLease {
  const key = siteKey(origin, site)
  let entry = registry.get(key)
  if (entry === undefined) {
    entry = { limiter: new SiteLimiter(max), asks: new Map() }
    registry.set(key, entry)
  }
  const { limiter, asks } = entry
  const id = Symbol('lease')
  asks.set(id, max)
  limiter.limit = Math.min(...asks.values())
  return {
    limiter,
    release() {
      if (!asks.delete(id) || asks.size === 0) return
      limiter.limit = Math.min(...asks.values())
    },
  }
}

/**
 * The concurrency layer: each attempt holds one slot of the site's limiter from before it is sent until its answer
 * is read (a download's body streamed to its end). It sits below the retry layer, so a retry gives its slot back
 * while it sleeps (for Retry-After or a backoff) and queues again behind the requests that came meanwhile; and
 * below re-auth, so a re-sign-in never waits on a slot its own caller holds.
 */
export function concurrencyLayer(limiter: SiteLimiter, env: Pick<Environment, 'logger'>): Layer {
  return (next) => async (request) => {
    const what = `${request.label}: ${request.method} ${request.path.split('?')[0]}`
    if (limiter.inFlight >= limiter.limit || limiter.waiting > 0) {
      env.logger.debug('client: waiting for a request slot', {
        label: request.label,
        limit: limiter.limit,
        waiting: limiter.waiting + 1,
      })
    }
    const release = await limiter.acquire(request.signal, what)
    try {
      return await next(request)
    } finally {
      release()
    }
  }
}
