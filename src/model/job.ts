// The job record (built from the server's answers in src/client/job.ts). Here, in the import-free model folder, so
// that the error catalog's job details can carry one.

/**
 * A Tableau background job as the client reports it (docs/protocol.md §8.1), normalized: numbers are numbers,
 * notes and status notes are always arrays (possibly empty — real failed jobs often carry none).
 *
 * @example
 * ```ts
 * const job = await client.getJob(id)
 * if (job.completedAt && job.finishCode === 0) console.log('done')
 * ```
 */
export interface Job {
  id: string
  type: string
  mode: string
  /** 0..100; Tableau reports it coarsely (0 while running, 100 at the end). */
  progress: number
  createdAt?: string
  startedAt?: string
  updatedAt?: string
  /** Set exactly when the job has ended (docs/protocol.md §8.1). */
  completedAt?: string
  /** 0 succeeded, 1 failed, 2 cancelled, 3 completed (treated as success). Absent while running. */
  finishCode?: number
  /** Human-readable failure messages, e.g. "… (errorCode=410012)". */
  notes: string[]
  statusNotes: { type?: string; value?: string; text?: string }[]
  datasource?: { id: string; name?: string }
  connectionId?: string
}
