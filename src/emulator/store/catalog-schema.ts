import { z } from 'zod'
import type {
  CatalogData,
  ConnectionSettings,
  DatasourceContent,
  DatasourceRecord,
  JobRecord,
  RevisionRecord,
} from './catalog-records.js'

// The shape catalog.json must have to start from (checked at start; see readStateFile). Typed against the
// interfaces in catalog.ts, so a field added there without its check here is a compile error. Objects are loose:
// a field this version does not know is kept, never dropped on the next save.

const text = z.string()
const count = z.number().int().nonnegative()

const content: z.ZodType<DatasourceContent> = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('table'), schema: text, table: text }),
  z.looseObject({ kind: z.literal('opaque'), file: text, filename: text }),
])

const connection: z.ZodType<ConnectionSettings> = z.looseObject({
  serverAddress: text.exactOptional(),
  serverPort: text.exactOptional(),
  userName: text.exactOptional(),
  embedPassword: z.boolean().exactOptional(),
  hasPassword: z.boolean().exactOptional(),
  queryTaggingEnabled: z.boolean().exactOptional(),
  authenticationType: text.exactOptional(),
})

const revision: z.ZodType<RevisionRecord> = z.looseObject({
  number: count,
  publishedAt: text,
  publisherId: text,
  file: text.exactOptional(),
  filename: text,
  size: count,
  deleted: z.boolean(),
})

const datasource: z.ZodType<DatasourceRecord> = z.looseObject({
  id: text,
  siteId: text,
  projectId: text,
  ownerId: text,
  name: text,
  contentUrl: text,
  alias: text.min(1),
  file: text.min(1),
  connectionIds: z.array(text),
  createdAt: text,
  updatedAt: text,
  number: count,
  content: content.exactOptional(),
  description: text.exactOptional(),
  isCertified: z.boolean().exactOptional(),
  certificationNote: text.exactOptional(),
  encryptExtracts: z.boolean().exactOptional(),
  useRemoteQueryAgent: z.boolean().exactOptional(),
  tags: z.array(text).exactOptional(),
  connections: z.record(text, connection).exactOptional(),
  revisions: z.array(revision).exactOptional(),
  keychains: z.array(text).exactOptional(),
  keychainUserMapping: z.unknown().exactOptional(),
})

const job: z.ZodType<JobRecord> = z.looseObject({
  id: text,
  type: z.enum(['UpdateUploadedFile', 'RefreshExtract', 'PublishDatasource']).exactOptional(),
  siteId: text,
  datasourceId: text,
  datasourceName: text,
  connectionId: text,
  status: z.enum(['queued', 'running', 'done']),
  progress: z.number(),
  createdAt: text,
  startedAt: text.exactOptional(),
  completedAt: text.exactOptional(),
  finishCode: z.number().int().exactOptional(),
  notes: text.exactOptional(),
  requestId: text,
  uploadSessionId: text.exactOptional(),
  actionsJson: text,
  rowsChanged: count.exactOptional(),
  durationMs: count.exactOptional(),
})

/** catalog.json. */
export const catalogSchema: z.ZodType<CatalogData> = z.looseObject({
  version: z.literal(1),
  sites: z.array(z.looseObject({ id: text, contentUrl: text })),
  users: z.array(z.looseObject({ id: text, name: text })),
  projects: z.array(z.looseObject({ id: text, siteId: text, name: text })),
  datasources: z.array(datasource),
  uploads: z.array(z.looseObject({ id: text, siteId: text, file: text, size: count, createdAt: text })),
  jobs: z.array(job),
  requestIds: z.array(z.looseObject({ siteId: text, requestId: text, jobId: text, at: z.number() })),
  counter: count,
})
