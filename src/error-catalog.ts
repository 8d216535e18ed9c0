import type {
  DocumentedErrorDetails,
  DocumentedFields,
  FieldDetails,
  HttpErrorDetails,
  JobEndDetails,
} from './error-details.js'
import type { Job } from './model/job.js'
import type { PushReport } from './model/push-report.js'
import type { DocumentedErrorKind } from './protocol/documented-error.js'

export type {
  DocumentedErrorDetails,
  DocumentedFields,
  FieldDetails,
  HttpErrorDetails,
  JobEndDetails,
} from './error-details.js'

// Every error code hyperdelta throws, with the shape of its `details`: the one list. `HyperdeltaError<C>` takes
// its `details` type from here, and `isHyperdeltaError(e, 'API_ERROR')` narrows to it, so neither the library nor
// its users cast `details`. A test checks the error tables of docs/errors.md against ERROR_CATALOG.

/** Kinds of documented Tableau codes that only the client's mapping throws (others also come from the client's own checks). */
type DocumentedOnly = Exclude<
  DocumentedErrorKind,
  'AUTH_FAILED' | 'DATASOURCE_BUSY' | 'DATASOURCE_NOT_FOUND' | 'CONNECTION_REQUIRED' | 'CONNECTION_NOT_FOUND'
>

type DocumentedOnlyDetails = { [K in DocumentedOnly]: DocumentedErrorDetails }

/** The shape of `details` for every code; each documented kind's (DocumentedOnly) is DocumentedErrorDetails. */
export interface ErrorDetailsByCode extends DocumentedOnlyDetails {
  // schema and actions
  TABLE_INVALID: { table?: string; column?: string }
  PARQUET_SCHEMA_UNSUPPORTED: { path: string; column: string }
  /** `and`/`or` nest deeper than `limit` levels after flattening (see MAX_CONDITION_DEPTH). */
  CONDITION_TOO_DEEP: { limit: number; depth: number; actionIndex?: number; action?: string; field?: string }
  CONDITION_INVALID: { op?: string; index?: number; column?: string }
  ACTION_INVALID: { actionIndex: number; action: string; field: string; column?: string; op?: string }
  BATCH_EMPTY: Record<string, never>
  WIRE_INVALID: { path: string; issues?: { path: string; message: string }[] }
  // payload
  /** The offending option by its name (`{ maxBytes: 0 }`), plus `table`, `column`, `columns` for key columns. */
  PAYLOAD_OPTIONS_INVALID: { readonly [option: string]: unknown }
  PAYLOAD_INPUT_INVALID: { table?: string; column?: string; input?: string; declared?: string }
  PAYLOAD_ROW_INVALID: { table: string; row: number }
  PAYLOAD_COLUMN_UNKNOWN: { table: string; column: string; columns?: readonly string[]; row?: number; path?: string }
  PAYLOAD_COLUMN_MISSING: { table: string; column: string; columns?: readonly string[]; path?: string }
  PAYLOAD_VALUE_INVALID: { table: string; column: string; row: number; kind: string; reason: string }
  PAYLOAD_ROW_TOO_LARGE: { table?: string; row?: number; bytes?: number; maxBytes: number }
  /** `duplicates`: the first ones, each key as `{ column: value }` with the input rows holding it. */
  PAYLOAD_DUPLICATE_KEYS: {
    table: string
    keys: readonly string[]
    duplicates: { key: Record<string, unknown>; rows: readonly number[] }[]
  }
  /** `input` and `declared`: the input column's type and the declared column's, when one cannot take the other. */
  PAYLOAD_PARQUET_INPUT: { path: string; column?: string; row?: number; input?: string; declared?: string }
  PAYLOAD_ABORTED: Record<string, never>
  PAYLOAD_IO: { path?: string; bytes?: number; expected?: number; maxBytes?: number }
  // client
  /** Also a per-call option (a virtual connection's tags, capabilities, grantee type); `capability` names the bad one. */
  CONFIG_INVALID: FieldDetails & { capability?: string }
  /** A caller's value that cannot be one segment of a request path (a dot-segment, a `/`, empty); nothing was sent. */
  PATH_SEGMENT_INVALID: { field: string; value: string; reason: string; route?: string }
  API_VERSION_UNSUPPORTED: { serverVersion: string; minApiVersion?: string; maxApiVersion?: string }
  AUTH_FAILED: Partial<HttpErrorDetails> & Partial<DocumentedFields> & { auth?: string }
  API_ERROR: HttpErrorDetails
  NETWORK_ERROR: {
    method: string
    url: string
    /** host:port the client could not reach. */
    host?: string | undefined
    requestId?: string | undefined
    reason: string
    /** How many attempts the retry policy made before giving up. */
    attempts?: number | undefined
  }
  RESPONSE_INVALID: {
    status: number
    method: string
    url: string
    requestId?: string | undefined
    problem: string
    body: string
  }
  /** An answer larger than the caller's cap (`maxBytes`); `bytes`: how much had arrived (or was announced). */
  RESPONSE_TOO_LARGE: { maxBytes: number; bytes: number; method: string; url: string }
  ABORTED: Record<string, never>
  CLIENT_CLOSED: Record<string, never>
  DATASOURCE_BUSY: HttpErrorDetails & Partial<DocumentedFields>
  /** From a lookup (id / name / project), or a Data Sources method's documented 404 (the HTTP details). */
  DESCRIBE_NOT_AVAILABLE: { datasource: string }
  DATASOURCE_NOT_FOUND: {
    id?: string
    name?: string
    project?: string | undefined
    tableauCode?: string | undefined
  } & Partial<HttpErrorDetails> &
    Partial<DocumentedFields>
  DATASOURCE_AMBIGUOUS: {
    name: string
    project?: string | undefined
    candidates: { id: string; project?: string | undefined }[]
  }
  /** From the connection preflight, or a documented 403062. */
  CONNECTION_REQUIRED: { datasourceId: string; connections: string[] } | DocumentedErrorDetails
  /** From the connection preflight, or a documented 404020. */
  CONNECTION_NOT_FOUND: { datasourceId: string; connectionId: string; connections: string[] } | DocumentedErrorDetails
  /** Content that is not the JSON the page describes, or text XML cannot carry; nothing was sent. */
  CONTENT_INVALID: { field: string; format?: string }
  /** A download could not write its file (`reason`: the system's code, e.g. ENOSPC, EISDIR, ENOENT). */
  DOWNLOAD_WRITE_FAILED: { path: string; reason: string }
  /** A capabilities file that cannot be read or does not match its schema. */
  CAPABILITIES_INVALID: { file: string; field?: string }
  /** A request uses a protocol fact `probe` saw this server reject; nothing was sent. */
  CAPABILITY_REJECTED: { fact: string; probedAt: string }
  UPLOAD_FILE_UNREADABLE: { path: string }
  JOB_FAILED: JobEndDetails
  JOB_CANCELLED: JobEndDetails
  JOB_UNKNOWN_OUTCOME: JobEndDetails
  JOB_TIMEOUT: { jobId: string; timeoutMs: number; polls: number; job: Job | undefined }
  JOB_ABORTED: { jobId: string; cancelRequested: boolean; job: Job | undefined }
  // plan and push
  PLAN_INPUT_MISSING: { table: string; actionIndex?: number }
  PLAN_INPUT_INVALID: { table: string; sourceTables?: string[]; index?: number }
  PLAN_EMPTY_REPLACE: { table: string }
  PLAN_UNSPLITTABLE: { table: string; files: number }
  JOURNAL_INVALID: { path?: string; index?: number; journal?: string; lock?: string }
  JOURNAL_LOCKED: { journal: string; lock: string; holder?: { pid: number; hostname: string; since: string } }
  JOURNAL_TRANSITION_INVALID: { index: number; from: string; to: string }
  JOB_NOT_FOUND: { request: number; jobId: string; journal?: string }
  REQUEST_ATTEMPTS_EXHAUSTED: { request: number; attempts: number; maxAttempts: number }
  JOURNAL_MISMATCH: { journal?: string | undefined; runId?: string }
  JOURNAL_RUN_ACTIVE: { journal: string | undefined; runId: string; jobId: string }
  /** The batch's tables do not match the target's (checked before any upload): each problem names column, ours and theirs. */
  SCHEMA_MISMATCH: {
    datasource: string
    problems: { table: string; column: string; ours?: string | undefined; theirs?: string | undefined }[]
  }
  PUSH_FAILED: { report: PushReport }
  PUSH_INTERRUPTED: Record<string, never>
  // CLI
  USAGE: Record<string, never>
  INPUT_INVALID: {
    file?: string
    line?: number
    column?: number | string
    path?: string
    field?: string
    csvCode?: string
  }
  /** A file given to the CLI (a flag's value, or a `*_FILE` secret variable) cannot be read. */
  INPUT_UNREADABLE: { file: string; flag?: string; variable?: string }
  INPUT_FILE_UNREADABLE: { file: string }
  // pipelines
  /** `otherPath`/`otherType`: the file a disagreeing file is compared with and its type; `watermark`: one that does not fit. */
  CDC_INVALID: { column?: string; path?: string; row?: number; type?: string; kind?: string } & {
    otherPath?: string
    otherType?: string
    watermark?: string
    declared?: string
  }
  ROW_INVALID: { row?: number; column: string; key?: string }
  DUPLICATE_KEY: { key: string; snapshot?: 'previous' | 'current' }
  WATERMARK_INVALID: { path: string; name?: string }
  // emulator
  EMULATOR_SITE_UNKNOWN: { site: string | undefined }
  EMULATOR_DATASOURCE_EXISTS: { name: string }
  EMULATOR_ROW_INVALID: { row: number; column: string }
  EMULATOR_DEPENDENCY_MISSING: Record<string, never>
  EMULATOR_DATA_DIR_IN_USE: { dataDir?: string; pid?: number }
  EMULATOR_LISTEN_FAILED: Record<string, never>
  /** A state file of the data dir (catalog.json, virtual-connections.json, a data source's database) is damaged. */
  EMULATOR_STATE_INVALID: { file: string }
}

/** Every error code. */
export type ErrorCode = keyof ErrorDetailsByCode

/** The `details` of code `C`. */
export type ErrorDetails<C extends ErrorCode = ErrorCode> = ErrorDetailsByCode[C]

/** Where each code comes from: docs/errors.md documents every code, grouped by area (checked by a test). */
export const ERROR_CATALOG = {
  TABLE_INVALID: 'schema',
  PARQUET_SCHEMA_UNSUPPORTED: 'schema',
  CONDITION_TOO_DEEP: 'actions',
  CONDITION_INVALID: 'actions',
  ACTION_INVALID: 'actions',
  BATCH_EMPTY: 'actions',
  WIRE_INVALID: 'actions',
  PAYLOAD_OPTIONS_INVALID: 'payload',
  PAYLOAD_INPUT_INVALID: 'payload',
  PAYLOAD_ROW_INVALID: 'payload',
  PAYLOAD_COLUMN_UNKNOWN: 'payload',
  PAYLOAD_COLUMN_MISSING: 'payload',
  PAYLOAD_VALUE_INVALID: 'payload',
  PAYLOAD_ROW_TOO_LARGE: 'payload',
  PAYLOAD_DUPLICATE_KEYS: 'payload',
  PAYLOAD_PARQUET_INPUT: 'payload',
  PAYLOAD_ABORTED: 'payload',
  PAYLOAD_IO: 'payload',
  CONFIG_INVALID: 'client',
  PATH_SEGMENT_INVALID: 'client',
  API_VERSION_UNSUPPORTED: 'client',
  AUTH_FAILED: 'client',
  API_ERROR: 'client',
  NETWORK_ERROR: 'client',
  RESPONSE_INVALID: 'client',
  RESPONSE_TOO_LARGE: 'client',
  ABORTED: 'client',
  CLIENT_CLOSED: 'client',
  DATASOURCE_BUSY: 'client',
  DESCRIBE_NOT_AVAILABLE: 'client',
  DATASOURCE_NOT_FOUND: 'client',
  DATASOURCE_AMBIGUOUS: 'client',
  CONNECTION_REQUIRED: 'client',
  CONNECTION_NOT_FOUND: 'client',
  UPLOAD_FILE_UNREADABLE: 'client',
  REQUEST_INVALID: 'client',
  PAGE_INVALID: 'client',
  TAG_INVALID: 'client',
  CAPABILITY_INVALID: 'client',
  PUBLISH_FILE_INVALID: 'client',
  PUBLISH_MODE_INVALID: 'client',
  ASK_DATA_INVALID: 'client',
  OPERATION_FAILED: 'client',
  OPERATION_UNSUPPORTED: 'client',
  PERMISSION_DENIED: 'client',
  STORAGE_QUOTA_EXCEEDED: 'client',
  VERSION_HISTORY_DISABLED: 'client',
  REVISION_IS_CURRENT: 'client',
  ID_MISMATCH: 'client',
  SITE_NOT_FOUND: 'client',
  USER_NOT_FOUND: 'client',
  GROUP_NOT_FOUND: 'client',
  PROJECT_NOT_FOUND: 'client',
  TAG_NOT_FOUND: 'client',
  REVISION_NOT_FOUND: 'client',
  UPLOAD_SESSION_NOT_FOUND: 'client',
  CAPABILITY_NOT_FOUND: 'client',
  CAPABILITY_NOT_ASSIGNED: 'client',
  VIRTUAL_CONNECTION_NOT_FOUND: 'client',
  METHOD_NOT_ALLOWED: 'client',
  NAME_CONFLICT: 'client',
  REFRESH_ALREADY_QUEUED: 'client',
  CONTENT_INVALID: 'client',
  DOWNLOAD_WRITE_FAILED: 'client',
  CAPABILITIES_INVALID: 'client',
  CAPABILITY_REJECTED: 'client',
  JOB_FAILED: 'client',
  JOB_CANCELLED: 'client',
  JOB_UNKNOWN_OUTCOME: 'client',
  JOB_TIMEOUT: 'client',
  JOB_ABORTED: 'client',
  PLAN_INPUT_MISSING: 'plan',
  PLAN_INPUT_INVALID: 'plan',
  PLAN_EMPTY_REPLACE: 'plan',
  PLAN_UNSPLITTABLE: 'plan',
  JOURNAL_INVALID: 'plan',
  JOURNAL_LOCKED: 'plan',
  JOURNAL_TRANSITION_INVALID: 'plan',
  JOB_NOT_FOUND: 'plan',
  REQUEST_ATTEMPTS_EXHAUSTED: 'plan',
  JOURNAL_MISMATCH: 'plan',
  JOURNAL_RUN_ACTIVE: 'plan',
  SCHEMA_MISMATCH: 'plan',
  PUSH_FAILED: 'plan',
  PUSH_INTERRUPTED: 'plan',
  USAGE: 'cli',
  INPUT_INVALID: 'cli',
  INPUT_UNREADABLE: 'cli',
  INPUT_FILE_UNREADABLE: 'cli',
  CDC_INVALID: 'pipelines',
  ROW_INVALID: 'pipelines',
  DUPLICATE_KEY: 'pipelines',
  WATERMARK_INVALID: 'pipelines',
  EMULATOR_SITE_UNKNOWN: 'emulator',
  EMULATOR_DATASOURCE_EXISTS: 'emulator',
  EMULATOR_ROW_INVALID: 'emulator',
  EMULATOR_DEPENDENCY_MISSING: 'emulator',
  EMULATOR_DATA_DIR_IN_USE: 'emulator',
  EMULATOR_LISTEN_FAILED: 'emulator',
  EMULATOR_STATE_INVALID: 'emulator',
} as const satisfies {
  [C in ErrorCode]: 'schema' | 'actions' | 'payload' | 'client' | 'plan' | 'cli' | 'pipelines' | 'emulator'
}

/** Every code, in catalog order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[]
