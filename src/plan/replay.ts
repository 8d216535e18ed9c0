import type { SubmittedJob } from './push-client.js'

/** Finish codes of an ended job (0 and 3 are success; see the client's FINISH_CODE). */
const OUTCOME_BY_FINISH_CODE: Readonly<Record<number, ReplayOutcome>> = {
  0: 'succeeded',
  1: 'failed',
  2: 'cancelled',
  3: 'succeeded',
}

export type ReplayOutcome = 'succeeded' | 'failed' | 'cancelled'

/** INFERRED: servers stamp jobs to the second (`2026-11-22T10:00:00Z`), cutting off the fraction. */
export const SERVER_TIMESTAMP_RESOLUTION_MS = 1000

/**
 * True when a PATCH answered with a job created before the PATCH was sent: one an earlier run created
 * under the same RequestID. Only a creation time in an earlier whole second counts (the stamp is cut to
 * the second), so the job this PATCH created is never taken for an earlier one.
 */
export function createdBefore(job: SubmittedJob, sentAt: number): boolean {
  const created = job.createdAt === undefined ? Number.NaN : Date.parse(job.createdAt)
  return !Number.isNaN(created) && created + SERVER_TIMESTAMP_RESOLUTION_MS <= sentAt
}

/**
 * Whether a PATCH answer is a replay: the server ignores a repeated RequestID for 24 h and answers
 * with the job it created the first time. A job that had already ended before this PATCH was sent
 * (`sentAt`, epoch ms) cannot be one this PATCH created, so its outcome is that of an earlier run.
 * Returns that outcome, or undefined for a job this PATCH created (or one still running).
 *
 * The server's stamp is cut to the second, and clocks may disagree, so the two outcomes are judged
 * differently, each toward the safe side. `failed` / `cancelled` count when the stamp is not after
 * `sentAt`: taking this request's own job (seen again by a retried PATCH) for an earlier one only
 * costs another attempt, since such a job applied nothing. `succeeded` counts only when the job ended
 * in an earlier whole second, so this request's own job is never reported as applied by an earlier run.
 */
export function replayedOutcome(job: SubmittedJob, sentAt: number): ReplayOutcome | undefined {
  if (job.completedAt === undefined || job.completedAt === '' || job.finishCode === undefined) return undefined
  const completed = Date.parse(job.completedAt)
  if (Number.isNaN(completed) || completed > sentAt) return undefined
  const outcome = OUTCOME_BY_FINISH_CODE[job.finishCode]
  if (outcome === 'succeeded' && completed + SERVER_TIMESTAMP_RESOLUTION_MS > sentAt) return undefined
  return outcome
}
