/** The records of catalog.json (see Catalog); their shape is checked at start by catalog-schema.ts. */

export interface SiteRecord {
  id: string
  contentUrl: string
}
export interface ProjectRecord {
  id: string
  siteId: string
  name: string
}
export interface DatasourceRecord {
  id: string
  siteId: string
  projectId: string
  ownerId: string
  name: string
  contentUrl: string
  /** DuckDB catalog alias under which the data source's database is attached. */
  alias: string
  /** File name (inside `datasources/`) of the DuckDB database. */
  file: string
  connectionIds: string[]
  createdAt: string
  updatedAt: string
  /** Sequence number used in webpageUrl. */
  number: number
  /** What was published: a DuckDB table (Parquet or createDatasource) or an opaque file. Absent in old catalogs: a table. */
  content?: DatasourceContent
  description?: string
  isCertified?: boolean
  certificationNote?: string
  encryptExtracts?: boolean
  useRemoteQueryAgent?: boolean
  tags?: string[]
  /** Per-connection settings from Update Data Source Connection / publish credentials (never a password). */
  connections?: Record<string, ConnectionSettings>
  revisions?: RevisionRecord[]
  /** The encrypted keychains last applied (applykeychain), returned by retrieveKeychain. */
  keychains?: string[]
  keychainUserMapping?: unknown
}
export type DatasourceContent =
  | { kind: 'table'; schema: string; table: string }
  /** `file` is inside the data dir; `filename` is the name it was published under. */
  | { kind: 'opaque'; file: string; filename: string }
export interface ConnectionSettings {
  serverAddress?: string
  serverPort?: string
  userName?: string
  embedPassword?: boolean
  /** True once a password was given (the emulator never stores it). */
  hasPassword?: boolean
  queryTaggingEnabled?: boolean
  authenticationType?: string
}
export interface RevisionRecord {
  number: number
  publishedAt: string
  publisherId: string
  /** Revision content inside the data dir; absent once removed. */
  file?: string
  filename: string
  size: number
  deleted: boolean
}
export interface UploadRecord {
  id: string
  siteId: string
  file: string
  size: number
  createdAt: string
}
export type JobStatus = 'queued' | 'running' | 'done'
/** The job types the emulator runs; absent in old catalogs: UpdateUploadedFile. */
export type JobType = 'UpdateUploadedFile' | 'RefreshExtract' | 'PublishDatasource'
export interface JobRecord {
  id: string
  type?: JobType
  siteId: string
  datasourceId: string
  datasourceName: string
  connectionId: string
  status: JobStatus
  progress: number
  createdAt: string
  startedAt?: string
  completedAt?: string
  finishCode?: number
  notes?: string
  requestId: string
  uploadSessionId?: string
  actionsJson: string
  /** Rows the job's statements inserted, updated or deleted (set when it succeeded). */
  rowsChanged?: number
  /** Milliseconds from running to done (set when it ran in this process). */
  durationMs?: number
}
export interface RequestIdRecord {
  siteId: string
  requestId: string
  jobId: string
  at: number
}
export interface CatalogData {
  version: 1
  sites: SiteRecord[]
  users: { id: string; name: string }[]
  projects: ProjectRecord[]
  datasources: DatasourceRecord[]
  uploads: UploadRecord[]
  jobs: JobRecord[]
  requestIds: RequestIdRecord[]
  counter: number
}
