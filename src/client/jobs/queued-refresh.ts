import { isHyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { everyPage } from '../transport/pages.js'
import { type BackgroundJob, toJobsPage } from './background-jobs.js'
import { getJob, queryJobs } from './endpoints.js'
import { isJobFinished, type Job, toJob } from './job.js'

// Finding the refresh a 409093 says is already queued (Tableau's answer carries no job id; TSC issue 1090 asks for
// it). Query Jobs lists jobs without their data source, so each queued candidate is read with Query Job, whose
// `extractRefreshJob` names it (docs/protocol.md §8.2).

/**
 * Jobs that have not started report progress 0; TSC's own sample (kill_all_jobs.py) selects them with this filter.
 * Tableau reports progress coarsely (0 while running), so a running refresh is listed too.
 */
export const QUEUED_JOBS_FILTER = 'progress:lte:0'

/** At most this many listed jobs are read one by one: a site with more queued jobs is not searched to the end. */
export const MAX_QUEUED_CANDIDATES = 25

const ENDED = new Set(['Success', 'Failed', 'Cancelled'])

/** Extract jobs first (`refresh_extracts`, `increment_extracts`; the strings are INFERRED), then the others. */
function rank(job: BackgroundJob): number {
  return /extract/i.test(job.jobType ?? '') ? 0 : 1
}

/** Where the lookup ended: the job, or why none was returned (for the caller's error message). */
export type QueuedRefreshLookup = { job: Job } | { job?: undefined; reason: string }

/** The queued or running refresh of `datasourceId`, or why it could not be found. */
export async function findQueuedRefresh(send: Send, datasourceId: string): Promise<QueuedRefreshLookup> {
  const listed: BackgroundJob[] = []
  try {
    const pages = everyPage(async (n) => toJobsPage(await send(queryJobs(QUEUED_JOBS_FILTER, n))))
    for await (const job of pages) if (!ENDED.has(job.status ?? '')) listed.push(job)
  } catch (error) {
    // A user who may refresh may still not list the site's jobs (an administrator's method on many servers).
    const refused =
      isHyperdeltaError(error, 'PERMISSION_DENIED') ||
      (isHyperdeltaError(error, 'API_ERROR') && error.details.status >= 400 && error.details.status < 500)
    if (refused) {
      return { reason: `Query Jobs was refused (${error.message})` }
    }
    throw error
  }
  const candidates = listed.sort((a, b) => rank(a) - rank(b))
  for (const candidate of candidates.slice(0, MAX_QUEUED_CANDIDATES)) {
    let job: Job
    try {
      job = toJob((await send(getJob(candidate.id))).job)
    } catch (error) {
      // Some job kinds cannot be read with Query Job (400031, docs/protocol.md §8.1) or ended meanwhile: not ours.
      if (isHyperdeltaError(error, 'API_ERROR') && [400, 404].includes(error.details.status)) continue
      if (isHyperdeltaError(error, 'API_ERROR') && error.details.status === 403) {
        return { reason: `Query Job was refused for job ${candidate.id} (${error.message})` }
      }
      throw error
    }
    if (job.datasource?.id === datasourceId && !isJobFinished(job)) return { job }
  }
  const more = candidates.length > MAX_QUEUED_CANDIDATES ? ` (only the first ${MAX_QUEUED_CANDIDATES} were read)` : ''
  return { reason: `none of the ${candidates.length} queued jobs Query Jobs listed is a refresh of it${more}` }
}
