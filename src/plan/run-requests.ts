import { HyperdeltaError, isHyperdeltaError } from '../errors.js'
import { type Logger, silentLogger } from '../logger.js'
import type { Journal } from './journal.js'
import type { ChangePlan, PlannedRequest } from './plan-changes.js'
import type { PushClient } from './push-client.js'
import {
  type PushProgress,
  type PushReport,
  payloadSummary,
  type ReplayedJob,
  type RequestReport,
} from './push-report.js'
import { createdBefore, replayedOutcome } from './replay.js'
import { deriveRequestId } from './request-id.js'
import { unknownJob } from './unknown-job.js'

/** Default bound on attempts per request (the first included), across reruns. */
export const DEFAULT_MAX_REQUEST_ATTEMPTS = 5

/** Where the requests go. */
export interface RunTarget {
  siteId: string | undefined
  datasource: { id: string; name?: string | undefined }
  connection: string | undefined
}

export interface RunRequestsInput {
  client: PushClient
  plan: Pick<ChangePlan, 'runId' | 'requests' | 'files' | 'rows' | 'bytes' | 'warnings'>
  journal: Journal
  /** The journal's file, named in errors (undefined: the journal lives in memory only). */
  journalPath?: string | undefined
  target: RunTarget
  signal?: AbortSignal | undefined
  jobTimeoutMs?: number | undefined
  /** On abort during a job wait, cancel the job on the server (default false: leave it running for the resume). */
  cancelOnAbort?: boolean | undefined
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number | undefined
  /**
   * Return once a new job is submitted, without waiting for it (`outcome: 'submitted'`): an orchestrator
   * watches the job itself, then reruns the push with the same journal to wait for it and send the rest.
   */
  noWait?: boolean | undefined
  emit?: ((event: PushProgress) => void) | undefined
  logger?: Logger | undefined
  now?: (() => number) | undefined
  /** When the push started (epoch ms), for the report's duration. */
  started?: number | undefined
  packagingMs?: number | undefined
}

/** The RequestID of attempt `attempt` of a planned request sent to `target`. */
export function requestIdOf(runId: string, target: RunTarget, request: PlannedRequest, attempt: number): string {
  return deriveRequestId({
    siteId: target.siteId,
    datasourceId: target.datasource.id,
    connectionId: target.connection,
    runId,
    index: request.index,
    payloadSha256: request.payload?.sha256,
    actions: request.actions,
    attempt,
  })
}

/**
 * Runs the planned requests strictly in order — upload, PATCH with the journal's RequestID, wait for
 * the job — each to completion before the next, moving the journal at every step. Stops at the first
 * request that does not apply and throws `PUSH_FAILED` (retryable as its cause), whose
 * `details.report` says which requests were applied.
 */
export async function runRequests(input: RunRequestsInput): Promise<PushReport> {
  const { plan, journal } = input
  const now = input.now ?? Date.now
  const started = input.started ?? now()
  const logger = input.logger ?? silentLogger
  const emit = (event: PushProgress) => input.emit?.(event)
  const reports: RequestReport[] = plan.requests.map((r) => ({
    index: r.index,
    requestId: journal.request(r.index).requestId,
    attempt: journal.request(r.index).attempt,
    actions: r.actions,
    payload: payloadSummary(r.payload),
    outcome: 'not-run',
    uploadMs: 0,
    jobMs: 0,
  }))
  const report = (outcome: PushReport['outcome'], error?: HyperdeltaError): PushReport => ({
    runId: plan.runId,
    datasource: { id: input.target.datasource.id, name: input.target.datasource.name },
    outcome,
    requests: reports,
    files: plan.files.length,
    rows: plan.rows,
    bytes: plan.bytes,
    warnings: plan.warnings,
    packagingMs: input.packagingMs ?? 0,
    durationMs: now() - started,
    ...(error && { error: { code: error.code, message: error.message } }),
  })

  for (const request of plan.requests) {
    const rep = reports[request.index]!
    const state = journal.request(request.index)
    if (state.state === 'succeeded') {
      rep.outcome = 'already-applied'
      rep.jobId = state.jobId
      continue
    }
    try {
      if (state.state === 'failed') {
        // The last job applied nothing; the server ignores a repeated RequestID, so retry under a new one.
        await nextAttempt(input, request, rep)
      }
      if ((await runOne(input, request, rep, now)) === 'submitted') {
        const final = report('submitted')
        emit({ type: 'done', report: final })
        logger.info('push: submitted, not waiting', { runId: plan.runId, request: request.index, jobId: rep.jobId })
        return final
      }
    } catch (error) {
      const e =
        error instanceof HyperdeltaError
          ? error
          : new HyperdeltaError('PUSH_INTERRUPTED', `push: request #${request.index}: ${(error as Error).message}`, {
              cause: error,
            })
      if (isHyperdeltaError(e, 'JOB_FAILED') || isHyperdeltaError(e, 'JOB_CANCELLED')) {
        await journal.advance(request.index, 'failed')
        rep.outcome = e.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed'
        const notes: unknown = e.details.notes
        if (Array.isArray(notes)) rep.notes = notes.map(String)
      } else if (e.code === 'REQUEST_ATTEMPTS_EXHAUSTED') {
        rep.outcome = 'failed'
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
      const applied = reports.filter((r) => r.outcome === 'applied' || r.outcome === 'already-applied')
      const notApplied = reports.filter((r) => !applied.includes(r))
      const list = (rs: RequestReport[]) => (rs.length ? rs.map((r) => `#${r.index}`).join(', ') : 'none')
      throw new HyperdeltaError(
        'PUSH_FAILED',
        `push: request #${request.index} of ${plan.requests.length} ${rep.outcome}: ${e.message}; ` +
          `applied: ${list(applied)}; not applied: ${list(notApplied)}`,
        // Retryable exactly when its cause is: a 413 or a schema error fails again, a network failure may not.
        { cause: e, retryable: e.retryable, details: { report: final } },
      )
    }
  }
  const final = report('succeeded')
  emit({ type: 'done', report: final })
  logger.info('push: done', { runId: plan.runId, requests: reports.length, durationMs: final.durationMs })
  return final
}

/** Starts the next attempt under a new RequestID, within the attempt bound. */
async function nextAttempt(input: RunRequestsInput, request: PlannedRequest, rep: RequestReport): Promise<void> {
  const max = input.maxAttempts ?? DEFAULT_MAX_REQUEST_ATTEMPTS
  const current = input.journal.request(request.index)
  if (current.attempt + 1 >= max) {
    throw new HyperdeltaError(
      'REQUEST_ATTEMPTS_EXHAUSTED',
      `push: request #${request.index} already had ${current.attempt + 1} attempt(s) (the limit is ${max}), ` +
        'each ending in a job that applied nothing; see the report, fix the cause, then push with a new runId ' +
        '(with a journal or state dir: abandon this run with --abandon-unfinished / abandonUnfinished: true)',
      { details: { request: request.index, attempts: current.attempt + 1, maxAttempts: max } },
    )
  }
  const next = await input.journal.nextAttempt(request.index, (attempt) =>
    requestIdOf(input.plan.runId, input.target, request, attempt),
  )
  rep.requestId = next.requestId
  rep.attempt = next.attempt
}

async function runOne(
  input: RunRequestsInput,
  request: PlannedRequest,
  rep: RequestReport,
  now: () => number,
): Promise<'done' | 'submitted'> {
  const { client, signal, journal, target } = input
  const emit = (event: PushProgress) => input.emit?.(event)
  const logger = input.logger ?? silentLogger
  const i = request.index
  const recorded = journal.request(i)
  let resumedJob = recorded.state === 'submitted' ? recorded.jobId : undefined
  let uploadSessionId: string | undefined
  const replayed = async (requestId: string, jobId: string, outcome: ReplayedJob['outcome'], completedAt?: string) => {
    // An earlier run's job under this RequestID applied nothing; the server would replay it for 24 h.
    rep.replayed = [...(rep.replayed ?? []), { requestId, jobId, outcome, completedAt }]
    logger.warn('push: RequestID replayed an earlier job that applied nothing; sending the next attempt', {
      request: i,
      requestId,
      jobId,
      outcome,
    })
    await nextAttempt(input, request, rep)
  }
  for (;;) {
    let jobId = resumedJob
    const resumed = jobId !== undefined
    resumedJob = undefined
    /** The job came from an earlier run (created before this PATCH was sent). */
    let earlier = resumed
    let endedEarlier = false
    if (jobId === undefined) {
      const t0 = now()
      if (request.payload && uploadSessionId === undefined) {
        const upload = await client.uploadFile(request.payload.path, {
          onProgress: (p) => emit({ type: 'upload', request: i, ...p }),
          ...(signal && { signal }),
        })
        uploadSessionId = upload.uploadSessionId
        await journal.advance(i, 'uploaded')
      }
      rep.uploadMs += now() - t0
      const requestId = journal.request(i).requestId
      const sentAt = now()
      // Same RequestID on every retry and every resume: the server applies the request at most once.
      const job = await client.updateData({
        datasource: target.datasource.id,
        ...(target.connection !== undefined && { connection: target.connection }),
        actions: { actions: [...request.actions] },
        ...(uploadSessionId !== undefined && { uploadSessionId }),
        requestId,
        ...(signal && { signal }),
      })
      const ended = replayedOutcome(job, sentAt)
      if (ended === 'failed' || ended === 'cancelled') {
        // The server ignored this PATCH, so the upload session is unused: the next attempt reuses it.
        await replayed(requestId, job.id, ended, job.completedAt)
        continue
      }
      endedEarlier = ended === 'succeeded'
      earlier = endedEarlier || createdBefore(job, sentAt)
      jobId = job.id
      await journal.advance(i, 'submitted', { jobId })
      emit({ type: 'submitted', request: i, requestId, jobId })
      logger.info('push: submitted', { request: i, requestId, jobId, earlierRun: earlier })
      if (input.noWait && !endedEarlier) {
        rep.jobId = jobId
        rep.outcome = 'submitted'
        return 'submitted'
      }
    }
    rep.jobId = jobId
    const t1 = now()
    const id = jobId
    try {
      await client.waitForJob(id, {
        timeoutMs: input.jobTimeoutMs ?? 2 * 3600_000,
        cancelOnAbort: input.cancelOnAbort ?? false,
        ...(signal && { signal }),
        onProgress: (job) => emit({ type: 'job', request: i, jobId: id, progress: job.progress }),
      })
    } catch (error) {
      const ended = isHyperdeltaError(error, 'JOB_FAILED') || isHyperdeltaError(error, 'JOB_CANCELLED')
      if (earlier && !resumed && ended) {
        // A plain rerun met an earlier run's job that then ended badly: it applied nothing, so try again.
        await journal.advance(i, 'failed')
        const outcome = error.code === 'JOB_FAILED' ? 'failed' : 'cancelled'
        await replayed(rep.requestId, id, outcome, error.details.job?.completedAt)
        uploadSessionId = undefined
        continue
      }
      throw unknownJob(error, input, i, id, resumed) ?? error
    }
    rep.jobMs += now() - t1
    await journal.advance(i, 'succeeded')
    rep.outcome = endedEarlier ? 'already-applied' : 'applied'
    emit({ type: 'request-done', request: i, outcome: rep.outcome, jobId })
    return 'done'
  }
}
