import { HyperdeltaError, type PushClient, type SubmittedJob } from '../../../src/index.js'
import type { PlannedRequest } from '../../../src/plan/plan-changes.js'
import { type RunTarget, requestIdOf } from '../../../src/plan/run-requests.js'

// A fake PushClient for runRequests' unit tests: a tiny in-memory server that remembers RequestIDs
// (as Tableau does for 24 h), with scripted job outcomes. No HTTP, no files.

export const NOW = Date.parse('2026-11-27T12:00:00Z')
export const target: RunTarget = { siteId: 'site', datasource: { id: 'ds', name: 'Orders' }, connection: undefined }
export const request = (index: number): PlannedRequest =>
  ({
    index,
    actions: [{ action: 'insert', 'source-table': 'changes', 'target-table': 'Extract' }],
    payload: { path: `/tmp/file-${index}`, rows: 10, bytes: 100, sha256: `sha-${index}`, table: { name: 'changes' } },
  }) as unknown as PlannedRequest

export type Outcome = 'success' | 'failed' | 'schema-error' | 'cancelled'

export class FakeServer implements PushClient {
  readonly siteId = 'site'
  readonly calls: string[] = []
  readonly jobs = new Map<string, SubmittedJob & { outcome: Outcome }>()
  readonly byRequestId = new Map<string, string>()
  /** Outcomes of the next jobs created, in order (default success). */
  outcomes: Outcome[] = []
  patchError: HyperdeltaError | undefined
  waitOptions: unknown[] = []
  forgotten = new Set<string>()

  async findDatasource() {
    return { id: 'ds', name: 'Orders' }
  }
  async resolveConnection() {
    return undefined
  }
  async uploadFile(path: string) {
    this.calls.push(`upload ${path}`)
    return { uploadSessionId: `session:${path}` }
  }
  async updateData(r: { requestId: string }): Promise<SubmittedJob> {
    this.calls.push(`patch ${r.requestId.slice(0, 8)}`)
    if (this.patchError) throw this.patchError
    const known = this.byRequestId.get(r.requestId)
    if (known) return this.jobs.get(known)!
    const id = `job-${this.jobs.size + 1}`
    this.jobs.set(id, { id, createdAt: new Date(NOW).toISOString(), outcome: this.outcomes.shift() ?? 'success' })
    this.byRequestId.set(r.requestId, id)
    return { id, createdAt: this.jobs.get(id)!.createdAt }
  }
  async getJob(id: string) {
    const job = this.jobs.get(id)
    if (!job || this.forgotten.has(id)) {
      throw new HyperdeltaError('API_ERROR', `job ${id}: 404`, { details: { status: 404 } as never })
    }
    return {
      id,
      ...(job.completedAt !== undefined && { completedAt: job.completedAt }),
      ...(job.finishCode !== undefined && { finishCode: job.finishCode }),
    }
  }
  async waitForJob(id: string, options?: unknown) {
    this.calls.push(`wait ${id}`)
    this.waitOptions.push(options)
    const job = this.jobs.get(id)
    if (!job || this.forgotten.has(id)) {
      throw new HyperdeltaError('API_ERROR', `job ${id}: 404`, {
        details: { status: 404, tableauCode: '404031' } as never,
      })
    }
    job.completedAt = new Date(NOW).toISOString()
    if (job.outcome === 'success') {
      job.finishCode = 0
      return { id }
    }
    if (job.outcome === 'cancelled') {
      job.finishCode = 2
      throw new HyperdeltaError('JOB_CANCELLED', `job ${id}: cancelled`, {
        retryable: true,
        details: { notes: [] } as never,
      })
    }
    job.finishCode = 1
    const notes = job.outcome === 'schema-error' ? ['no such column (errorCode=410012)'] : ['disk full']
    throw new HyperdeltaError('JOB_FAILED', `job ${id}: failed`, {
      retryable: job.outcome !== 'schema-error',
      details: { notes } as never,
    })
  }
  /** An earlier run: this request's attempt `attempt` already ended with `outcome` an hour ago. */
  earlierRun(r: PlannedRequest, attempt: number, outcome: 'failed' | 'cancelled' | 'success', ended = true) {
    const id = `old-${this.jobs.size + 1}`
    const hourAgo = new Date(NOW - 3600_000).toISOString()
    this.jobs.set(id, {
      id,
      createdAt: hourAgo,
      ...(ended && { completedAt: hourAgo, finishCode: { failed: 1, cancelled: 2, success: 0 }[outcome] }),
      outcome: outcome === 'failed' ? 'failed' : outcome,
    })
    this.byRequestId.set(requestIdOf('run', target, r, attempt), id)
    return id
  }
}
