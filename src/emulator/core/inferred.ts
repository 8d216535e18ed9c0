/**
 * Every emulator behaviour that docs/protocol.md marks INFERRED or
 * leaves open, in one place. When a real Tableau server disagrees, edit it here and nowhere else.
 */

/** docs/protocol.md §2.3 INFERRED: JSON when `Accept` contains application/json; XML otherwise (missing, `*\/*`, xml). */
export function wantsJson(accept: string | undefined): boolean {
  return accept?.toLowerCase().includes('application/json') ?? false
}

/** docs/protocol.md §10.4 INFERRED: `max_size_in_mb` counts 10^6 bytes (the stricter reading; clients stay below 0.95 × 10^6 × MB). */
export const BYTES_PER_MB = 1_000_000

/** docs/protocol.md §10.4 INFERRED: status and code of the payload-size error, enforced at PATCH time. */
export const PAYLOAD_TOO_LARGE = { status: 413, code: '413000', summary: 'Payload Too Large' } as const

/** docs/protocol.md §6.2 INFERRED: `fileSize` after an append is the cumulative size in whole MiB, rounded down. */
export function fileSizeInMb(bytes: number): number {
  return Math.floor(bytes / 2 ** 20)
}

/** docs/protocol.md §7.4 INFERRED: a repeated RequestID on the same site within this window gets 202 + the original job. */
export const DUPLICATE_REQUEST_WINDOW_MS = 24 * 60 * 60 * 1000

/** docs/protocol.md §7.2 INFERRED: a PATCH without a RequestID header is an invalid parameter. */
export const MISSING_REQUEST_ID = { code: '400008', detail: 'The RequestID header is missing.' } as const

/** docs/protocol.md §8.1 INFERRED: unknown job id. Tableau's Query Job reference lists 404031 "Job not found". */
export const JOB_NOT_FOUND = { code: '404031', summary: 'Job not found' } as const

/** docs/protocol.md §6.2/§7.6 INFERRED for Append and PATCH (documented for Publish): unknown upload session. */
export const UPLOAD_NOT_FOUND = { code: '404015', summary: 'File upload not found' } as const

/** INFERRED: a site LUID in the path that is not the token's site answers "Site not found". */
export const SITE_MISMATCH_IS_NOT_FOUND = true

/** docs/protocol.md §5.3/§5.1 INFERRED: the `type` reported for data sources and their live-to-Hyper connections. */
export const DATASOURCE_TYPE = 'hyper'
export const CONNECTION_TYPE = 'hyper'

/** docs/protocol.md §10.1 INFERRED: a Parquet file published as a data source becomes the table Extract.Extract. */
export const PUBLISHED_TABLE = { schema: 'Extract', name: 'Extract' } as const

/** Emulator-only 503 body (TSC does not parse 5xx bodies); code follows the status-prefix convention. */
export const SERVICE_UNAVAILABLE = { code: '503000', summary: 'Service Unavailable' } as const

/** docs/protocol.md §8.3 INFERRED: Cancel Job answers 200 with the job element; cancel while running is best effort. */
export const CANCEL_RUNNING_IS_BEST_EFFORT = true

/**
 * docs/protocol.md §10.2 design choice (emulator-only): a Parquet payload holds exactly one table, addressed by
 * whatever `source-table` the actions name; `source-schema` is ignored. All actions of one request
 * that name a source table must name the same one.
 */
export const PARQUET_PAYLOAD_NOTE =
  'emulator: a Parquet payload holds one table; every action must name the same source-table'

/** docs/protocol.md §10.2: the emulator cannot read Hyper payloads (no Hyper engine); such jobs fail with this note. */
export const HYPER_PAYLOAD_NOTE =
  'emulator: the payload is a .hyper file, which the emulator cannot read (no Hyper engine); send a Parquet payload'

/** docs/protocol.md §7.3.3 INFERRED: the internal errorCode embedded in notes for a missing table or column (410012-style). */
export function missingObjectNote(what: string): string {
  return `com.tableausoftware.server.status.reporting.TableauRuntimeException: There was a problem retrieving table information. ${what} (errorCode=410012)`
}

/** docs/protocol.md §7.3.3 INFERRED: several source rows matching one target row fail the job instead of a silent pick. */
export function multipleMatchNote(action: number, kind: string): string {
  return `action ${action} (${kind}): a target row matches more than one source row; dedupe the source by key (errorCode=410013, emulator)`
}

/** docs/protocol.md §4.3 INFERRED default: Tableau Server's 240-minute session. */
export const DEFAULT_TOKEN_TTL_MS = 240 * 60 * 1000

/** docs/protocol.md §4.1 INFERRED: connected-app JWTs are HS256 only; `aud` is not checked. */
export const JWT_ALGORITHM = 'HS256'

/** INFERRED: the detail text for a known path called with the wrong method. */
export function methodNotAllowedDetail(method: string): string {
  return `Request type ${method} is not allowed for this resource.`
}

/** INFERRED: VizQL Data Service `dataType` for each DuckDB column type the emulator creates. */
export const VDS_DATA_TYPE: Readonly<Record<string, string>> = {
  BIGINT: 'INTEGER',
  INTEGER: 'INTEGER',
  DOUBLE: 'REAL',
  VARCHAR: 'STRING',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  SMALLINT: 'INTEGER',
  'TIMESTAMP WITH TIME ZONE': 'DATETIME',
  TIMESTAMP: 'DATETIME',
}

/** INFERRED: the VDS `dataType` of a DuckDB column type; NUMERIC(p, s) is REAL, TIME (no VDS type) UNKNOWN. */
export function vdsDataType(duckdbType: string): string {
  return VDS_DATA_TYPE[duckdbType] ?? (duckdbType.startsWith('DECIMAL(') ? 'REAL' : 'UNKNOWN')
}

/** INFERRED: `errorCode` values of the VizQL Data Service's error envelope. */
export const VDS_ERROR = { badRequest: '400800', notFound: '404800' } as const

/**
 * INFERRED: how the VizQL Data Service spells values in JSON. Integers are JSON numbers (those
 * beyond 2^53 as decimal strings, so nothing is rounded silently), NaN and ±Infinity (no JSON number)
 * the strings `NaN`, `Infinity`, `-Infinity`, dates `YYYY-MM-DD`, datetimes ISO 8601 in UTC with the
 * fraction kept. The client reads them in `src/plan/verify-compare.ts`.
 */
export function vdsValue(value: unknown, duckdbType: string): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (duckdbType === 'DATE' || duckdbType.startsWith('TIMESTAMP')) {
    const text = String(value)
    if (duckdbType === 'DATE') return text
    const [date, time = '00:00:00'] = text.replace(/\+00(:00)?$/, '').split(' ')
    return `${date}T${time}Z`
  }
  return value
}

/** INFERRED: the `type` shown for a data source published from an opaque file (.tds/.tdsx/.hyper/.tde). */
export function opaqueDatasourceType(filename: string): string {
  return filename.toLowerCase().endsWith('.hyper') || filename.toLowerCase().endsWith('.tde') ? 'hyper' : 'unknown'
}

/** Publish Data Source: the file types the page lists, plus Parquet (Tableau 2022.1+). */
export const PUBLISH_FILE_TYPES = ['hyper', 'tds', 'tdsx', 'tde', 'parquet'] as const

/** The page's single-request limit (64 MB); INFERRED: MiB, and a larger attachment is a 400011 publishing error. */
export const SINGLE_REQUEST_PUBLISH_LIMIT = 64 * 2 ** 20

/**
 * INFERRED: the status of a publish with `asJob=true` (202, the job accepted) and that the emulator
 * does the publish before answering (the job then finishes on its own, finishCode 0).
 */
export const PUBLISH_AS_JOB_STATUS = 202

/** INFERRED: schema mismatch on append (the page: "schema … must match") is a 400011 publishing error. */
export const APPEND_SCHEMA_MISMATCH = { status: 400, code: '400011', summary: 'Publishing error' } as const

/**
 * INFERRED (emulator design): every publish that creates or overwrites records a revision holding the
 * published file; an append changes the current revision's data but records none. The current
 * revision cannot be removed (403055 "Cannot delete head revision").
 */
export const REVISION_PER_PUBLISH = true

/**
 * Emulator design: Download Data Source of a Parquet-published (table) data source returns the
 * table as it is now, as a Parquet file named `<name>.parquet`; opaque files come back byte-identical.
 * `includeExtract` is accepted (true/false, any case) and changes nothing.
 */
export const TABLE_DOWNLOAD_EXTENSION = 'parquet'

/** INFERRED: an unknown connection id in Update Data Source Connection answers 404020 Connection not found. */
export const CONNECTION_NOT_FOUND = { code: '404020', summary: 'Connection not found' } as const

/**
 * Emulator design: retrieveKeychain returns the keychains last applied with applykeychain; before
 * any, one keychain that encodes (base64 JSON) the data source id and its connections' user names —
 * never a password. The emulator holds no keys, so nothing is really encrypted.
 */
export const KEYCHAIN_FORMAT = 'base64-json'

/** docs/protocol.md §8.2 INFERRED: Query Jobs' `jobType` per job type (TSC's fixture shows only other kinds). */
export const BACKGROUND_JOB_TYPE = {
  RefreshExtract: 'refresh_extracts',
  UpdateUploadedFile: 'update_uploaded_file',
  PublishDatasource: 'publish_datasource',
} as const

/** docs/protocol.md §4.1 INFERRED: how an update PATCH refuses a session of a sign-in kind it does not accept. */
export const SIGN_IN_KIND_REFUSED = { status: 403, code: '403000', summary: 'Forbidden' } as const
