import type { Job } from './model/job.js'
import type { EndpointResource } from './protocol/endpoint.js'
import type { EndpointName } from './protocol/endpoints.js'

// Shapes of `details` shared by several error codes (the catalog, error-catalog.ts, names them per code).

/** Details of an HTTP answer the client did not expect. */
export interface HttpErrorDetails {
  /** HTTP status. */
  status: number
  /** Tableau's error code, e.g. `409094`, when the body carried one. */
  tableauCode?: string | undefined
  summary?: string | undefined
  detail?: string | undefined
  method: string
  /** Path and query after the server origin (no secrets). */
  url: string
  requestId?: string | undefined
  /** A `Retry-After` the server sent, in milliseconds. */
  retryAfterMs?: number
  /** A redacted excerpt of a body that carried no Tableau error. */
  body?: string
}

/** Details of a job that ended without success. */
export interface JobEndDetails {
  jobId: string
  finishCode: number | undefined
  notes: string[]
  statusNotes: Job['statusNotes']
  job: Job
}

/** A bad option or argument: which one. */
export interface FieldDetails {
  field: string
  value?: unknown
}

/** Which call a documented Tableau error answered (the protocol catalogue's names). */
export interface DocumentedFields {
  /** The resource of the endpoint, e.g. `datasource`, `virtual-connection`. */
  resource: EndpointResource
  /** The endpoint, e.g. `deleteTag`, `deleteVirtualConnectionTag`. */
  endpoint: EndpointName
  /** The virtual connection the call was about. */
  virtualConnection?: string
}

/** Details of an error whose Tableau code a reference page documents: the HTTP details and the call. */
export type DocumentedErrorDetails = HttpErrorDetails & DocumentedFields & { tableauCode: string }
