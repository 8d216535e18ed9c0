// The shape of one Tableau error code a reference page documents for an endpoint, and the kinds of failure those
// codes fall into. A kind is a hyperdelta error code; the catalogue (documented-errors.ts) says which kind each
// documented (endpoint, Tableau code) pair is, and the client throws that kind with `details.resource`,
// `details.endpoint` and `details.tableauCode`.

/**
 * Every kind a documented Tableau code can be (each is an error code of the catalog, src/error-catalog.ts). A kind
 * names what went wrong, never which API answered; only a `*_NOT_FOUND` names the thing that is missing.
 */
export const DOCUMENTED_ERROR_KINDS = [
  'AUTH_FAILED',
  'REQUEST_INVALID',
  'PAGE_INVALID',
  'TAG_INVALID',
  'CAPABILITY_INVALID',
  'PUBLISH_FILE_INVALID',
  'PUBLISH_MODE_INVALID',
  'ASK_DATA_INVALID',
  'OPERATION_FAILED',
  'OPERATION_UNSUPPORTED',
  'PERMISSION_DENIED',
  'STORAGE_QUOTA_EXCEEDED',
  'VERSION_HISTORY_DISABLED',
  'REVISION_IS_CURRENT',
  'CONNECTION_REQUIRED',
  'ID_MISMATCH',
  'SITE_NOT_FOUND',
  'USER_NOT_FOUND',
  'GROUP_NOT_FOUND',
  'PROJECT_NOT_FOUND',
  'TAG_NOT_FOUND',
  'REVISION_NOT_FOUND',
  'CONNECTION_NOT_FOUND',
  'UPLOAD_SESSION_NOT_FOUND',
  'CAPABILITY_NOT_FOUND',
  'CAPABILITY_NOT_ASSIGNED',
  'DATASOURCE_NOT_FOUND',
  'VIRTUAL_CONNECTION_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NAME_CONFLICT',
  'REFRESH_ALREADY_QUEUED',
  'DATASOURCE_BUSY',
] as const

export type DocumentedErrorKind = (typeof DOCUMENTED_ERROR_KINDS)[number]

/** One row of an endpoint's Errors table on its reference page. */
export interface DocumentedError {
  /** Tableau's error code, e.g. `404004`. */
  readonly tableauCode: string
  /** The HTTP status the page gives. */
  readonly status: number
  readonly kind: DocumentedErrorKind
  /** The page's condition, shortened. */
  readonly meaning: string
  /**
   * When one Tableau code has several rows of different kinds (403007 on Publish Data Source), the row applies only
   * when the answer's summary or detail contains one of these (case-insensitive); the row without `when` is the rest.
   */
  readonly when?: readonly string[]
}

/** A row of an Errors table. */
export function row(
  tableauCode: string,
  status: number,
  kind: DocumentedErrorKind,
  meaning: string,
  when?: readonly string[],
): DocumentedError {
  return when === undefined ? { tableauCode, status, kind, meaning } : { tableauCode, status, kind, meaning, when }
}
