import { createHash } from 'node:crypto'
import { confirmedNativeOps } from '../client/capabilities.js'
import { type Environment, environment } from '../environment.js'
import { HyperdeltaError } from '../errors.js'
import { Journal, type JournalState, readJournal } from './journal.js'
import { historyDirOf, retireJournal } from './journal-history.js'
import { lockJournal } from './journal-lock.js'
import { type PlanOptions, planChanges } from './plan-changes.js'
import type { PushClient } from './push-client.js'
import type { PushProgress, PushReport } from './push-report.js'
import { requestIdOf, runRequests } from './run-requests.js'
import { decideRunStart } from './run-start.js'
import { openRunTemp } from './run-temp.js'
import { checkTargetSchema, type SchemaCheck } from './schema-preflight.js'
import { openStateDir, type StateDir } from './state-dir.js'
import { type VerifySpec, verifyDatasource } from './verify-datasource.js'
import { checkVerifySpec, withVerifyTable } from './verify-spec.js'

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
  /**
   * One folder per lane holding the journal, its lock, the history of finished runs and the run's temp
   * files (see {@link StateDir}); instead of `journal`. A path is opened (and locked) for this push; an
   * opened `StateDir` (a pipeline holding the lane for longer) is used as is.
   */
  stateDir?: string | StateDir
  /** Finished runs kept in the history (`<journal>.history/` or the state dir's `history/`); default 30. */
  keep?: number
  /**
   * Start a new run under a random run id even when these inputs were applied before (default false: the run
   * id derives from the target, batch and payload bytes, so the same inputs are applied once).
   */
  newRun?: boolean
  /**
   * When the journal holds an unfinished run of other inputs: abandon it (its record moves into the history)
   * and start this one. Refused (`JOURNAL_RUN_ACTIVE`) while a job of that run still runs on the server.
   */
  abandonUnfinished?: boolean
  /**
   * Return as soon as a job is submitted (`outcome: 'submitted'`, its `jobId` in the report), without waiting
   * for it. Rerun with the same journal or state dir to wait for it and send the rest; a new run after it
   * counts the run as finished once its jobs succeeded.
   */
  noWait?: boolean
  /**
   * Part of the default run id besides the batch and payload (see deriveRunId): `name` prefixes it, `inputs`
   * tells apart inputs whose change rows are equal (e.g. a CDC night's snapshot pair and watermark).
   */
  runIdentity?: { name?: string | undefined; inputs?: string | undefined }
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
   * the service, or a server that does not answer, gives `not-verified`, never a false `verified`. Values compare by
   * the declared column kinds of `verify.table` (default: the one target table of a typed batch); a spec that does
   * not fit it is `CONFIG_INVALID` before anything is sent.
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

/**
 * Pushes a batch and its change rows into a published data source: packages the rows into change
 * files under the size limit, then runs the planned requests strictly in order — upload, PATCH with a
 * deterministic RequestID, wait for the job — each to completion before the next.
 *
 * With `stateDir` (or `journal`), every state change is recorded; a rerun with the same batch and inputs
 * resumes where the last run stopped: no request applied twice, none skipped. Night after night, a
 * finished run moves into the history and new inputs start a new run; the same inputs again answer
 * `already-applied`; an unfinished run meeting other inputs is refused (`JOURNAL_MISMATCH`) unless
 * `abandonUnfinished`. Without any state, the run id derives from the batch and payload bytes, so the
 * same inputs pushed twice are the same RequestIDs (the server ignores a repeat for 24 h). A failed job stops
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
 *   rows: { changes: upsertRows }, stateDir: '.hyperdelta/orders',
 * })
 * console.log(report.requests.map((r) => r.outcome))
 * ```
 */
export async function pushChanges(options: PushOptions): Promise<PushReport> {
  // A verify spec that does not fit its table is refused before anything is sent.
  const verify = options.verify && withVerifyTable(options.verify, options.batch)
  if (verify) checkVerifySpec(verify)
  if (options.journal !== undefined && options.stateDir !== undefined) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      'push: give journal or stateDir, not both (a state dir holds its journal)',
      {
        details: { field: 'stateDir' },
      },
    )
  }
  const own =
    typeof options.stateDir === 'string' ? await openStateDir(options.stateDir, { keep: options.keep }) : undefined
  const lane = own ?? (typeof options.stateDir === 'object' ? options.stateDir : undefined)
  const journal = lane?.journal ?? options.journal
  try {
    const lock = lane || journal === undefined ? undefined : await lockJournal(journal)
    try {
      // Change files go to a marked folder of this run; a run killed before removing its own is swept by the next.
      const temp = await openRunTemp(options.dir ?? lane?.tmp)
      try {
        return await push(verify === undefined ? options : { ...options, verify }, {
          journal,
          history: lane?.history ?? (journal === undefined ? undefined : historyDirOf(journal)),
          keep: lane?.keep ?? options.keep,
          dir: temp.dir,
        })
      } finally {
        await temp.dispose()
      }
    } finally {
      await lock?.release()
    }
  } finally {
    await own?.release()
  }
}

interface RunFiles {
  journal: string | undefined
  history: string | undefined
  keep: number | undefined
  dir: string
}

async function push(options: PushOptions, files: RunFiles): Promise<PushReport> {
  const env = environment(options)
  const started = env.now()
  const logger = env.logger
  const emit = (event: PushProgress) => options.onProgress?.(event)
  const path = files.journal
  const previous = path ? await readJournal(path) : undefined
  const planned = await planChanges({
    ...options,
    dir: files.dir,
    nativeOps: options.nativeOps ?? confirmedNativeOps(options.client.capabilities),
    onPackaging: (p) => emit({ type: 'packaging', ...p }),
  })
  const packagingMs = env.now() - started
  try {
    const inputs = options.runIdentity?.inputs
    const fingerprint =
      inputs === undefined
        ? planned.fingerprint
        : createHash('sha256').update(`${planned.fingerprint}\n${inputs}`).digest('hex')
    const datasource = await options.client.findDatasource(options.datasource)
    const siteId = options.client.siteId
    const connection = await options.client.resolveConnection(datasource.id, options.connection)
    const target = { siteId, datasource, connection }
    // The target's columns are checked before anything else happens to the run or is uploaded.
    const schemaWarning =
      options.schemaCheck === 'skip'
        ? undefined
        : await checkTargetSchema(options.client.vizql, datasource, options.batch, options.signal)
    if (schemaWarning !== undefined) logger.warn(`push: ${schemaWarning}`)
    const start = await decideRunStart({
      previous,
      journal: path,
      fingerprint,
      target,
      runId: options.runId,
      newRun: options.newRun,
      inputs,
      name: options.runIdentity?.name,
      abandonUnfinished: options.abandonUnfinished,
      client: options.client,
    })
    if (start.kind === 'new' && start.retire && path && previous && files.history) {
      const moved = await retireJournal(path, previous, files.history, {
        reason: start.retire,
        keep: files.keep,
        now: new Date(env.now()),
      })
      logger.info("push: the journal's previous run moved into the history", {
        runId: previous.runId,
        to: moved,
        reason: start.retire,
      })
    }
    const plan = { ...planned, runId: start.kind === 'resume' ? start.state.runId : start.runId }
    const createdAt = new Date(env.now()).toISOString()
    const state: JournalState =
      start.kind === 'resume'
        ? start.state
        : {
            version: 1,
            runId: plan.runId,
            fingerprint,
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
      resumed: start.kind === 'resume',
    })
    logger.info('push: planned', {
      runId: plan.runId,
      requests: plan.requests.length,
      rows: plan.rows,
      resumed: start.kind === 'resume',
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
      noWait: options.noWait,
      emit,
      logger,
      now: env.now,
      started,
      packagingMs,
    })
    if (options.verify === undefined || report.outcome === 'submitted') return report
    const verification = options.client.vizql
      ? await verifyDatasource(options.client.vizql, target.datasource.id, options.verify)
      : {
          status: 'not-verified' as const,
          checks: [],
          reason: 'the client has no VizQL Data Service reader',
          reasonCode: 'vds-unavailable' as const,
        }
    logger.info('push: verified', { status: verification.status })
    return { ...report, verification }
  } finally {
    await planned.dispose()
  }
}
