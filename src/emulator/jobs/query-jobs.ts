import { BACKGROUND_JOB_TYPE } from '../core/inferred.js'
import { badRequest } from '../http/api-error.js'
import { collection, el } from '../http/document.js'
import { splitTop } from '../http/query-expression.js'
import { pageParams } from '../runtime/paging.js'
import { type Handler, siteOf } from '../runtime/state.js'
import type { JobRecord } from '../store/catalog.js'

// Query Jobs (`GET …/jobs[?filter=…]`): the site's jobs as `<backgroundJob>` elements, the shape of TSC's captured
// job_get.xml (docs/protocol.md §8.2). Filters: `field:operator:value` joined by commas, as on the other lists.

/** Query Jobs' `status`: Pending while queued, InProgress while running, then by finish code. */
export function backgroundStatus(job: JobRecord): string {
  if (job.status === 'queued') return 'Pending'
  if (job.status === 'running') return 'InProgress'
  return job.finishCode === 0 ? 'Success' : job.finishCode === 2 ? 'Cancelled' : 'Failed'
}

const FIELDS: Record<string, (j: JobRecord) => string | number | undefined> = {
  jobType: (j) => BACKGROUND_JOB_TYPE[j.type ?? 'UpdateUploadedFile'],
  status: backgroundStatus,
  progress: (j) => j.progress,
  title: (j) => j.datasourceName,
  createdAt: (j) => j.createdAt,
  startedAt: (j) => j.startedAt,
  endedAt: (j) => j.completedAt,
}

function matches(op: string, actual: string | number | undefined, value: string): boolean {
  if (actual === undefined) return false
  const numeric = typeof actual === 'number'
  const cmp = (v: string) => (numeric ? actual - Number(v) : String(actual).localeCompare(v))
  switch (op) {
    case 'eq':
      return cmp(value) === 0
    case 'in':
      return splitTop(value.replace(/^\[|\]$/g, '')).some((v) => cmp(v) === 0)
    case 'gt':
      return cmp(value) > 0
    case 'gte':
      return cmp(value) >= 0
    case 'lt':
      return cmp(value) < 0
    case 'lte':
      return cmp(value) <= 0
    default:
      throw badRequest(`Unsupported filter operator '${op}'.`)
  }
}

function applyJobFilter(jobs: JobRecord[], filter: string): JobRecord[] {
  let out = jobs
  for (const expr of splitTop(filter)) {
    const [field, op = '', ...rest] = expr.split(':')
    const get = field === undefined ? undefined : FIELDS[field]
    if (!get) throw badRequest(`Unsupported filter '${expr}' (fields: ${Object.keys(FIELDS).join(', ')}).`)
    out = out.filter((j) => matches(op, get(j), rest.join(':')))
  }
  return out
}

/** GET …/jobs[?filter=…][&pageSize=&pageNumber=]. */
export const queryJobs: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const { pageSize, pageNumber } = pageParams(ctx.query)
  let jobs = state.catalog.data.jobs.filter((j) => j.siteId === site.id)
  const filter = ctx.query.get('filter')
  if (filter) jobs = applyJobFilter(jobs, filter)
  const page = jobs.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  const element = (j: JobRecord) =>
    el('backgroundJob', {
      id: j.id,
      status: backgroundStatus(j),
      createdAt: j.createdAt,
      startedAt: j.startedAt,
      endedAt: j.completedAt,
      priority: 50,
      jobType: FIELDS['jobType']!(j),
      title: j.datasourceName,
    })
  return {
    status: 200,
    body: [
      el('pagination', { pageNumber, pageSize, totalAvailable: jobs.length }),
      collection('backgroundJobs', page.map(element)),
    ],
  }
}
