import type { ServerResponse } from 'node:http'
import { HyperdeltaError } from '../../index.js'
import { SITE_LIMIT_FACTS } from '../../wire.js'
import { ApiError } from '../http/api-error.js'

/**
 * Tableau Cloud's limit on concurrent REST requests per site (SITE_LIMIT_FACTS), played by the emulator: a request
 * on a site with `perSite` requests already being served is answered 429 / 429000 with Retry-After. Emulator
 * choices (not documented by Tableau): every request whose path names a site counts (sign-in, server info and the
 * VizQL Data Service, which has its own quota, do not), from its arrival until its answer is sent; a refused
 * request does not count; Retry-After is `retryAfterSeconds` (default 1). The most requests served at once per
 * site are counted with or without a limit, so a test can check what a client kept in flight.
 */

/** The per-site limit set at run time (`emu.faults.concurrency.limit`). */
export interface SiteConcurrencyOptions {
  /** Requests each site serves at once; more are answered 429000. */
  perSite: number
  /** Retry-After of the 429, in seconds (default 1; 0 in tests that should not wait). */
  retryAfterSeconds?: number
}

export interface SiteConcurrencyCounters {
  /** Requests answered 429000 for being over the limit. */
  refused: number
  /** The most requests served at once, per site content URL ('' = the default site). */
  maxInFlight: Record<string, number>
}

function wholeNumber(field: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
    throw new HyperdeltaError('CONFIG_INVALID', `emulator: ${field} must be a whole number, ${min} or more`, {
      details: { field, value },
    })
  }
}

/**
 * Requests in flight per site, and the limit on them (`emu.faults.concurrency`); the personality's
 * `maxConcurrentRequestsPerSite` applies until one is set here.
 *
 * @example
 * ```ts
 * emu.faults.concurrency.limit({ perSite: 2, retryAfterSeconds: 0 })
 * // ... run clients ...
 * expect(emu.faults.concurrency.counters.maxInFlight['']).toBeLessThanOrEqual(2)
 * ```
 */
export class SiteConcurrency {
  readonly counters: SiteConcurrencyCounters = { refused: 0, maxInFlight: {} }
  #options: SiteConcurrencyOptions | undefined
  readonly #inFlight = new Map<string, number>()

  /** Each site serves at most `perSite` requests at once; `undefined` lifts the limit (the personality's applies). */
  limit(options: SiteConcurrencyOptions | undefined): void {
    wholeNumber('perSite', options?.perSite, 1)
    wholeNumber('retryAfterSeconds', options?.retryAfterSeconds, 0)
    this.#options = options === undefined ? undefined : { ...options }
  }

  /** Requests of `site` (content URL) being served now. */
  inFlight(site: string): number {
    return this.#inFlight.get(site) ?? 0
  }

  /** Sets the counters back to zero (requests in flight stay counted). */
  resetCounters(): void {
    this.counters.refused = 0
    this.counters.maxInFlight = {}
  }

  /** @internal Admits one request of `site` until `res` is done, or throws the 429000 of a full site. */
  enter(site: string, perSiteDefault: number | undefined, res: ServerResponse): void {
    const perSite = this.#options?.perSite ?? perSiteDefault
    const now = this.inFlight(site)
    if (perSite !== undefined && now >= perSite) {
      this.counters.refused++
      throw new ApiError(
        429,
        SITE_LIMIT_FACTS.overLimitCode.value,
        'Too Many Requests',
        `The site has reached its limit of ${perSite} concurrent requests; retry later.`,
        { 'retry-after': String(this.#options?.retryAfterSeconds ?? 1) },
      )
    }
    this.#inFlight.set(site, now + 1)
    this.counters.maxInFlight[site] = Math.max(this.counters.maxInFlight[site] ?? 0, now + 1)
    let left = false
    const leave = () => {
      if (left) return
      left = true
      this.#inFlight.set(site, this.inFlight(site) - 1)
    }
    // 'finish' once the answer is handed to the socket (before the client can send its next request); 'close' for a
    // connection that ends before that.
    res.once('finish', leave)
    res.once('close', leave)
  }
}
