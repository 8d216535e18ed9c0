import { join } from 'node:path'
import type { Logger } from '../../index.js'
import type { WireAction } from '../../wire.js'
import type { FaultController } from '../core/faults.js'
import { personalityJobFailure, type ServerPersonality } from '../core/personality.js'
import { type Catalog, type JobRecord, restTimestamp } from '../store/catalog.js'
import type { Store } from '../store/store.js'
import { applyActions, JobFailure } from './apply-actions.js'

/**
 * Runs update jobs asynchronously: queued for `delayMs` (plus injected slowness), then running,
 * then done with finishCode 0/1/2. `completedAt` is always set together with `finishCode`
 * (TSC polls until completedAt appears). A job's data change and its ledger row commit in one
 * DuckDB transaction, so {@link recoverJobs} can tell after a crash whether it applied.
 */
export class JobRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly cancelRequested = new Set<string>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly startedMs = new Map<string, number>()

  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    private readonly faults: FaultController,
    private readonly delayMs: number,
    private readonly uploadsDir: string,
    private readonly logger: Logger,
    private readonly personality: ServerPersonality = {},
  ) {}

  /** True when the data source has a queued or running update job (→ 409094). */
  busy(datasourceId: string): boolean {
    return this.pending(datasourceId, 'UpdateUploadedFile')
  }

  /** True when the data source has a queued or running job of this type (refresh → 409093). */
  pending(datasourceId: string, type: NonNullable<JobRecord['type']>): boolean {
    return this.catalog.data.jobs.some(
      (j) => j.datasourceId === datasourceId && j.status !== 'done' && (j.type ?? 'UpdateUploadedFile') === type,
    )
  }

  submit(job: JobRecord): void {
    if (job.type === 'RefreshExtract' && this.personality.refreshJobsStayQueued) return
    const delay = this.delayMs + this.faults.takeJobDelay()
    const timer = setTimeout(() => {
      this.timers.delete(job.id)
      const run = this.run(job).finally(() => this.running.delete(job.id))
      this.running.set(job.id, run)
    }, delay)
    this.timers.set(job.id, timer)
  }

  /** Cancels a queued job at once; a running job is cancelled between actions (best effort). */
  cancel(job: JobRecord): void {
    if (job.status === 'queued') {
      const timer = this.timers.get(job.id)
      if (timer) clearTimeout(timer)
      this.timers.delete(job.id)
      void this.finish(job, 2, undefined)
    } else if (job.status === 'running') {
      this.cancelRequested.add(job.id)
    }
  }

  /** Marks the job done and resolves once that is on disk. */
  private finish(job: JobRecord, finishCode: number, notes: string | undefined): Promise<void> {
    job.status = 'done'
    job.progress = 100
    job.finishCode = finishCode
    job.completedAt = restTimestamp()
    job.startedAt ??= job.completedAt
    if (notes !== undefined) job.notes = notes
    const began = this.startedMs.get(job.id)
    if (began !== undefined) job.durationMs = Date.now() - began
    this.startedMs.delete(job.id)
    this.cancelRequested.delete(job.id)
    this.logger.info('emulator: job done', { job: job.id, finishCode })
    return this.catalog.save()
  }

  private async run(job: JobRecord): Promise<void> {
    await this.runUntilDone(job)
    await this.faults.jobPhase('finished', job.id)
  }

  private async runUntilDone(job: JobRecord): Promise<void> {
    if (job.status !== 'queued') return
    job.status = 'running'
    job.startedAt = restTimestamp()
    this.startedMs.set(job.id, Date.now())
    job.progress = 0
    await this.catalog.save()
    await this.faults.jobPhase('running', job.id)
    const injected = this.faults.takeJobOutcome()
    if (injected?.kind === 'fail') return this.finish(job, 1, injected.notes)
    if (injected?.kind === 'cancel') return this.finish(job, 2, undefined)
    const ds = this.catalog.datasource(job.siteId, job.datasourceId)
    if (!ds) return this.finish(job, 1, `emulator: data source ${job.datasourceId} no longer exists`)
    // A refresh has nothing to re-read (the data is the extract); a publish job's work was done on accept.
    if ((job.type ?? 'UpdateUploadedFile') !== 'UpdateUploadedFile') {
      if (job.type === 'RefreshExtract') ds.updatedAt = restTimestamp()
      return this.finish(job, 0, undefined)
    }
    const upload = job.uploadSessionId ? this.catalog.upload(job.siteId, job.uploadSessionId) : undefined
    const conn = await this.store.connect()
    let rowsChanged = 0
    try {
      const outcome = await applyActions(conn, {
        alias: ds.alias,
        actions: JSON.parse(job.actionsJson) as WireAction[],
        payloadPath: upload ? join(this.uploadsDir, upload.file) : undefined,
        dropFirstSourceRow: this.personality.dropOneRow === true,
        personalityFailure: (actions, parquet, dateColumns) =>
          personalityJobFailure(this.personality, actions, parquet, dateColumns),
        onProgress: (p) => {
          job.progress = p
        },
        isCancelled: () => this.cancelRequested.has(job.id),
        jobId: job.id,
        phase: (phase) => this.faults.jobPhase(phase, job.id),
        onRowsChanged: (n) => {
          rowsChanged += n
        },
      })
      if (outcome === 'cancelled') return this.finish(job, 2, undefined)
      ds.updatedAt = restTimestamp()
      job.rowsChanged = rowsChanged
      return this.finish(job, 0, undefined)
    } catch (e) {
      const notes = e instanceof JobFailure ? e.notes : `emulator: internal error: ${(e as Error).message}`
      return this.finish(job, 1, notes)
    } finally {
      conn.closeSync()
    }
  }

  /** Stops queued jobs and waits for running ones. */
  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    await Promise.allSettled([...this.running.values()])
  }
}

/**
 * Settles the jobs a previous process left queued or running (it was killed or closed mid-job):
 * a job whose ledger row committed with its change is succeeded, any other failed, with
 * completedAt set so pollers stop. The catalog file is saved apart from the DuckDB commit, so it
 * alone cannot say which side of the commit the process died on.
 */
export async function recoverJobs(catalog: Catalog, store: Store): Promise<void> {
  for (const job of catalog.data.jobs) {
    if (job.status === 'done') continue
    const ds = catalog.datasource(job.siteId, job.datasourceId)
    const committed = ds !== undefined && (await store.jobCommitted(ds.alias, job.id))
    const completedAt = restTimestamp()
    Object.assign(job, { status: 'done', progress: 100, finishCode: committed ? 0 : 1, completedAt })
    job.startedAt ??= completedAt
    if (committed) {
      if (ds) ds.updatedAt = completedAt
    } else {
      job.notes = 'emulator: the emulator stopped before this job committed; nothing was applied'
    }
  }
}
