import type { ApiRequest } from '../transport/api-request.js'
import { documentedErrors } from '../transport/client-errors.js'
import { endpoint } from '../transport/endpoint.js'
import { backgroundJobPageSchema, JOBS_PAGE_SIZE } from './background-jobs.js'
import { cancelJobResponseSchema, jobResponseSchema } from './schemas.js'

// Endpoints of jobs (the asynchronous work an update starts).

/** `GET …/jobs/{id}`: the job's current state. */
export function getJob(id: string, signal?: AbortSignal): ApiRequest<typeof jobResponseSchema> {
  return {
    label: `job ${id}`,
    ...endpoint('queryJob', { job: id }),
    expect: [200],
    schema: jobResponseSchema,
    signal,
  }
}

/** `PUT …/jobs/{id}`: asks the server to cancel the job (best-effort; see docs/protocol.md). */
export function cancelJob(id: string): ApiRequest<typeof cancelJobResponseSchema> {
  return {
    label: `job ${id}`,
    ...endpoint('cancelJob', { job: id }),
    expect: [200, 202, 204],
    schema: cancelJobResponseSchema,
  }
}

/** `GET …/jobs?filter=…&pageSize&pageNumber`. */
export function queryJobs(filter: string, pageNumber: number): ApiRequest<typeof backgroundJobPageSchema> {
  const query = new URLSearchParams({ filter, pageSize: String(JOBS_PAGE_SIZE), pageNumber: String(pageNumber) })
  return {
    label: 'job',
    ...endpoint('queryJobs', {}, { query }),
    expect: [200],
    schema: backgroundJobPageSchema,
    mapError: documentedErrors('queryJobs'),
  }
}
