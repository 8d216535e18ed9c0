import { HyperdeltaError } from '../../errors.js'

// What Tableau publishes about how many REST requests one site takes at once, and the client's default under it:
// the one place. The limiter (site-limiter.ts) and the docs read these; when a real server disagrees, edit the fact
// here.

/** A fact and how we know it: CONFIRMED (a Tableau source says so) or INFERRED (our reading; where it may differ). */
export interface SiteLimitFact<T> {
  readonly value: T
  readonly evidence: 'CONFIRMED' | 'INFERRED'
  readonly source: string
}

const KB_CONCURRENCY = 'kb.tableau.com, "Concurrency limits in REST APIs on Tableau Cloud"'

export const SITE_LIMIT_FACTS = {
  /** Long-running REST requests one Tableau Cloud site serves at once; more are answered 429. */
  concurrentRequestsPerSite: { value: 20, evidence: 'CONFIRMED', source: KB_CONCURRENCY } as SiteLimitFact<number>,
  /** REST calls one user may make on one site per hour (Tableau Cloud). */
  callsPerUserPerHour: {
    value: 40_000,
    evidence: 'CONFIRMED',
    source: 'Tableau Migration SDK docs (Tableau Cloud API rate limits)',
  } as SiteLimitFact<number>,
  /** The answer to a request over the limit: HTTP 429 with Tableau code 429000 (as for throttled polling). */
  overLimitCode: {
    value: '429000',
    evidence: 'CONFIRMED',
    source: `${KB_CONCURRENCY}; the code as seen in tableau/server-client-python#952`,
  } as SiteLimitFact<string>,
  /**
   * Which requests are "long-running": Tableau does not say. The client counts every request it sends to the site
   * (sign-in and job polls included), so it stays under the limit whatever the server counts.
   */
  countedRequests: {
    value: 'every request',
    evidence: 'INFERRED',
    source: 'not documented; the conservative reading',
  } as SiteLimitFact<string>,
  /** Whether a 429 for concurrency carries `Retry-After`: not documented; honoured when sent, backoff otherwise. */
  retryAfterOnLimit: { value: 'when sent', evidence: 'INFERRED', source: 'not documented' } as SiteLimitFact<string>,
  /**
   * Site content URLs match case-insensitively, so `Sales` and `sales` are one site (and share one limiter; sharing
   * more keeps under the limit either way). The emulator reads them so too.
   */
  contentUrlCase: {
    value: 'case-insensitive',
    evidence: 'INFERRED',
    source: 'not documented for sign-in; the conservative reading',
  } as SiteLimitFact<string>,
  /** Tableau Server: no published per-site cap; the same client default applies. */
  serverLimit: {
    value: 'none published',
    evidence: 'INFERRED',
    source: 'no Tableau Server page found; from 2026.1 Tableau Cloud Manager sets some capacity per tenant',
  } as SiteLimitFact<string>,
} as const

/**
 * Requests one process keeps in flight per server origin and site by default: half the published Tableau Cloud
 * limit, leaving room for the other tools (Prep, Bridge, scripts) working on the same site.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 10

/** The `maxConcurrentRequests` option checked: a whole number, 1 or more (`CONFIG_INVALID`); default when omitted. */
export function maxConcurrentRequests(given: number | undefined): number {
  if (given === undefined) return DEFAULT_MAX_CONCURRENT_REQUESTS
  if (!Number.isSafeInteger(given) || given < 1) {
    throw new HyperdeltaError('CONFIG_INVALID', 'client: maxConcurrentRequests must be a whole number, 1 or more', {
      details: { field: 'maxConcurrentRequests' },
    })
  }
  return given
}
