import type { Job } from './model/job.js'

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

/** Details of a documented Virtual Connections error: the HTTP details plus what the call was about. */
export type VconnErrorDetails = Partial<HttpErrorDetails> & { tableauCode: string; readonly [context: string]: unknown }
