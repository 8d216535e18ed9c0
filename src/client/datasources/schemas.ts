import { z } from 'zod'
import { aliased, CONNECTION_ALIASES, flag } from '../transport/response-variants.js'
import { collection, int, text } from '../transport/responses.js'

// zod schemas of the Data Sources responses the client reads, in the JSON mapping (XML answers are mapped to it
// first), with the transport's tolerant helpers (../transport/responses.ts): booleans and numbers may come as strings, one item where a list is
// expected, `{}` for an empty collection. Objects are loose: unknown attributes are ignored.

/** "true"/"false" in any case, or a boolean; other text is refused, never read as false (../response-variants.ts). */
const bool = flag
const tagSchema = z.object({ label: z.string() }).loose()

export const datasourceDetailsSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    contentUrl: z.string().optional(),
    description: z.string().optional(),
    type: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    encryptExtracts: bool.optional(),
    hasExtracts: bool.optional(),
    isCertified: bool.optional(),
    certificationNote: z.string().optional(),
    useRemoteQueryAgent: bool.optional(),
    webpageUrl: z.string().optional(),
    size: int.optional(),
    project: z.object({ id: z.string().optional(), name: z.string().optional() }).loose().optional(),
    owner: z.object({ id: z.string().optional(), name: z.string().optional() }).loose().optional(),
    tags: collection('tag', tagSchema).optional(),
  })
  .loose()

const paginationSchema = z.object({ pageNumber: int, pageSize: int, totalAvailable: int }).loose()

export const datasourceDetailsResponseSchema = z.object({ datasource: datasourceDetailsSchema })

export const datasourcePageSchema = z.object({
  // Tolerated partial or missing (a lookup by name reads whatever pagination the server sends).
  pagination: z
    .object({ pageNumber: int.optional(), pageSize: int.optional(), totalAvailable: int })
    .loose()
    .optional(),
  datasources: collection('datasource', datasourceDetailsSchema).optional(),
})

/** A connection, read through the connection aliases of ../response-variants.ts. */
export const connectionDetailsSchema = aliased(
  CONNECTION_ALIASES,
  z
    .object({
      id: z.string().min(1),
      type: z.string().optional(),
      serverAddress: z.string().optional(),
      serverPort: z.union([z.string(), z.number().transform(String)]).optional(),
      userName: z.string().optional(),
      embedPassword: bool.optional(),
      queryTaggingEnabled: bool.optional(),
      authenticationType: z.string().optional(),
      useOAuthManagedKeychain: bool.optional(),
    })
    .loose(),
)

export const connectionResponseSchema = z.object({ connection: connectionDetailsSchema })
export const connectionListSchema = z.object({
  connections: collection('connection', connectionDetailsSchema).optional(),
})

export const tagsResponseSchema = z.object({ tags: collection('tag', tagSchema).optional() })

export const revisionPageSchema = z.object({
  pagination: paginationSchema,
  revisions: collection(
    'revision',
    z
      .object({
        revisionNumber: int,
        publishedAt: z.string().optional(),
        deleted: bool.optional(),
        current: bool.optional(),
        sizeInBytes: int.optional(),
        publisher: z.object({ id: z.string().exactOptional(), name: z.string().exactOptional() }).loose().optional(),
      })
      .loose(),
  ).optional(),
})

export const keychainResponseSchema = z.object({
  associatedUserLuidList: collection('associatedUserLuid', text).optional(),
  encryptedKeychainList: collection('encryptedKeychain', text).optional(),
})

export type RawDatasourceDetails = z.output<typeof datasourceDetailsSchema>
export type RawConnection = z.output<typeof connectionDetailsSchema>
export type RawRevisionPage = z.output<typeof revisionPageSchema>
