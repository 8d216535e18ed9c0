import { join } from 'node:path'
import type { Logger, WireAction } from '../index.js'
import { applyActions, JobFailure } from './apply-actions.js'
import { type Catalog, type JobRecord, restTimestamp } from './catalog.js'
import type { FaultController } from './faults.js'
import { personalityJobFailure, type ServerPersonality } from './personality.js'
import type { Store } from './store.js'

/**
 * Runs update jobs asynchronously: queued for `delayMs` (plus injected slowness), then running,
 * then done with finishCode 0/1/2. `completedAt` is always set together with `finishCode`
 * (TSC polls until completedAt appears).
 */
export class JobRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly cancelRequested = new Set<string>()
  private readonly running = new Map<string, Promise<void>>()

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
      this.finish(job, 2, undefined)
    } else if (job.status === 'running') {
      this.cancelRequested.add(job.id)
    }
  }

  private finish(job: JobRecord, finishCode: number, notes: string | undefined): void {
    job.status = 'done'
    job.progress = 100
    job.finishCode = finishCode
    job.completedAt = restTimestamp()
    job.startedAt ??= job.completedAt
    if (notes !== undefined) job.notes = notes
    this.cancelRequested.delete(job.id)
    void this.catalog.save()
    this.logger.info('emulator: job done', { job: job.id, finishCode })
  }

  private async run(job: JobRecord): Promise<void> {
    if (job.status !== 'queued') return
    job.status = 'running'
    job.startedAt = restTimestamp()
    job.progress = 0
    void this.catalog.save()
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
      })
      if (outcome === 'cancelled') return this.finish(job, 2, undefined)
      ds.updatedAt = restTimestamp()
      this.finish(job, 0, undefined)
    } catch (e) {
      const notes = e instanceof JobFailure ? e.notes : `emulator: internal error: ${(e as Error).message}`
      this.finish(job, 1, notes)
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
