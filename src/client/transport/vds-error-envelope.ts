import { z } from 'zod'

// The VizQL Data Service answers errors in its own envelope, not the REST API's `{ error: … }` (the fact and its
// evidence: `VDS_FACTS.errorEnvelope` in ../vizql-data-service/facts.ts). The transport reads both.

const vdsErrorBody = z.looseObject({
  errorCode: z.union([z.string(), z.number().transform(String)]),
  message: z.string().optional(),
})

/** The VDS error envelope as Tableau error fields, or undefined for another body. */
export function vdsErrorFields(value: unknown): { code: string; summary?: string; detail?: string } | undefined {
  const parsed = vdsErrorBody.safeParse(value)
  if (!parsed.success) return undefined
  const { errorCode, message } = parsed.data
  return message === undefined ? { code: errorCode } : { code: errorCode, detail: message }
}
