import { z } from 'zod'
import type { PageOf } from '../transport/pages.js'
import { collection, int } from '../transport/responses.js'

// Query Jobs (`GET …/jobs?filter=…`): the site's background jobs as `<backgroundJobs><backgroundJob …/>`, the shape of
// TSC's captured `job_get.xml` and the XSD's backgroundJobType (docs/protocol.md §8.2). A listed job names no data
// source: which one a job is about is read from Query Job.

const backgroundJobSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().optional(),
    jobType: z.string().optional(),
    createdAt: z.string().optional(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    priority: int.optional(),
    title: z.string().optional(),
    subtitle: z.string().optional(),
  })
  .loose()

export const backgroundJobPageSchema = z.object({
  pagination: z
    .object({ pageNumber: int.optional(), pageSize: int.optional(), totalAvailable: int })
    .loose()
    .optional(),
  backgroundJobs: collection('backgroundJob', backgroundJobSchema).optional(),
})

/** One listed job: `status` is one of Pending, InProgress, Success, Failed, Cancelled (docs/protocol.md §8.2). */
export type BackgroundJob = z.output<typeof backgroundJobSchema>

export const JOBS_PAGE_SIZE = 100

/** A Query Jobs answer as one page for the pager. */
export function toJobsPage(res: z.output<typeof backgroundJobPageSchema>): PageOf<BackgroundJob> {
  return {
    items: res.backgroundJobs ?? [],
    pageSize: res.pagination?.pageSize ?? JOBS_PAGE_SIZE,
    totalAvailable: res.pagination?.totalAvailable,
  }
}
