import { JOB_NOT_FOUND } from '../core/inferred.js'
import type { ResourceRouteName } from '../core/routes.js'
import { ApiError } from '../http/api-error.js'
import { jobElement } from '../runtime/entities.js'
import { type EmulatorState, type Handler, type RequestContext, siteOf } from '../runtime/state.js'
import type { JobRecord } from '../store/catalog.js'
import { queryJobs } from './query-jobs.js'

function jobOf(state: EmulatorState, ctx: RequestContext): JobRecord {
  const site = siteOf(state, ctx)
  const id = ctx.params['job']!
  const job = state.catalog.job(site.id, id)
  if (!job) throw new ApiError(404, JOB_NOT_FOUND.code, JOB_NOT_FOUND.summary, `The job '${id}' could not be found.`)
  return job
}

/** GET …/jobs/{id} (docs/protocol.md §8.1). */
export const queryJob: Handler = async (state, ctx) => ({ status: 200, body: [jobElement(jobOf(state, ctx))] })

/** PUT …/jobs/{id}: cancel (queued → finishCode 2 at once; running → best effort). */
export const cancelJob: Handler = async (state, ctx) => {
  ctx.req.resume()
  const job = jobOf(state, ctx)
  state.jobs.cancel(job)
  return { status: 200, body: [jobElement(job)] }
}

/** Every job endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const JOB_HANDLERS = { queryJobs, queryJob, cancelJob } satisfies Record<ResourceRouteName<'job'>, Handler>
