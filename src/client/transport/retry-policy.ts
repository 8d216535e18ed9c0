import type { Environment } from '../../environment.js'
import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import type { Layer } from './api-request.js'
import { abortedError, withAttempts } from './client-errors.js'

// The client's one retry policy. Every HTTP call goes through `withRetry` with a body factory per attempt (the
// caller's `fn` builds a fresh body, e.g. a new file stream, each time it is called).
//
// Retried: network errors, 408, 429 (honouring Retry-After), 500/502/503/504 — capped exponential backoff with
// jitter, bounded by `maxAttempts`. Also retried: 409094 "data update job already exists" (one update job per data
// source, docs/protocol.md §7.6) — a wait for the running job to finish, bounded by its own time budget. Everything else,
// every other 4xx included, is terminal.

/** Tunables of the retry policy; pass a `Partial` to `TableauClient.signIn({ retry })`. */
export interface RetryPolicyOptions {
  /** Attempts for transient failures, the first included. */
  maxAttempts: number
  /** Backoff before the 2nd attempt; doubles each time. */
  baseDelayMs: number
  /** Cap of one backoff sleep. */
  maxDelayMs: number
  /** A `Retry-After` longer than this stops retrying (the error is thrown, still `retryable`). */
  maxRetryAfterMs: number
  /** Total time to keep waiting while the server answers 409094 (another update job on the data source). */
  conflictBudgetMs: number
  /** First wait after a 409094; doubles up to `maxDelayMs`. */
  conflictDelayMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicyOptions> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
  conflictBudgetMs: 15 * 60_000,
  conflictDelayMs: 2_000,
})

/** HTTP statuses worth repeating the same request for. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** "A data update job for the datasource is already queued or in progress" (docs/protocol.md §7.6, CONFIRMED). */
export const UPDATE_JOB_CONFLICT_CODE = '409094'

/** True for a status the policy retries. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status)
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * The retry layer: repeats a request under the policy, telling the layers below which attempt it is. Each attempt
 * builds a fresh body (`ApiRequest.body` is a factory).
 */
export function retryLayer(policy: RetryPolicyOptions, env: Environment): Layer {
  return (next) => (request) =>
    withRetry((attempt) => next({ ...request, attempt }), policy, env, {
      label: `${request.label}: ${request.method} ${request.path.split('?')[0]}`,
      signal: request.signal,
      ...(request.maxAttempts !== undefined && { maxAttempts: request.maxAttempts }),
      ...(request.retryAmbiguous !== undefined && { retryAmbiguous: request.retryAmbiguous }),
    })
}

type Verdict =
  | { kind: 'terminal' }
  | { kind: 'transient'; retryAfterMs?: number }
  | { kind: 'conflict'; error: HyperdeltaError<'API_ERROR'> }

/**
 * Failures after which the server may already have acted on the request: no answer at all, or a 500/502/504
 * that may come after the work was done. Repeating is safe for idempotent calls (a PATCH carries its
 * RequestID); an append is not idempotent — repeating it could store the chunk twice — so uploads restart
 * the whole upload session instead (see upload-file.ts).
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (isHyperdeltaError(error, 'NETWORK_ERROR')) return true
  if (!isHyperdeltaError(error, 'API_ERROR')) return false
  const { status } = error.details
  return status === 500 || status === 502 || status === 504
}

function classify(error: unknown, retryAmbiguous: boolean): Verdict {
  if (!retryAmbiguous && isAmbiguousFailure(error)) return { kind: 'terminal' }
  if (isHyperdeltaError(error, 'NETWORK_ERROR')) return { kind: 'transient' }
  if (!isHyperdeltaError(error, 'API_ERROR')) return { kind: 'terminal' }
  const d = error.details
  if (d.status === 409 && d.tableauCode === UPDATE_JOB_CONFLICT_CODE) return { kind: 'conflict', error }
  if (isRetryableStatus(d.status)) {
    return d.retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs: d.retryAfterMs }
  }
  return { kind: 'terminal' }
}

/** Capped exponential backoff with "equal jitter": half fixed, half random, so waits never collapse to zero. */
export function backoffDelay(failures: number, base: number, cap: number, random: () => number): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, failures - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * Runs `fn(attempt)` until it succeeds or the policy gives up; `attempt` starts at 1. Throws the last error (or
 * `DATASOURCE_BUSY` once the 409094 budget is spent, or `ABORTED` when `signal` fires while waiting).
 *
 * @example
 * ```ts
 * const job = await withRetry((attempt) => patchOnce(attempt), DEFAULT_RETRY_POLICY, env, { label: 'update' })
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicyOptions,
  env: Environment,
  options: {
    label: string
    signal?: AbortSignal | undefined
    maxAttempts?: number
    /** false: failures the server may have acted on are not repeated (see isAmbiguousFailure). Default true. */
    retryAmbiguous?: boolean
  } = { label: 'request' },
): Promise<T> {
  const logger = env.logger
  const maxAttempts = options.maxAttempts ?? policy.maxAttempts
  let failures = 0
  let conflicts = 0
  let conflictStart: number | undefined
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw abortedError('client', options.label, options.signal.reason)
    try {
      return await fn(attempt)
    } catch (error) {
      const verdict = classify(error, options.retryAmbiguous ?? true)
      // A network failure that ends the call says how many attempts it took (the operator's first question).
      const final = () =>
        isHyperdeltaError(error, 'NETWORK_ERROR') ? withAttempts(error, options.label, attempt) : error
      if (verdict.kind === 'terminal') throw final()
      let delay: number
      if (verdict.kind === 'conflict') {
        conflictStart ??= env.now()
        const left = policy.conflictBudgetMs - (env.now() - conflictStart)
        if (left <= 0) {
          const e = verdict.error
          throw new HyperdeltaError(
            'DATASOURCE_BUSY',
            `${options.label}: another update job on this data source kept running for ` +
              `${Math.round(policy.conflictBudgetMs / 1000)} s (409094); try again later`,
            { cause: e, retryable: true, details: { ...e.details } },
          )
        }
        conflicts++
        delay = Math.min(left, backoffDelay(conflicts, policy.conflictDelayMs, policy.maxDelayMs, env.random))
      } else {
        failures++
        if (failures >= maxAttempts) throw final()
        if (verdict.retryAfterMs !== undefined) {
          if (verdict.retryAfterMs > policy.maxRetryAfterMs) throw error
          delay = verdict.retryAfterMs
        } else {
          delay = backoffDelay(failures, policy.baseDelayMs, policy.maxDelayMs, env.random)
        }
      }
      logRetry(logger, options.label, error, { delay, attempt, maxAttempts, conflict: verdict.kind === 'conflict' })
      try {
        await env.sleep(delay, options.signal)
      } catch (cause) {
        if (options.signal?.aborted) throw abortedError('client', options.label, cause)
        throw cause
      }
    }
  }
}

/**
 * One info line per retry, as it happens: what failed (label, method, path without query; no secrets: never
 * headers or bodies), why, the wait and which attempt comes next ("retrying in 2 s, attempt 2/5").
 */
function logRetry(
  logger: Environment['logger'],
  label: string,
  error: unknown,
  r: { delay: number; attempt: number; maxAttempts: number; conflict: boolean },
): void {
  const http = isHyperdeltaError(error, 'API_ERROR') ? error.details : undefined
  const net = isHyperdeltaError(error, 'NETWORK_ERROR') ? error.details : undefined
  const why = net
    ? `${net.host ?? 'server'} unreachable (${net.reason})`
    : http
      ? `HTTP ${http.status}${http.tableauCode ? ` (${http.tableauCode})` : ''}`
      : isHyperdeltaError(error)
        ? error.code
        : 'failed'
  const seconds = r.delay >= 10_000 ? Math.round(r.delay / 1000) : Math.round(r.delay / 100) / 10
  const next = r.conflict ? 'another update job is running' : `attempt ${r.attempt + 1}/${r.maxAttempts}`
  logger.info(`${label}: ${why}; retrying in ${seconds} s, ${next}`, {
    label,
    attempt: r.attempt,
    code: isHyperdeltaError(error) ? error.code : undefined,
    status: http?.status,
    tableauCode: http?.tableauCode,
    reason: net?.reason,
    delayMs: r.delay,
  })
}
