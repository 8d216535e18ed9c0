import type { Environment } from '../../environment.js'
import { HyperdeltaError } from '../../errors.js'
import { FINISH_CODE, isJobFinished, isRequestErrorFailure, type Job } from './job.js'

/** Options of {@link TableauClient.waitForJob}. */
export interface WaitForJobOptions {
  /** Deadline for the job to end, from the first poll (default 2 h). `Infinity` waits forever. */
  timeoutMs?: number
  /** Stops waiting with `JOB_ABORTED`; the job keeps running on the server unless `cancelOnAbort`. */
  signal?: AbortSignal
  /**
   * On abort, also ask the server to cancel the job (best effort). Default false: the job is left
   * running, so a resumed run (same journal, or the same RequestID) picks it up and completes.
   */
  cancelOnAbort?: boolean
  /** Called with every polled job state. */
  onProgress?: (job: Job) => void
}

/** Default deadline of a wait. */
export const DEFAULT_JOB_TIMEOUT_MS = 2 * 3600_000

/**
 * Poll schedule: first poll at once, then ~0.5 s growing ×1.4 per poll up to 30 s (TSC's schedule, docs/protocol.md §8.4),
 * each sleep jittered by ±20% so many waiters do not poll in lockstep (Tableau Cloud throttles tight loops with
 * 429, docs/protocol.md §8.4).
 */
export const JOB_POLL_SCHEDULE = Object.freeze({ firstDelayMs: 500, factor: 1.4, maxDelayMs: 30_000, jitter: 0.2 })

/** The two job endpoints the waiter uses (the client's, or a fake in tests). */
export interface JobSource {
  getJob(id: string, signal?: AbortSignal): Promise<Job>
  cancelJob(id: string): Promise<void>
}

function excerpt(notes: string[]): string {
  const all = notes.join(' | ')
  return all === '' ? 'no notes' : all.length > 500 ? `${all.slice(0, 500)}…` : all
}

/** The outcome of an ended job: the job on success, a typed error otherwise. */
function outcome(job: Job): Job {
  const code = job.finishCode
  if (code === FINISH_CODE.success || code === FINISH_CODE.completed) return job
  const details = { jobId: job.id, finishCode: code, notes: job.notes, statusNotes: job.statusNotes, job }
  if (code === FINISH_CODE.failed) {
    // A failed job applied nothing: another attempt may pass, unless the request itself is wrong.
    throw new HyperdeltaError('JOB_FAILED', `job ${job.id}: failed (finishCode 1): ${excerpt(job.notes)}`, {
      retryable: !isRequestErrorFailure(job.notes),
      details,
    })
  }
  if (code === FINISH_CODE.cancelled) {
    throw new HyperdeltaError('JOB_CANCELLED', `job ${job.id}: cancelled (finishCode 2)`, { retryable: true, details })
  }
  throw new HyperdeltaError(
    'JOB_UNKNOWN_OUTCOME',
    `job ${job.id}: ended with unknown finishCode ${code ?? '(none)'}: ${excerpt(job.notes)}`,
    { details },
  )
}

/**
 * Polls a job until it ends. Resolves with the job only on success (finishCode 0 or 3); otherwise throws
 * `JOB_FAILED` / `JOB_CANCELLED` / `JOB_UNKNOWN_OUTCOME` (details carry finishCode, notes, statusNotes and the job),
 * `JOB_TIMEOUT` (the job is left running) or `JOB_ABORTED` (the job is left running, or cancelled with
 * `cancelOnAbort`).
 */
export async function waitForJob(
  id: string,
  options: WaitForJobOptions,
  jobs: JobSource,
  env: Environment,
): Promise<Job> {
  const logger = env.logger
  const timeoutMs = options.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS
  const deadline = env.now() + timeoutMs
  const { signal } = options
  let last: Job | undefined
  let interval: number = JOB_POLL_SCHEDULE.firstDelayMs

  const abort = async (cause: unknown): Promise<never> => {
    let cancelled = false
    if (options.cancelOnAbort === true) {
      try {
        await jobs.cancelJob(id)
        cancelled = true
      } catch (e) {
        logger.warn(`job ${id}: cancel after abort failed`, { code: (e as HyperdeltaError).code })
      }
    }
    const what =
      options.cancelOnAbort !== true
        ? '; the job keeps running on the server (wait for it again, or resume the run)'
        : cancelled
          ? '; cancel requested'
          : '; cancel failed, the job may still run'
    throw new HyperdeltaError('JOB_ABORTED', `job ${id}: wait aborted${what}`, {
      cause,
      retryable: true,
      details: { jobId: id, cancelRequested: cancelled, job: last },
    })
  }

  for (let poll = 1; ; poll++) {
    if (signal?.aborted) return abort(signal.reason)
    try {
      last = await jobs.getJob(id, signal)
    } catch (e) {
      if (signal?.aborted) return abort(e)
      throw e
    }
    options.onProgress?.(last)
    if (isJobFinished(last)) {
      logger.debug(`job ${id}: ended`, { finishCode: last.finishCode, polls: poll })
      return outcome(last)
    }
    const remaining = deadline - env.now()
    if (remaining <= 0) {
      throw new HyperdeltaError(
        'JOB_TIMEOUT',
        `job ${id}: still running after ${Math.round(timeoutMs / 1000)} s; wait again or cancel it`,
        { retryable: true, details: { jobId: id, timeoutMs, polls: poll, job: last } },
      )
    }
    const jitter = 1 + JOB_POLL_SCHEDULE.jitter * (2 * env.random() - 1)
    const delay = Math.max(0, Math.min(Math.round(interval * jitter), JOB_POLL_SCHEDULE.maxDelayMs, remaining))
    interval = Math.min(interval * JOB_POLL_SCHEDULE.factor, JOB_POLL_SCHEDULE.maxDelayMs)
    try {
      await env.sleep(delay, signal)
    } catch (e) {
      if (signal?.aborted) return abort(e)
      throw e
    }
  }
}
