import { randomUUID } from 'node:crypto'
import type { WireBatch } from '../actions/wire-schema.js'
import type { ProbedFact } from '../client/capabilities.js'
import * as datasources from '../client/datasources/endpoints.js'
import { toJob } from '../client/jobs/job.js'
import type { ProbeContext } from './probe-context.js'

// The probe sends its wire batches as they are, past the action builder (it tests what the server accepts, not what
// hyperdelta would send): one PATCH on the data source's only connection, with a RequestID naming the fact.

/** Sends `batch` as one update PATCH and returns the job id. */
export async function submitProbePatch(ctx: ProbeContext, fact: ProbedFact, batch: WireBatch): Promise<string> {
  const res = await ctx.client.request(
    datasources.updateData({
      datasource: ctx.datasource,
      connection: undefined,
      uploadSessionId: undefined,
      body: JSON.stringify(batch),
      requestId: `probe-${fact}-${randomUUID()}`,
      signal: ctx.signal,
    }),
  )
  return toJob(res.job).id
}
