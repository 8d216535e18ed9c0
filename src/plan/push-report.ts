import type { PushReport, RequestOutcome, RequestReport } from '../model/push-report.js'
import { summarizeVerification } from '../model/verify-result.js'

export type { PushReport, ReplayedJob, RequestOutcome, RequestReport } from '../model/push-report.js'

/** What a report says about a payload file: its table, rows, bytes and sha256 (not its temporary path). */
// Structural (a ChangeFile fits): the report types stay free of the payload module, so the error catalog can name
// PushReport without an import cycle.
export function payloadSummary(
  file: { table: { name: string }; rows: number; bytes: number; sha256: string } | undefined,
): RequestReport['payload'] {
  return file && { table: file.table.name, rows: file.rows, bytes: file.bytes, sha256: file.sha256 }
}

/** Progress of a push, in order: packaging, planned, then per request upload / submit / job / request-done, then done. */
export type PushProgress =
  | { type: 'packaging'; table: string; rows: number; bytes: number; files: number }
  | { type: 'planned'; requests: number; files: number; rows: number; bytes: number; resumed: boolean }
  | { type: 'upload'; request: number; uploadedBytes: number; totalBytes: number; part: number; parts: number }
  | { type: 'submitted'; request: number; requestId: string; jobId: string }
  | { type: 'job'; request: number; jobId: string; progress: number }
  | { type: 'request-done'; request: number; outcome: RequestOutcome; jobId?: string | undefined }
  | { type: 'done'; report: PushReport }
  /** A long step of a pipeline before the push (the CDC diff): once when it starts, once when it is done. */
  | { type: 'phase'; phase: string; state: 'start' | 'done'; detail?: string | undefined }
  /** The loader reading its input files, one event per file (1-based `index` of `files`). */
  | { type: 'file'; index: number; files: number; path: string; rows: number }
  /** Bytes of a publish (or download) sent so far; `totalBytes` unknown for a download without Content-Length. */
  | { type: 'transfer'; phase: 'upload' | 'download'; bytes: number; totalBytes: number | undefined }

/** One line per request: which were applied and which were not. */
export function summarizeReport(report: PushReport): string {
  const lines = [
    `run ${report.runId} on data source ${report.datasource.name ?? report.datasource.id}: ${report.outcome} ` +
      `(${report.requests.length} request(s), ${report.rows} row(s), ${report.bytes} byte(s), ${report.durationMs} ms)`,
  ]
  for (const r of report.requests) {
    const payload = r.payload ? `${r.payload.rows} row(s) of ${r.payload.table}` : 'no payload'
    const actions = r.actions.map((a) => a.action).join('+')
    lines.push(`  #${r.index} ${actions} (${payload}) → ${r.outcome}${r.jobId ? ` [job ${r.jobId}]` : ''}`)
    for (const p of r.replayed ?? []) {
      lines.push(
        `      RequestID ${p.requestId} replayed job ${p.jobId} (${p.outcome} in an earlier run); sent the next attempt`,
      )
    }
    for (const note of r.notes ?? []) lines.push(`      ${note}`)
  }
  for (const w of report.warnings) lines.push(`  warning: ${w}`)
  if (report.error) {
    // A failed job's message repeats its notes, printed under the request already: say them once.
    const notesAbove = report.requests.some((r) => (r.notes ?? []).length > 0) && report.error.code.startsWith('JOB_')
    lines.push(
      `  error: ${report.error.code}${notesAbove ? " (the job's notes are above)" : `: ${report.error.message}`}`,
    )
  }
  if (report.verification) lines.push(...summarizeVerification(report.verification).map((l) => `  ${l}`))
  return lines.join('\n')
}
