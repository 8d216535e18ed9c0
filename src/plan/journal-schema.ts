import { z } from 'zod'

/** The states a journaled request can be in; a file naming any other is refused at load. */
export const REQUEST_STATES = ['pending', 'uploaded', 'submitted', 'succeeded', 'failed'] as const

const optionalText = z.string().optional()

const journalRequestSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  state: z.enum(REQUEST_STATES),
  attempt: z.number().int().nonnegative(),
  requestId: z.string().min(1),
  payloadSha256: optionalText,
  jobId: optionalText,
  updatedAt: z.string(),
})

/**
 * A journal file as written by this version: every field typed, nothing unknown. A request state or
 * shape this version does not know would otherwise surface mid-run as a crash an orchestrator retries
 * forever; checked at load, it is bad input (`JOURNAL_INVALID`).
 */
export const journalSchema = z
  .strictObject({
    version: z.literal(1),
    runId: z.string().min(1),
    fingerprint: z.string().min(1),
    siteId: optionalText,
    datasourceId: z.string().min(1),
    connectionId: optionalText,
    createdAt: z.string(),
    requests: z.array(journalRequestSchema),
  })
  .check((ctx) => {
    ctx.value.requests.forEach((r, i) => {
      if (r.index !== i) {
        ctx.issues.push({
          code: 'custom',
          input: r.index,
          path: ['requests', i, 'index'],
          message: `request at position ${i} says index ${r.index}`,
        })
      }
      if (r.state === 'submitted' && r.jobId === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: r,
          path: ['requests', i, 'jobId'],
          message: 'a submitted request must record its job id',
        })
      }
    })
  })

/** The first problem of a parsed journal, as `field.path: message`. */
export function journalProblem(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'unexpected shape'
  const where = issue.path.length ? issue.path.join('.') : '(top level)'
  return `${where}: ${issue.message}`
}
