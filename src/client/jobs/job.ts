import type { Job } from '../../model/job.js'
import type { RawJob } from './schemas.js'

export type { Job } from '../../model/job.js'

/** Finish codes (docs/protocol.md §8.1, CONFIRMED from TSC `JobItem.FinishCode`). */
export const FINISH_CODE = { success: 0, failed: 1, cancelled: 2, completed: 3 } as const

/**
 * A `{ "job-id" }` PATCH answer carries no type/mode; these are what the PATCH creates per the XML sample
 * (docs/protocol.md §7.5). INFERRED: the JSON `job-id` form itself is unconfirmed.
 */
const DEFAULT_JOB_TYPE = 'UpdateUploadedFile'
const DEFAULT_JOB_MODE = 'Asynchronous'

/**
 * INFERRED: a failed job's notes carry the server's internal `(errorCode=4xxxxx)` when the request
 * itself is wrong — 410012 for a missing table or column, a type mismatch and other schema mistakes —
 * so sending it again fails again. Failures without such a code (disk, timeouts, an internal error)
 * may pass on a later attempt.
 */
const REQUEST_ERROR_NOTE = /\berrorCode=4\d{5}\b/

/** True when a failed job's notes say the request itself is wrong (a schema error): not worth retrying. */
export function isRequestErrorFailure(notes: readonly string[]): boolean {
  return notes.some((n) => REQUEST_ERROR_NOTE.test(n))
}

/** A job has ended iff `completedAt` is present (docs/protocol.md §8.1: TSC and PS both loop on it). */
export function isJobFinished(job: Job): boolean {
  return job.completedAt !== undefined && job.completedAt !== ''
}

/** Maps a validated raw job to {@link Job}; notes are collected from every job-type child, as TSC does. */
export function toJob(raw: RawJob): Job {
  const notes: string[] = []
  let datasource: Job['datasource']
  let connectionId: string | undefined
  for (const [key, value] of Object.entries(raw)) {
    if (!key.endsWith('Job') || value === null || typeof value !== 'object') continue
    const detail = value as { notes?: unknown; datasource?: { id: string; name?: string }; connectionLuid?: unknown }
    if (Array.isArray(detail.notes)) {
      for (const n of detail.notes) if (typeof n === 'string' && n.trim() !== '') notes.push(n)
    } else if (typeof detail.notes === 'string' && detail.notes.trim() !== '') {
      notes.push(detail.notes)
    }
    if (!datasource && detail.datasource?.id) {
      datasource = {
        id: detail.datasource.id,
        ...(detail.datasource.name !== undefined && { name: detail.datasource.name }),
      }
    }
    if (!connectionId && typeof detail.connectionLuid === 'string' && detail.connectionLuid !== '') {
      connectionId = detail.connectionLuid
    }
  }
  const job: Job = {
    id: raw.id,
    type: raw.type ?? DEFAULT_JOB_TYPE,
    mode: raw.mode ?? DEFAULT_JOB_MODE,
    progress: raw.progress ?? 0,
    notes,
    statusNotes: (raw.statusNotes ?? []).map((s) => ({
      ...(s.type !== undefined && { type: s.type }),
      ...(s.value !== undefined && { value: s.value }),
      ...(s.text !== undefined && { text: s.text }),
    })),
  }
  if (raw.createdAt) job.createdAt = raw.createdAt
  if (raw.startedAt) job.startedAt = raw.startedAt
  if (raw.updatedAt) job.updatedAt = raw.updatedAt
  if (raw.completedAt) job.completedAt = raw.completedAt
  if (raw.finishCode !== undefined) job.finishCode = raw.finishCode
  if (datasource) job.datasource = datasource
  if (connectionId) job.connectionId = connectionId
  return job
}
