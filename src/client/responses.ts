import { z } from 'zod'
import { aliased, CONNECTION_ALIASES } from './response-variants.js'

// zod schemas for every response body the client reads (docs/protocol.md §3–§8), in the JSON mapping of §2.5 (XML bodies are
// mapped to it first, see xml-response.ts). Tolerant where the spec says real servers vary (INFERRED for numbers
// and the single-object form, so the tolerance lives in the `int`, `list` and `collection` helpers): numbers and
// booleans as strings, a single object where an array is expected, `{}` for an empty collection, `{value}` for text.
// Objects are `loose`: unknown attributes are ignored, so a newer server does not break the client.

/** A text value: a string, `{ value }` (element with attributes and text), or `{}` (empty element). */
export const text = z.union([
  z.string(),
  z.number().transform(String),
  z.object({ value: z.union([z.string(), z.number().transform(String)]) }).transform((o) => o.value),
  z.strictObject({}).transform(() => ''),
])

/** An integer sent as a number or a numeric string. */
export const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
])

/** A list that may arrive as an array, a single object, or nothing at all. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(item),
  )
}

/**
 * A collection element: `{ [key]: item | item[] }`, or `{}` / `""` / `[]` when empty (the reference pages' JSON
 * samples show `"tags": []`; docs/protocol.md §12).
 */
export function collection<T extends z.ZodType>(key: string, item: T) {
  return z
    .preprocess(
      (v) => (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ? {} : v),
      z.object({ [key]: list(item).optional() }),
    )
    .transform((o) => (o[key] ?? []) as z.output<T>[])
}

export const errorBodySchema = z.object({
  error: z
    .object({
      code: z.union([z.string(), z.number().transform(String)]).optional(),
      summary: text.optional(),
      detail: text.optional(),
    })
    .loose(),
})

export const serverInfoResponseSchema = z.object({
  serverInfo: z
    .object({
      restApiVersion: text,
      productVersion: z
        .union([text, z.object({ value: z.string().optional(), build: z.string().optional() }).loose()])
        .optional(),
    })
    .loose(),
})

export const signInResponseSchema = z.object({
  credentials: z
    .object({
      token: z.string().min(1),
      estimatedTimeToExpiration: z.string().optional(),
      site: z.object({ id: z.string().min(1), contentUrl: z.string().optional() }).loose(),
      user: z.object({ id: z.string().optional() }).loose().optional(),
    })
    .loose(),
})

const datasourceSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    contentUrl: z.string().optional(),
    type: z.string().optional(),
    project: z.object({ id: z.string().optional(), name: z.string().optional() }).loose().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .loose()

export const datasourceResponseSchema = z.object({ datasource: datasourceSchema })

export const datasourcesResponseSchema = z.object({
  pagination: z
    .object({ pageNumber: int.optional(), pageSize: int.optional(), totalAvailable: int })
    .loose()
    .optional(),
  datasources: collection('datasource', datasourceSchema).optional(),
})

export const connectionsResponseSchema = z.object({
  connections: collection(
    'connection',
    aliased(
      CONNECTION_ALIASES,
      z
        .object({
          id: z.string().min(1),
          type: z.string().optional(),
          serverAddress: z.string().optional(),
          userName: z.string().optional(),
        })
        .loose(),
    ),
  ).optional(),
})

export const fileUploadResponseSchema = z.object({
  fileUpload: z.object({ uploadSessionId: z.string().min(1), fileSize: int.optional() }).loose(),
})

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

/** Bodies the client reads nothing from (sign-out 204). */
export const emptyResponseSchema = z.unknown()

export type RawDatasource = z.output<typeof datasourceSchema>
export type RawJob = z.output<typeof jobSchema>
