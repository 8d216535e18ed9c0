import { HyperdeltaError } from '../../index.js'
import { ENDPOINT_NAMES, ENDPOINTS, type EndpointName } from '../../wire.js'
import { SiteConcurrency } from './site-concurrency.js'
import { VdsFaults } from './vds-limits.js'

/**
 * Fault injection for one emulator. Every fault is opt-in, counted, and observable through
 * `counters`, so tests can assert that a client really met (and survived) it.
 */

/**
 * The emulator's route names, used to aim faults: the protocol catalogue's names of the REST endpoints (the VizQL
 * Data Service has its own dispatcher and takes no faults).
 * @example `emu.faults.respondWith({ status: 503, route: 'appendUpload', times: 1 })`
 */
export type RouteName = {
  [N in EndpointName]: (typeof ENDPOINTS)[N]['scope'] extends 'vds' ? never : N
}[EndpointName]
export const ROUTE_NAMES: readonly RouteName[] = ENDPOINT_NAMES.filter(
  (name): name is RouteName => ENDPOINTS[name].scope !== 'vds',
)

/** What a fault predicate sees about a request. */
export interface FaultRequest {
  readonly method: string
  readonly route: RouteName
  readonly path: string
}

export interface ResponseFault {
  /** 429 (with Retry-After, code 429000) or 503. */
  status: 429 | 503
  /** How many matching requests get the fault. Default 1. */
  times?: number
  /** A route name, or a predicate over the request. Default: every route. */
  route?: RouteName | ((request: FaultRequest) => boolean)
  /** Only this method (with a route name). */
  method?: string
  /** Retry-After seconds sent with a 429. Default 1. */
  retryAfterSeconds?: number
}

/**
 * Points in a job's life where a hook can pause it (or crash the process, to test recovery):
 * `running` once the job is marked running, `before-commit` with every change made but not
 * committed, `after-commit` once the change is durable but before the job is marked done,
 * `finished` after the outcome is saved.
 */
export const JOB_PHASES = ['running', 'before-commit', 'after-commit', 'finished'] as const
export type JobPhase = (typeof JOB_PHASES)[number]

export interface FaultCounters {
  responses429: number
  responses503: number
  appendResets: number
  slowJobs: number
  failedJobs: number
  cancelledJobs: number
  tokenExpiries: number
}

/** The faults still armed (see {@link FaultController.pending}). */
export interface PendingFaults {
  responses: { status: number; left: number; route: string; method: string }[]
  appendResets: { afterBytes: number; left: number }[]
  slowJobs: { extraDelayMs: number; left: number }
  failJobs: { left: number; notes: string }
  cancelJobs: number
  expireTokensAfter: number | undefined
  phaseHooks: number
}

/**
 * Injects faults into one emulator; read `counters` to see which ones fired.
 *
 * @example
 * ```ts
 * emu.faults.respondWith({ status: 429, route: 'queryJob', times: 2, retryAfterSeconds: 0 })
 * emu.faults.resetAppend({ afterBytes: 1024 })
 * emu.faults.failJobs({ times: 1, notes: 'boom' })
 * // ... run the client ...
 * expect(emu.faults.counters.responses429).toBe(2)
 * ```
 */
export class FaultController {
  readonly counters: FaultCounters = {
    responses429: 0,
    responses503: 0,
    appendResets: 0,
    slowJobs: 0,
    failedJobs: 0,
    cancelledJobs: 0,
    tokenExpiries: 0,
  }
  /** The VizQL Data Service's quota, 403800 and response limit (see {@link VdsFaults}). */
  readonly vds = new VdsFaults()
  /** Requests served at once per site, and the limit on them (see {@link SiteConcurrency}). */
  readonly concurrency = new SiteConcurrency()
  private responseFaults: (ResponseFault & { left: number })[] = []
  private appendResets: { afterBytes: number; left: number }[] = []
  private slow = { extraDelayMs: 0, left: 0 }
  private failing = { left: 0, notes: '' }
  private cancelling = 0
  private expireAfter: number | undefined
  private phaseHooks: { phase: JobPhase; left: number; hook: (job: { id: string; phase: JobPhase }) => unknown }[] = []

  /** The next `times` requests matching `route`/`method` answer `status` instead of being served. */
  respondWith(fault: ResponseFault): void {
    this.responseFaults.push({ ...fault, left: fault.times ?? 1 })
  }

  /** The next `times` appends have their connection destroyed after `afterBytes` body bytes. */
  resetAppend(fault: { afterBytes: number; times?: number }): void {
    this.appendResets.push({ afterBytes: fault.afterBytes, left: fault.times ?? 1 })
  }

  /** The next `times` jobs wait `extraDelayMs` more before they start. */
  slowJobs(fault: { extraDelayMs: number; times?: number }): void {
    this.slow = { extraDelayMs: fault.extraDelayMs, left: fault.times ?? 1 }
  }

  /** The next `times` jobs fail (finishCode 1) with `notes`, applying nothing. */
  failJobs(fault: { times?: number; notes?: string }): void {
    this.failing = { left: fault.times ?? 1, notes: fault.notes ?? 'emulator: injected job failure' }
  }

  /** The next `times` jobs end cancelled (finishCode 2), applying nothing. */
  cancelJobs(fault: { times?: number }): void {
    this.cancelling = fault.times ?? 1
  }

  /** After `requests` more authenticated requests, every live token expires (→ 401002). */
  expireTokensAfter(requests: number): void {
    this.expireAfter = requests
  }

  /**
   * The next `times` jobs (default: every job) that reach `phase` wait for `hook` before they go on.
   * @example `emu.faults.atJobPhase('after-commit', () => process.kill(process.pid, 'SIGKILL'))`
   */
  atJobPhase(
    phase: JobPhase,
    hook: (job: { id: string; phase: JobPhase }) => unknown,
    options: { times?: number } = {},
  ): void {
    if (!JOB_PHASES.includes(phase)) {
      throw new HyperdeltaError('CONFIG_INVALID', `atJobPhase: phase must be one of ${JOB_PHASES.join(', ')}`, {
        details: { field: 'phase', value: phase },
      })
    }
    this.phaseHooks.push({ phase, hook, left: options.times ?? Number.POSITIVE_INFINITY })
  }

  /** @internal Runs the hooks registered for `phase`. */
  async jobPhase(phase: JobPhase, jobId: string): Promise<void> {
    for (const h of this.phaseHooks) {
      if (h.phase !== phase || h.left <= 0) continue
      h.left--
      await h.hook({ id: jobId, phase })
    }
  }

  /** Removes every pending fault (counters are kept). */
  clear(): void {
    this.vds.clear()
    this.concurrency.limit(undefined)
    this.responseFaults = []
    this.appendResets = []
    this.slow = { extraDelayMs: 0, left: 0 }
    this.failing = { left: 0, notes: '' }
    this.cancelling = 0
    this.expireAfter = undefined
    this.phaseHooks = []
  }

  /** @internal What is still armed, for the emulator's console (a copy; route predicates shown as `(predicate)`). */
  pending(): PendingFaults {
    return {
      responses: this.responseFaults
        .filter((f) => f.left > 0)
        .map((f) => ({
          status: f.status,
          left: f.left,
          route: typeof f.route === 'function' ? '(predicate)' : (f.route ?? '(any)'),
          method: f.method ?? '(any)',
        })),
      appendResets: this.appendResets.filter((f) => f.left > 0).map((f) => ({ ...f })),
      slowJobs: { ...this.slow },
      failJobs: { ...this.failing },
      cancelJobs: this.cancelling,
      expireTokensAfter: this.expireAfter,
      phaseHooks: this.phaseHooks.filter((h) => h.left > 0).length,
    }
  }

  /** @internal The response fault for this request, if one fires. */
  takeResponseFault(request: FaultRequest): ResponseFault | undefined {
    const fault = this.responseFaults.find((f) => {
      if (f.left <= 0) return false
      if (typeof f.route === 'function') return f.route(request)
      if (f.route !== undefined && f.route !== request.route) return false
      return f.method === undefined || f.method.toUpperCase() === request.method
    })
    if (!fault) return undefined
    fault.left--
    if (fault.status === 429) this.counters.responses429++
    else this.counters.responses503++
    return fault
  }

  /** @internal Bytes after which this append's socket is destroyed, if a reset fires. */
  takeAppendReset(): number | undefined {
    const fault = this.appendResets.find((f) => f.left > 0)
    if (!fault) return undefined
    fault.left--
    return fault.afterBytes
  }

  /** @internal Extra start delay for the next job. */
  takeJobDelay(): number {
    if (this.slow.left <= 0) return 0
    this.slow.left--
    this.counters.slowJobs++
    return this.slow.extraDelayMs
  }

  /** @internal What an injected outcome makes of the next job, if any. */
  takeJobOutcome(): { kind: 'fail'; notes: string } | { kind: 'cancel' } | undefined {
    if (this.failing.left > 0) {
      this.failing.left--
      this.counters.failedJobs++
      return { kind: 'fail', notes: this.failing.notes }
    }
    if (this.cancelling > 0) {
      this.cancelling--
      this.counters.cancelledJobs++
      return { kind: 'cancel' }
    }
    return undefined
  }

  /** @internal Called per authenticated request; true when the tokens must expire now. */
  tickAuthenticated(): boolean {
    if (this.expireAfter === undefined) return false
    if (this.expireAfter > 0) {
      this.expireAfter--
      return false
    }
    this.expireAfter = undefined
    this.counters.tokenExpiries++
    return true
  }
}
