import type { Job } from '../jobs/job.js'
import type { DownloadRename } from './download-name.js'

// The public shapes of the Data Sources API as the client returns and accepts them.

/** A published data source with everything Query Data Source(s) reports. */
export interface DatasourceDetails {
  id: string
  name: string
  contentUrl?: string
  description?: string
  type?: string
  createdAt?: string
  updatedAt?: string
  encryptExtracts?: boolean
  hasExtracts?: boolean
  isCertified?: boolean
  certificationNote?: string
  useRemoteQueryAgent?: boolean
  webpageUrl?: string
  size?: number
  project?: { id?: string; name?: string }
  owner?: { id?: string; name?: string }
  tags: string[]
}

/** @deprecated The result of `findDatasource` is {@link DatasourceDetails}: use that name. */
export type Datasource = DatasourceDetails

/** One page of a paged list plus where it is in the whole. */
export interface Page<T> {
  items: T[]
  pageNumber: number
  pageSize: number
  totalAvailable: number
}

/** Fields Query Data Sources can filter and sort on (Tableau's "Filtering and Sorting" list for data sources). */
export type DatasourceField =
  | 'name'
  | 'contentUrl'
  | 'createdAt'
  | 'updatedAt'
  | 'projectName'
  | 'ownerName'
  | 'ownerEmail'
  | 'ownerDomain'
  | 'tags'
  | 'type'
  | 'isCertified'
  | 'hasExtracts'
  | 'description'
  | 'connectedWorkbookType'
  | 'favoritesTotal'

export type FilterOperator = 'eq' | 'cieq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'has'

/** One `field:operator:value` term; `in` takes a list. */
export interface DatasourceFilter {
  field: DatasourceField
  operator: FilterOperator
  value: string | number | boolean | readonly string[]
}

/** Options of Query Data Sources. */
export interface QueryDatasourcesOptions {
  /** Terms joined by AND. */
  filter?: readonly DatasourceFilter[]
  sort?: readonly { field: DatasourceField; direction?: 'asc' | 'desc' }[]
  /** Attribute names, or `_all_` / `_default_`. */
  fields?: readonly string[]
  /** 1..1000 (default 100). */
  pageSize?: number
  pageNumber?: number
  signal?: AbortSignal
}

/** A data source connection with the settings Update Data Source Connection changes. */
export interface ConnectionDetails {
  id: string
  type?: string
  serverAddress?: string
  serverPort?: string
  userName?: string
  embedPassword?: boolean
  queryTaggingEnabled?: boolean
  authenticationType?: string
  useOAuthManagedKeychain?: boolean
}

/** @deprecated The result of `listConnections` is {@link ConnectionDetails}: use that name. */
export type Connection = ConnectionDetails

/** The file types Publish Data Source accepts (the page's four plus Parquet). */
export type DatasourceFileType = 'parquet' | 'hyper' | 'tds' | 'tdsx' | 'tde'

/** Embedded connection credentials sent with a publish (`<connectionCredentials>`). */
export interface ConnectionCredentials {
  name: string
  password?: string
  embed?: boolean
  oAuth?: boolean
}

/** Progress of a publish or download, in bytes. */
export interface TransferProgress {
  phase: 'upload' | 'download'
  bytes: number
  /** Unknown for a download without Content-Length. */
  totalBytes: number | undefined
}

/** Options of {@link DatasourcesApi.publish}. */
export interface PublishDatasourceOptions {
  /** The data source's name on the server. */
  name: string
  /** Path of the file to publish. */
  file: string
  /** Default: the file's extension. */
  fileType?: DatasourceFileType
  /** Project LUID (default: the site's default project). */
  projectId?: string
  description?: string
  /** create (default; fails when the name exists), overwrite (atomic full replace), append. */
  mode?: 'create' | 'overwrite' | 'append'
  /** Publish asynchronously: returns the publish job instead of the data source. */
  asJob?: boolean
  credentials?: ConnectionCredentials
  useRemoteQueryAgent?: boolean
  /** Force (true) or forbid (false) an upload session; default: above 64 MB only. */
  uploadSession?: boolean
  /** Part size of an upload session (1..64 MiB). */
  partSizeBytes?: number
  onProgress?: (p: TransferProgress) => void
  signal?: AbortSignal
}

/** Options of {@link DatasourcesApi.download} and downloadRevision. */
export interface DownloadDatasourceOptions {
  /**
   * Target file (replaced if it exists), or an existing directory: the server's file name is used inside it, made
   * safe and cut to fit, and an existing entry of that name is never replaced (`name (1).ext` is used instead).
   */
  to: string
  /** false: leave the extract out (`includeExtract=False`). */
  includeExtract?: boolean
  onProgress?: (p: TransferProgress) => void
  signal?: AbortSignal
}

export interface DownloadResult {
  /** Where the file was saved. */
  path: string
  /** The file name the server sent (Content-Disposition), decoded, as sent. */
  filename: string | undefined
  bytes: number
  /** Into a directory: why `path` is not the server's name as sent (absent when it is). */
  renamed?: DownloadRename[]
}

/** Update Data Source: only the fields given change. */
export interface DatasourceChanges {
  name?: string
  projectId?: string
  ownerId?: string
  isCertified?: boolean
  certificationNote?: string
  encryptExtracts?: boolean
  description?: string
  useRemoteQueryAgent?: boolean
}

/** Update Data Source Connection: only the fields given change. */
export interface ConnectionChanges {
  serverAddress?: string
  serverPort?: string | number
  userName?: string
  password?: string
  embedPassword?: boolean
  queryTaggingEnabled?: boolean
}

export interface Revision {
  revisionNumber: number
  publishedAt?: string
  deleted: boolean
  current: boolean
  sizeInBytes?: number
  publisher?: { id?: string; name?: string }
}

/** Where retrieved keychains will be applied (all three required by the server). */
export interface KeychainDestination {
  siteUrlNamespace: string
  siteLuid: string
  serverUrl: string
}

export interface EncryptedKeychains {
  encryptedKeychains: string[]
  associatedUserLuids: string[]
}

/** The result of publish with `asJob: true`. */
export type PublishJob = Job
