import type { WireBatch } from '../actions/wire-schema.js'
import { type Environment, environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import type { Logger } from '../logger.js'
import { type JournalRequest, type JournalState, readJournal, writeJournal } from './journal.js'
import { type ChangePlan, type PlanOptions, planChanges } from './plan-changes.js'
import { type PushProgress, type PushReport, payloadSummary, type RequestReport } from './push-report.js'
import { deriveRequestId } from './request-id.js'

/** The part of TableauClient a push needs (structural, so tests and other transports can stand in). */
export interface PushClient {
  findDatasource(query: { id: string } | { name: string; project?: string }): Promise<{ id: string; name?: string }>
  resolveConnection(datasourceId: string, connectionId?: string): Promise<string | undefined>
  uploadFile(
    path: string,
    options?: {
      onProgress?: (p: { uploadedBytes: number; totalBytes: number; part: number; parts: number }) => void
      signal?: AbortSignal
    },
  ): Promise<{ uploadSessionId: string }>
  updateData(request: {
    datasource: string
    connection?: string
    actions: WireBatch
    uploadSessionId?: string
    requestId: string
    signal?: AbortSignal
  }): Promise<{ id: string }>
  waitForJob(
    id: string,
    options?: {
      timeoutMs?: number
      signal?: AbortSignal
      onProgress?: (job: { id: string; progress: number }) => void
    },
  ): Promise<{ id: string }>
}

/**
 * `now` and `logger` are the run's {@link Environment} (defaults: the real clock, no logging); pass the client's
 * so timestamps, durations and logs come from one place.
 */
export interface PushOptions extends Omit<PlanOptions, 'onPackaging'>, Partial<Pick<Environment, 'now' | 'logger'>> {
  client: PushClient
  datasource: { id: string } | { name: string; project?: string }
  /** Connection id, needed when the data source has several connections. */
  connection?: string
  /** Journal file: records each request's state so a rerun resumes where a crash stopped. */
  journal?: string
  onProgress?: (event: PushProgress) => void
  /** Deadline per job (default 2 h). */
  jobTimeoutMs?: number
}

/** Job outcomes the client reports as errors: the job ended, and applied nothing. */
const JOB_ENDED = new Set(['JOB_FAILED', 'JOB_CANCELLED'])

/**
 * Pushes a batch and its change rows into a published data source: packages the rows into change
 * files under the size limit, then runs the planned requests strictly in order — upload, PATCH with a
 * deterministic RequestID, wait for the job — each to completion before the next.
 *
 * With `journal`, every state change is recorded; a rerun with the same journal, batch and inputs
 * resumes where the last run stopped: no request applied twice, none skipped. A failed job stops
 * the run and throws `PUSH_FAILED` whose `details.report` says which requests were applied.
 *
 * @example
 * ```ts
 * import { TableauClient, batch, pushChanges } from 'hyperdelta'
 * const client = await TableauClient.signIn({ server, site, auth })
 * const report = await pushChanges({
 *   client, datasource: { name: 'Orders' },
 *   batch: batch().upsert({ source: changes, target: orders, on: ['id'] }),
 *   rows: { changes: upsertRows }, journal: '.hyperdelta/orders.journal',
 * })
 * console.log(report.requests.map((r) => r.outcome))
 * ```
 */
export async function pushChanges(options: PushOptions): Promise<PushReport> {
  const env = environment(options)
  const started = env.now()
  const logger = env.logger
  const now = () => new Date(env.now()).toISOString()
  const emit = (event: PushProgress) => options.onProgress?.(event)
  const previous = options.journal ? await readJournal(options.journal) : undefined
  if (previous && options.runId !== undefined && options.runId !== previous.runId) {
    throw new HyperdeltaError(
      'JOURNAL_MISMATCH',
      `push: journal ${options.journal} belongs to run ${previous.runId}, not ${options.runId}`,
      { details: { journal: options.journal } },
    )
  }
  const plan = await planChanges({
    ...options,
    runId: options.runId ?? previous?.runId,
    onPackaging: (p) => emit({ type: 'packaging', ...p }),
  })
  const packagingMs = env.now() - started
  try {
    if (previous && previous.fingerprint !== plan.fingerprint) {
      throw new HyperdeltaError(
        'JOURNAL_MISMATCH',
        `push: the batch or its inputs changed since journal ${options.journal} was written; ` +
          'finish that run with the original inputs, or delete the journal to start a new run',
        { details: { journal: options.journal, runId: previous.runId } },
      )
    }
    const datasource = await options.client.findDatasource(options.datasource)
    if (previous && previous.datasourceId !== datasource.id) {
      throw new HyperdeltaError(
        'JOURNAL_MISMATCH',
        `push: journal ${options.journal} was written for data source ${previous.datasourceId}, not ${datasource.id}`,
        { details: { journal: options.journal } },
      )
    }
    const connection = await options.client.resolveConnection(datasource.id, options.connection)
    const state: JournalState = previous ?? {
      version: 1,
      runId: plan.runId,
      fingerprint: plan.fingerprint,
      datasourceId: datasource.id,
      connectionId: connection,
      createdAt: now(),
      requests: plan.requests.map((r) => ({
        index: r.index,
        state: 'pending',
        attempt: 0,
        requestId: r.requestId,
        payloadSha256: r.payload?.sha256,
        updatedAt: now(),
      })),
    }
    const save = async () => {
      if (options.journal) await writeJournal(options.journal, state)
    }
    await save()
    emit({
      type: 'planned',
      requests: plan.requests.length,
      files: plan.files.length,
      rows: plan.rows,
      bytes: plan.bytes,
      resumed: !!previous,
    })
    logger.info('push: planned', {
      runId: plan.runId,
      requests: plan.requests.length,
      rows: plan.rows,
      resumed: !!previous,
    })
    return await runRequests({
      options,
      plan,
      state,
      save,
      datasource,
      connection,
      started,
      packagingMs,
      emit,
      logger,
      env,
    })
  } finally {
    await plan.dispose()
  }
}

interface RunContext {
  options: PushOptions
  plan: ChangePlan
  state: JournalState
  save: () => Promise<void>
  datasource: { id: string; name?: string }
  connection: string | undefined
  started: number
  packagingMs: number
  emit: (event: PushProgress) => void
  logger: Logger
  env: Environment
}

async function runRequests(ctx: RunContext): Promise<PushReport> {
  const { plan, state, save, emit, logger } = ctx
  const reports: RequestReport[] = plan.requests.map((r) => ({
    index: r.index,
    requestId: state.requests[r.index]!.requestId,
    actions: r.actions,
    payload: payloadSummary(r.payload),
    outcome: 'not-run',
    uploadMs: 0,
    jobMs: 0,
  }))
  const report = (outcome: PushReport['outcome'], error?: HyperdeltaError): PushReport => ({
    runId: plan.runId,
    datasource: { id: ctx.datasource.id, name: ctx.datasource.name },
    outcome,
    requests: reports,
    files: plan.files.length,
    rows: plan.rows,
    bytes: plan.bytes,
    warnings: plan.warnings,
    packagingMs: ctx.packagingMs,
    durationMs: ctx.env.now() - ctx.started,
    ...(error && { error: { code: error.code, message: error.message } }),
  })

  for (const request of plan.requests) {
    const journal = state.requests[request.index]!
    const rep = reports[request.index]!
    if (journal.state === 'succeeded') {
      rep.outcome = 'already-applied'
      rep.jobId = journal.jobId
      continue
    }
    if (journal.state === 'failed') {
      // The last job failed and applied nothing; the server ignores a repeated RequestID, so retry under a new one.
      journal.attempt += 1
      journal.requestId = deriveRequestId({
        runId: plan.runId,
        index: request.index,
        payloadSha256: request.payload?.sha256,
        actions: request.actions,
        attempt: journal.attempt,
      })
      journal.state = 'pending'
      journal.jobId = undefined
      rep.requestId = journal.requestId
      await save()
    }
    try {
      await runOne(ctx, request, journal, rep)
    } catch (error) {
      const e =
        error instanceof HyperdeltaError
          ? error
          : new HyperdeltaError('PUSH_INTERRUPTED', `push: request #${request.index}: ${(error as Error).message}`, {
              cause: error,
            })
      if (JOB_ENDED.has(e.code)) {
        journal.state = 'failed'
        journal.updatedAt = new Date(ctx.env.now()).toISOString()
        await save()
        rep.outcome = e.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed'
        const notes = (e.details as { notes?: unknown }).notes
        if (Array.isArray(notes)) rep.notes = notes.map(String)
      } else {
        rep.outcome = 'interrupted'
      }
      try {
        emit({ type: 'request-done', request: request.index, outcome: rep.outcome, jobId: rep.jobId })
      } catch {
        // The progress callback failing again must not hide the first error.
      }
      const final = report('failed', e)
      logger.error('push: stopped', { runId: plan.runId, request: request.index, code: e.code })
      const applied = reports
        .filter((r) => r.outcome === 'applied' || r.outcome === 'already-applied')
        .map((r) => r.index)
      throw new HyperdeltaError(
        'PUSH_FAILED',
        `push: request #${request.index} of ${plan.requests.length} ${rep.outcome}: ${e.message}; ` +
          `applied: ${applied.length ? applied.map((i) => `#${i}`).join(', ') : 'none'}; ` +
          `not applied: ${reports
            .filter((r) => !applied.includes(r.index))
            .map((r) => `#${r.index}`)
            .join(', ')}`,
        { cause: e, retryable: e.retryable || rep.outcome === 'interrupted', details: { report: final } },
      )
    }
  }
  const final = report('succeeded')
  emit({ type: 'done', report: final })
  logger.info('push: done', { runId: plan.runId, requests: reports.length, durationMs: final.durationMs })
  return final
}

async function runOne(
  ctx: RunContext,
  request: ChangePlan['requests'][number],
  journal: JournalRequest,
  rep: RequestReport,
): Promise<void> {
  const { options, save, emit, logger } = ctx
  const { client, signal } = options
  let jobId = journal.state === 'submitted' ? journal.jobId : undefined
  if (jobId === undefined) {
    const t0 = ctx.env.now()
    let uploadSessionId: string | undefined
    if (request.payload) {
      const upload = await client.uploadFile(request.payload.path, {
        onProgress: (p) => emit({ type: 'upload', request: request.index, ...p }),
        ...(signal && { signal }),
      })
      uploadSessionId = upload.uploadSessionId
      journal.state = 'uploaded'
      journal.updatedAt = new Date(ctx.env.now()).toISOString()
      await save()
    }
    rep.uploadMs = ctx.env.now() - t0
    // Same RequestID on every retry and every resume: the server applies the request at most once.
    const job = await client.updateData({
      datasource: ctx.datasource.id,
      ...(ctx.connection !== undefined && { connection: ctx.connection }),
      actions: { actions: [...request.actions] },
      ...(uploadSessionId !== undefined && { uploadSessionId }),
      requestId: journal.requestId,
      ...(signal && { signal }),
    })
    jobId = job.id
    journal.state = 'submitted'
    journal.jobId = jobId
    journal.updatedAt = new Date(ctx.env.now()).toISOString()
    await save()
    emit({ type: 'submitted', request: request.index, requestId: journal.requestId, jobId })
    logger.info('push: submitted', { request: request.index, requestId: journal.requestId, jobId })
  }
  rep.jobId = jobId
  const t1 = ctx.env.now()
  const id = jobId
  await client.waitForJob(id, {
    timeoutMs: options.jobTimeoutMs ?? 2 * 3600_000,
    ...(signal && { signal }),
    onProgress: (job) => emit({ type: 'job', request: request.index, jobId: id, progress: job.progress }),
  })
  rep.jobMs = ctx.env.now() - t1
  journal.state = 'succeeded'
  journal.updatedAt = new Date(ctx.env.now()).toISOString()
  await save()
  rep.outcome = 'applied'
  emit({ type: 'request-done', request: request.index, outcome: 'applied', jobId })
}
