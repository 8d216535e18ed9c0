import { z } from 'zod'
import {
  aliased,
  CONNECTION_ALIASES,
  flag,
  requiredAttribute,
  wrapBareConnection,
} from '../transport/response-variants.js'
import { collection, int, list, text } from '../transport/responses.js'

// zod schemas of the Virtual Connections responses, in the JSON mapping (XML answers are mapped to it first).
// Flags arrive as booleans or as "true"/"false" strings depending on the format; both become booleans. Shapes real
// servers send beside the documented ones are in response-variants.ts.
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

/** Publish's answer; without `id` (a real variant) the client looks the id up by name (virtual-connection-published-id.ts). */
export const publishedVirtualConnectionResponseSchema = z.object({
  virtualConnection: z.object({ id: z.string().min(1).optional(), name: z.string(), project: ref.optional() }).loose(),
})

/** Update's answer; `id` may be absent (a real variant: the client fills in the id it updated). */
export const updatedVirtualConnectionResponseSchema = z.object({
  virtualConnection: z
    .object({
      id: z.string().min(1).optional(),
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

/**
 * A database connection, read through the connection aliases (`connectionId`, `server`, `port`, `username`) and
 * returned with exactly the documented fields. `id`, `serverAddress` and `userName` are in every documented and
 * captured shape, so their absence is refused (a user name under some third spelling must not become undefined).
 */
const dbConnectionSchema = aliased(
  CONNECTION_ALIASES,
  z
    .object({
      id: requiredAttribute('id', CONNECTION_ALIASES).min(1),
      dbClass: z.string().optional(),
      serverAddress: requiredAttribute('serverAddress', CONNECTION_ALIASES),
      serverPort: z.union([z.string(), z.number().transform(String)]).optional(),
      userName: requiredAttribute('userName', CONNECTION_ALIASES),
    })
    .loose(),
).transform((c) => ({
  id: c.id,
  ...(c.dbClass !== undefined && { dbClass: c.dbClass }),
  serverAddress: c.serverAddress,
  ...(c.serverPort !== undefined && { serverPort: c.serverPort }),
  userName: c.userName,
}))

export const dbConnectionsResponseSchema = z.object({
  pagination,
  virtualConnectionConnections: collection('connection', dbConnectionSchema).optional(),
})

/** Update's answer: exactly one connection, wrapped as the page shows or bare (a real variant). */
export const dbConnectionResponseSchema = z.preprocess(
  wrapBareConnection,
  z.object({
    virtualConnectionConnections: z.object(
      {
        connection: list(dbConnectionSchema).refine((l) => l.length === 1, {
          error: 'expected exactly one connection element',
        }),
      },
      { error: 'element "virtualConnectionConnections" (or a bare "connection") is missing' },
    ),
  }),
)

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
  .refine((g) => g.user !== undefined || g.group !== undefined, {
    error: 'granteeCapabilities has neither a user nor a group element',
  })

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
