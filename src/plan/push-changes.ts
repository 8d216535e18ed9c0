import { confirmedNativeOps } from '../client/capabilities.js'
import { type Environment, environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import { Journal, type JournalState, readJournal } from './journal.js'
import { lockJournal } from './journal-lock.js'
import { type PlanOptions, planChanges } from './plan-changes.js'
import type { PushClient } from './push-client.js'
import type { PushProgress, PushReport } from './push-report.js'
import { requestIdOf, runRequests } from './run-requests.js'
import { checkTargetSchema, type SchemaCheck } from './schema-preflight.js'
import { type VerifySpec, verifyDatasource } from './verify-datasource.js'

export type { PushClient, SubmittedJob } from './push-client.js'

/**
 * `now` and `logger` are the run's {@link Environment} (defaults: the real clock, no logging); pass the client's
 * so timestamps, durations and logs come from one place.
 */
export interface PushOptions extends Omit<PlanOptions, 'onPackaging'>, Partial<Pick<Environment, 'now' | 'logger'>> {
  client: PushClient
  datasource: { id: string } | { name: string; project?: string }
  /** Connection id, needed when the data source has several connections. */
  connection?: string
  /**
   * Journal file: records each request's state so a rerun resumes where a crash stopped. One writer at
   * a time: a lock file next to it makes a second push on the same journal fail with `JOURNAL_LOCKED`.
   */
  journal?: string
  onProgress?: (event: PushProgress) => void
  /** Deadline per job (default 2 h). */
  jobTimeoutMs?: number
  /**
   * On abort (`signal`) while waiting for a job, also cancel the job on the server. Default false: the
   * job keeps running, and a rerun with the same journal (or run id) picks it up and completes.
   */
  cancelOnAbort?: boolean
  /**
   * Attempts per request, the first included (default 5). A request gets another attempt, under a new
   * RequestID, after its job failed or was cancelled, or when the server answers with such a job from
   * an earlier run of the same run id.
   */
  maxAttempts?: number
  /**
   * After the last job, read the data source back through the VizQL Data Service and check these
   * (row count, pushed keys present / absent); the result is `report.verification`. A client without
   * the service, or a server that does not answer, gives `not-verified`, never a false `verified`.
   */
  verify?: VerifySpec
  /**
   * Before any upload, compare the batch's target table with the data source as the server describes
   * it (VizQL Data Service): a missing or extra column or another type family throws SCHEMA_MISMATCH
   * and nothing is sent. Default 'error'; when the server cannot describe it, a warning in the report.
   * 'skip' does not ask.
   */
  schemaCheck?: SchemaCheck
}

function mismatch(message: string, details: Record<string, unknown>): HyperdeltaError {
  return new HyperdeltaError('JOURNAL_MISMATCH', `push: ${message}`, { details })
}

/**
 * Pushes a batch and its change rows into a published data source: packages the rows into change
 * files under the size limit, then runs the planned requests strictly in order — upload, PATCH with a
 * deterministic RequestID, wait for the job — each to completion before the next.
 *
 * With `journal`, every state change is recorded; a rerun with the same journal, batch and inputs
 * resumes where the last run stopped: no request applied twice, none skipped. A failed job stops
 * the run and throws `PUSH_FAILED` whose `details.report` says which requests were applied; a rerun
 * sends that request again under its next attempt's RequestID.
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
  const lock = options.journal === undefined ? undefined : await lockJournal(options.journal)
  try {
    return await push(options)
  } finally {
    await lock?.release()
  }
}

async function push(options: PushOptions): Promise<PushReport> {
  const env = environment(options)
  const started = env.now()
  const logger = env.logger
  const emit = (event: PushProgress) => options.onProgress?.(event)
  const path = options.journal
  const previous = path ? await readJournal(path) : undefined
  if (previous && options.runId !== undefined && options.runId !== previous.runId) {
    throw mismatch(`journal ${path} belongs to run ${previous.runId}, not ${options.runId}`, { journal: path })
  }
  const runId = options.runId ?? previous?.runId
  const plan = await planChanges({
    ...options,
    nativeOps: options.nativeOps ?? confirmedNativeOps(options.client.capabilities),
    ...(runId !== undefined && { runId }),
    onPackaging: (p) => emit({ type: 'packaging', ...p }),
  })
  const packagingMs = env.now() - started
  try {
    if (previous && previous.fingerprint !== plan.fingerprint) {
      throw mismatch(
        `the batch or its inputs changed since journal ${path} was written; ` +
          'finish that run with the original inputs, or delete the journal to start a new run',
        { journal: path, runId: previous.runId },
      )
    }
    const datasource = await options.client.findDatasource(options.datasource)
    const siteId = options.client.siteId
    if (previous && previous.datasourceId !== datasource.id) {
      throw mismatch(`journal ${path} was written for data source ${previous.datasourceId}, not ${datasource.id}`, {
        journal: path,
      })
    }
    if (previous?.siteId !== undefined && siteId !== undefined && previous.siteId !== siteId) {
      throw mismatch(`journal ${path} was written for site ${previous.siteId}, not ${siteId}`, { journal: path })
    }
    const connection = await options.client.resolveConnection(datasource.id, options.connection)
    if (previous && (previous.connectionId ?? undefined) !== connection) {
      throw mismatch(
        `journal ${path} was written for connection ${previous.connectionId ?? '(default)'}, not ${connection ?? '(default)'}`,
        { journal: path },
      )
    }
    const schemaWarning =
      options.schemaCheck === 'skip'
        ? undefined
        : await checkTargetSchema(options.client.vizql, datasource, options.batch, options.signal)
    if (schemaWarning !== undefined) logger.warn(`push: ${schemaWarning}`)
    const target = { siteId, datasource, connection }
    const createdAt = new Date(env.now()).toISOString()
    const state: JournalState = previous ?? {
      version: 1,
      runId: plan.runId,
      fingerprint: plan.fingerprint,
      siteId,
      datasourceId: datasource.id,
      connectionId: connection,
      createdAt,
      requests: plan.requests.map((r) => ({
        index: r.index,
        state: 'pending',
        attempt: 0,
        requestId: requestIdOf(plan.runId, target, r, 0),
        payloadSha256: r.payload?.sha256,
        updatedAt: createdAt,
      })),
    }
    const journal = Journal.at(path, state, () => new Date(env.now()))
    await journal.save()
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
    const report = await runRequests({
      client: options.client,
      plan: schemaWarning === undefined ? plan : { ...plan, warnings: [...plan.warnings, schemaWarning] },
      journal,
      journalPath: path,
      target,
      signal: options.signal,
      jobTimeoutMs: options.jobTimeoutMs,
      cancelOnAbort: options.cancelOnAbort,
      maxAttempts: options.maxAttempts,
      emit,
      logger,
      now: env.now,
      started,
      packagingMs,
    })
    if (options.verify === undefined) return report
    const verification = options.client.vizql
      ? await verifyDatasource(options.client.vizql, target.datasource.id, options.verify)
      : { status: 'not-verified' as const, checks: [], reason: 'the client has no VizQL Data Service reader' }
    logger.info('push: verified', { status: verification.status })
    return { ...report, verification }
  } finally {
    await plan.dispose()
  }
}
