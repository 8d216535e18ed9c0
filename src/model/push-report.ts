import type { VerifyResult } from './verify-result.js'
import type { WireAction } from './wire-types.js'

// What a push reports (built in src/plan/push-report.ts and run-requests.ts). Types only, in the import-free model
// folder: the error catalog's PUSH_FAILED carries a PushReport.

/**
 * What happened to one request. `applied` and `already-applied` are on the server; `submitted` (noWait) is a job
 * not waited for; the rest are not on the server.
 */
export type RequestOutcome =
  | 'applied'
  | 'already-applied'
  | 'submitted'
  | 'failed'
  | 'cancelled'
  | 'not-run'
  | 'interrupted'

/** A PATCH the server answered with a job from an earlier run that applied nothing (a RequestID replay). */
export interface ReplayedJob {
  requestId: string
  jobId: string
  outcome: 'failed' | 'cancelled'
  completedAt: string | undefined
}

export interface RequestReport {
  index: number
  /** The RequestID of the last attempt sent. */
  requestId: string
  /** 0 for the first attempt; bumped after a job that applied nothing (failed, cancelled or replayed). */
  attempt: number
  /** Earlier runs' failed or cancelled jobs the server answered with; each led to the next attempt. */
  replayed?: ReplayedJob[] | undefined
  actions: readonly WireAction[]
  payload?: { table: string; rows: number; bytes: number; sha256: string } | undefined
  jobId?: string | undefined
  outcome: RequestOutcome
  /** The job's notes when it failed. */
  notes?: readonly string[] | undefined
  uploadMs: number
  jobMs: number
}

export interface PushReport {
  runId: string
  datasource: { id: string; name?: string | undefined }
  /** `submitted`: noWait returned after submitting a job; rerun with the same journal to wait and finish. */
  outcome: 'succeeded' | 'failed' | 'submitted'
  requests: RequestReport[]
  files: number
  rows: number
  bytes: number
  warnings: readonly string[]
  packagingMs: number
  durationMs: number
  error?: { code: string; message: string } | undefined
  /** What `verify` found after the last job (only when `verify` was given). */
  verification?: VerifyResult
}
