import { HyperdeltaError } from '../../index.js'
import { VDS_FACTS } from '../../wire.js'
import { ApiError } from '../http/api-error.js'
import type { ServerPersonality } from './personality.js'

/**
 * The VizQL Data Service's published limits, played by the emulator (the facts are in VDS_FACTS): a per-site query
 * cap per hour answered with 429000 and Retry-After, 403800 for a user without API Access, and 400804 for an answer
 * over a response limit. Emulator choices (not documented by Tableau): the window slides (a query frees its slot an
 * hour after it was served), refused queries do not count, `read-metadata` counts (VDS_FACTS.metadataCounts), and
 * Retry-After is the wait until the oldest query in the window leaves it.
 */

/** The site's VizQL Data Service quota. */
export interface VdsQuotaOptions {
  /** Queries each site may send per window (e.g. 100 × Creator licences). */
  queriesPerHour: number
  /** The window's length; default one hour (shorten it in tests to see Retry-After honoured). */
  windowMs?: number
}

export interface VdsCounters {
  /** Queries answered (both methods). */
  served: number
  /** Answered 429000 (quota spent). */
  quotaExceeded: number
  /** Answered 403800 (no API Access). */
  accessDenied: number
  /** Answered 400804 (response over the limit). */
  tooLarge: number
  /** The largest answer body sent, in bytes. */
  largestAnswerBytes: number
}

const HOUR_MS = 60 * 60 * 1000

function positive(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
    throw new HyperdeltaError('CONFIG_INVALID', `emulator: ${field} must be a whole number, 1 or more`, {
      details: { field, value },
    })
  }
}

/**
 * VizQL Data Service limits of one emulator (`emu.faults.vds`), set at run time; the personality's
 * `vdsQueriesPerHour` / `vdsAccessDenied` apply until one is set here.
 *
 * @example
 * ```ts
 * emu.faults.vds.quota({ queriesPerHour: 3 })
 * emu.faults.vds.denyAccess()
 * emu.faults.vds.maxResponseBytes(10_000)
 * expect(emu.faults.vds.counters.quotaExceeded).toBe(1)
 * ```
 */
export class VdsFaults {
  readonly counters: VdsCounters = { served: 0, quotaExceeded: 0, accessDenied: 0, tooLarge: 0, largestAnswerBytes: 0 }
  #quota: VdsQuotaOptions | undefined
  #denied: boolean | undefined
  #maxResponseBytes: number | undefined
  /** Times of the queries served in the window, per site id. */
  readonly #served = new Map<string, number[]>()

  /** Each site may send `queriesPerHour` queries per window; more are answered 429000 with Retry-After. */
  quota(options: VdsQuotaOptions): void {
    positive('queriesPerHour', options.queriesPerHour)
    positive('windowMs', options.windowMs)
    this.#quota = { ...options }
  }

  /** Every query is answered 403800 (the user lacks API Access); `false` lifts it. */
  denyAccess(denied = true): void {
    this.#denied = denied
  }

  /** Answers larger than this many bytes are 400804 instead; `undefined` lifts it. */
  maxResponseBytes(bytes: number | undefined): void {
    positive('maxResponseBytes', bytes)
    this.#maxResponseBytes = bytes
  }

  /** Lifts every limit set here (the personality's apply again) and forgets the served queries. */
  clear(): void {
    this.#quota = undefined
    this.#denied = undefined
    this.#maxResponseBytes = undefined
    this.#served.clear()
  }

  /** @internal Admits one query of `siteId`, or throws the service's 403800 / 429000. */
  admit(siteId: string, personality: ServerPersonality, now: number): void {
    if (this.#denied ?? personality.vdsAccessDenied) {
      this.counters.accessDenied++
      throw new ApiError(
        403,
        VDS_FACTS.accessDeniedCode.value,
        'API access permission denied',
        "The user doesn't have API Access granted on the given data source.",
      )
    }
    const perHour = this.#quota?.queriesPerHour ?? personality.vdsQueriesPerHour
    const windowMs = this.#quota?.windowMs ?? HOUR_MS
    const times = (this.#served.get(siteId) ?? []).filter((t) => t > now - windowMs)
    this.#served.set(siteId, times)
    if (perHour !== undefined && times.length >= perHour) {
      this.counters.quotaExceeded++
      const wait = Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000))
      throw new ApiError(
        429,
        VDS_FACTS.quotaExceededCode.value,
        'Too many requests',
        `The site's VizQL Data Service quota (${perHour} queries per ${Math.round(windowMs / 1000)} s) is spent.`,
        { 'retry-after': String(wait) },
      )
    }
    times.push(now)
    this.counters.served++
  }

  /** @internal Checks an answer's size before it is sent: over the limit it is 400804 instead. */
  answer(bytes: number): void {
    if (this.#maxResponseBytes !== undefined && bytes > this.#maxResponseBytes) {
      this.counters.tooLarge++
      throw new ApiError(
        400,
        VDS_FACTS.responseTooLargeCode.value,
        'Response too large',
        'The response value exceeds the limit. You must apply a filter in your request.',
      )
    }
    this.counters.largestAnswerBytes = Math.max(this.counters.largestAnswerBytes, bytes)
  }
}
