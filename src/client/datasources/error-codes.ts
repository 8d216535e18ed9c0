import { HyperdeltaError } from '../../errors.js'

// Every error code the Data Sources reference page documents, per method, mapped to the library's typed codes.
// An API_ERROR whose Tableau code a method documents is re-thrown with the typed code (the original stays as
// `cause`, `details` are kept); anything else stays API_ERROR.

export type DatasourceMethod =
  | 'addTags'
  | 'delete'
  | 'deleteTag'
  | 'download'
  | 'retrieveKeychain'
  | 'downloadRevision'
  | 'revisions'
  | 'publish'
  | 'get'
  | 'query'
  | 'connections'
  | 'removeRevision'
  | 'update'
  | 'updateConnection'
  | 'refresh'
  | 'applyKeychain'

/** The typed codes (each with the same `details` as API_ERROR: status, tableauCode, summary, detail, method, url). */
export const DATASOURCE_ERROR_CODES = [
  'REQUEST_INVALID',
  'PAGE_INVALID',
  'TAG_INVALID',
  'PUBLISH_FILE_INVALID',
  'PUBLISH_FAILED',
  'PUBLISH_MODE_INVALID',
  'ASK_DATA_INVALID',
  'PERMISSION_DENIED',
  'DATASOURCE_EXISTS',
  'STORAGE_QUOTA_EXCEEDED',
  'VERSION_HISTORY_DISABLED',
  'REVISION_IS_CURRENT',
  'CONNECTION_REQUIRED',
  'SITE_NOT_FOUND',
  'OWNER_NOT_FOUND',
  'DATASOURCE_NOT_FOUND',
  'PROJECT_NOT_FOUND',
  'TAG_NOT_FOUND',
  'DATASOURCE_ID_MISMATCH',
  'UPLOAD_SESSION_NOT_FOUND',
  'CONNECTION_NOT_FOUND',
  'REVISION_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'DATASOURCE_NAME_CONFLICT',
  'REFRESH_ALREADY_QUEUED',
] as const
export type DatasourceErrorCode = (typeof DATASOURCE_ERROR_CODES)[number]

type Table = Readonly<Record<string, DatasourceErrorCode>>
const SITE: Table = { '404000': 'SITE_NOT_FOUND', '405000': 'METHOD_NOT_ALLOWED' }
const PAGING: Table = { '400006': 'PAGE_INVALID', '400007': 'PAGE_INVALID', '403014': 'PAGE_INVALID' }
const DS: Table = { '404004': 'DATASOURCE_NOT_FOUND' }

/** method → documented Tableau code → typed code (the page's Errors tables). */
export const DOCUMENTED_ERRORS: Readonly<Record<DatasourceMethod, Table>> = {
  addTags: {
    ...SITE,
    ...DS,
    '400000': 'REQUEST_INVALID',
    '400075': 'TAG_INVALID',
    '403004': 'PERMISSION_DENIED',
    '404009': 'DATASOURCE_ID_MISMATCH',
  },
  delete: { ...SITE, ...DS, '403004': 'PERMISSION_DENIED' },
  deleteTag: { ...SITE, ...DS, '400077': 'TAG_INVALID', '403004': 'PERMISSION_DENIED', '404007': 'TAG_NOT_FOUND' },
  download: { ...SITE, ...DS, '403028': 'PERMISSION_DENIED' },
  retrieveKeychain: { ...SITE, ...DS, '400000': 'REQUEST_INVALID', '403054': 'PERMISSION_DENIED' },
  downloadRevision: {
    ...SITE,
    ...DS,
    '403028': 'PERMISSION_DENIED',
    '403053': 'VERSION_HISTORY_DISABLED',
    '404024': 'REVISION_NOT_FOUND',
  },
  revisions: { ...SITE, ...DS, ...PAGING, '403053': 'VERSION_HISTORY_DISABLED', '403054': 'PERMISSION_DENIED' },
  publish: {
    ...SITE,
    ...DS,
    '400000': 'REQUEST_INVALID',
    '400008': 'REQUEST_INVALID',
    '400010': 'PUBLISH_FILE_INVALID',
    '400011': 'PUBLISH_FAILED',
    '400019': 'REQUEST_INVALID',
    '400055': 'PUBLISH_MODE_INVALID',
    '400129': 'ASK_DATA_INVALID',
    '403007': 'PERMISSION_DENIED', // or DATASOURCE_EXISTS: see overwriteForbidden
    '403008': 'STORAGE_QUOTA_EXCEEDED',
    '404005': 'PROJECT_NOT_FOUND',
    '404015': 'UPLOAD_SESSION_NOT_FOUND',
  },
  get: { ...SITE, ...DS, '403004': 'PERMISSION_DENIED' },
  query: { ...SITE, ...PAGING },
  connections: { ...SITE, '403021': 'PERMISSION_DENIED', '404011': 'DATASOURCE_NOT_FOUND' },
  removeRevision: {
    ...SITE,
    '403004': 'PERMISSION_DENIED',
    '403053': 'VERSION_HISTORY_DISABLED',
    '403055': 'REVISION_IS_CURRENT',
    '404006': 'DATASOURCE_NOT_FOUND',
    '404024': 'REVISION_NOT_FOUND',
  },
  update: {
    ...SITE,
    ...DS,
    '400000': 'REQUEST_INVALID',
    '400008': 'REQUEST_INVALID',
    '400129': 'ASK_DATA_INVALID',
    '403027': 'PERMISSION_DENIED',
    '403030': 'PERMISSION_DENIED',
    '403032': 'PERMISSION_DENIED',
    '403141': 'PERMISSION_DENIED',
    '404002': 'OWNER_NOT_FOUND',
    '404005': 'PROJECT_NOT_FOUND',
    '409015': 'DATASOURCE_NAME_CONFLICT',
  },
  updateConnection: {
    ...SITE,
    ...DS,
    '400000': 'REQUEST_INVALID',
    '403023': 'PERMISSION_DENIED',
    '403027': 'PERMISSION_DENIED',
    '403062': 'CONNECTION_REQUIRED',
    '404020': 'CONNECTION_NOT_FOUND',
  },
  refresh: {
    ...SITE,
    ...DS,
    '400000': 'REQUEST_INVALID',
    '403032': 'PERMISSION_DENIED',
    '409093': 'REFRESH_ALREADY_QUEUED',
  },
  applyKeychain: { ...SITE, ...DS, '400000': 'REQUEST_INVALID', '403054': 'PERMISSION_DENIED' },
}

/** 403007 covers both "no permission" and "a data source with this name exists" (the page's Overwrite forbidden). */
function overwriteForbidden(e: HyperdeltaError): boolean {
  const text = `${e.details['summary'] ?? ''} ${e.details['detail'] ?? ''}`.toLowerCase()
  return text.includes('overwrite') || text.includes('already exists')
}

/** Re-throws a documented API_ERROR of `method` as its typed code; returns anything else unchanged. */
export function typedDatasourceError(method: DatasourceMethod, error: unknown): unknown {
  if (!(error instanceof HyperdeltaError) || error.code !== 'API_ERROR') return error
  const tableauCode = error.details['tableauCode']
  if (typeof tableauCode !== 'string') return error
  let code = DOCUMENTED_ERRORS[method][tableauCode]
  if (code === undefined) return error
  if (code === 'PERMISSION_DENIED' && tableauCode === '403007' && overwriteForbidden(error)) code = 'DATASOURCE_EXISTS'
  return new HyperdeltaError(code, error.message, { cause: error, retryable: false, details: { ...error.details } })
}

/** The `mapError` of a Data Sources endpoint. */
export const typedErrors =
  (method: DatasourceMethod) =>
  (error: unknown): unknown =>
    typedDatasourceError(method, error)
