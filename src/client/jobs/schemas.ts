import { z } from 'zod'
import { collection, int, list, text } from '../transport/responses.js'

// zod schemas of the job answers (Query Job, Cancel Job, and the job an update or refresh starts), in the tolerant
// JSON mapping of ../transport/responses.ts.

const statusNoteSchema = z
  .object({ type: z.string().optional(), value: text.optional(), text: text.optional() })
  .loose()

/** The job-type child (`updateUploadedFileJob`, `extractRefreshJob`, …): where notes and the data source live. */
const jobDetailSchema = z
  .object({
    datasource: z
      .object({ id: z.string().min(1), name: z.string().optional() })
      .loose()
      .optional(),
    connectionLuid: text.optional(),
    notes: list(text).optional(),
  })
  .loose()

export const jobSchema = z
  .object({
    id: z.string().min(1),
    type: z.string().optional(),
    mode: z.string().optional(),
    progress: int.optional(),
    createdAt: z.string().optional(),
    startedAt: z.string().optional(),
    updatedAt: z.string().optional(),
    completedAt: z.string().optional(),
    finishCode: int.optional(),
    statusNotes: collection('statusNote', statusNoteSchema).optional(),
    updateUploadedFileJob: jobDetailSchema.optional(),
  })
  .loose()

/** Query Job and PATCH responses: `{ job }`, or (PATCH, per the docs' garbled sample; INFERRED) `{ "job-id" }`. */
export const jobResponseSchema = z.preprocess(
  (v) =>
    v !== null && typeof v === 'object' && !('job' in v) && typeof (v as Record<string, unknown>)['job-id'] === 'string'
      ? { job: { id: (v as Record<string, unknown>)['job-id'] } }
      : v,
  z.object({ job: jobSchema }),
)

/** Cancel Job: no body, or a job (INFERRED, docs/protocol.md §8.3); anything else is tolerated but not read. */
export const cancelJobResponseSchema = z.object({ job: jobSchema.optional() }).loose()

export type RawJob = z.output<typeof jobSchema>
