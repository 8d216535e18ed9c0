import { z } from 'zod'
import { collection, int, list, text } from '../transport/responses.js'

// zod schemas of the Virtual Connections responses, in the JSON mapping (XML answers are mapped to it first).
// Flags arrive as booleans or as "true"/"false" strings depending on the format; both become booleans.

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')])
const ref = z.object({ id: z.string().min(1) }).loose()
const pagination = z
  .object({ pageNumber: int.optional(), pageSize: int.optional(), totalAvailable: int })
  .loose()
  .optional()

/** An item of List Virtual Connections. */
export const virtualConnectionSummarySchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    hasExtracts: flag.optional(),
    isCertified: flag.optional(),
    webpageUrl: z.string().optional(),
  })
  .loose()

export const virtualConnectionsResponseSchema = z.object({
  pagination,
  virtualConnections: collection('virtualConnection', virtualConnectionSummarySchema).optional(),
})

/** Download (and Download Revision): the content is the virtual connection's JSON text, kept exactly. */
export const virtualConnectionContentResponseSchema = z.object({
  virtualConnection: z
    .object({ name: z.string(), project: ref.optional(), owner: ref.optional(), content: text })
    .loose(),
})

export const publishedVirtualConnectionResponseSchema = z.object({
  virtualConnection: z.object({ id: z.string().min(1), name: z.string(), project: ref.optional() }).loose(),
})

export const updatedVirtualConnectionResponseSchema = z.object({
  virtualConnection: z
    .object({
      id: z.string().min(1),
      name: z.string(),
      isCertified: flag.optional(),
      certificationNote: z.string().optional(),
      project: ref.optional(),
      owner: ref.optional(),
    })
    .loose(),
})

const revisionSchema = z
  .object({
    revisionNumber: int,
    publishedAt: z.string().optional(),
    deleted: flag.optional(),
    current: flag.optional(),
    publisher: z.object({ id: z.string().optional(), name: z.string().optional() }).loose().optional(),
  })
  .loose()

export const revisionsResponseSchema = z.object({
  pagination,
  revisions: collection('revision', revisionSchema).optional(),
})

const dbConnectionSchema = z
  .object({
    id: z.string().min(1),
    dbClass: z.string().optional(),
    serverAddress: z.string().optional(),
    serverPort: z.string().optional(),
    userName: z.string().optional(),
  })
  .loose()

export const dbConnectionsResponseSchema = z.object({
  pagination,
  virtualConnectionConnections: collection('connection', dbConnectionSchema).optional(),
})

export const dbConnectionResponseSchema = z.object({
  virtualConnectionConnections: collection('connection', dbConnectionSchema),
})

export const tagsResponseSchema = z.object({
  tags: collection('tag', z.object({ label: z.string() }).loose()).optional(),
})

const granteeCapabilitiesSchema = z
  .object({
    user: ref.optional(),
    group: ref.optional(),
    capabilities: collection('capability', z.object({ name: z.string(), mode: z.string() }).loose()).optional(),
  })
  .loose()

export const permissionsResponseSchema = z.object({
  permissions: z
    .object({
      parent: z.object({ id: z.string(), type: z.string().optional() }).loose().optional(),
      virtualConnection: z
        .object({ id: z.string(), name: z.string().optional(), owner: ref.optional() })
        .loose()
        .optional(),
      granteeCapabilities: list(granteeCapabilitiesSchema),
    })
    .loose(),
})
