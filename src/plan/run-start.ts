import { HyperdeltaError, isHyperdeltaError } from '../errors.js'
import type { JournalState } from './journal.js'
import type { PushClient } from './push-client.js'
import { deriveRunId, randomRunId } from './run-identity.js'
import type { RunTarget } from './run-requests.js'

/** How a push starts against what its journal holds. */
export type RunStart =
  /** The journal's run is this one: resume it (a finished one answers `already-applied`, nothing sent). */
  | { kind: 'resume'; state: JournalState }
  /** A new run; `retire` says what to do with the journal's run first (move it into the history). */
  | { kind: 'new'; runId: string; retire?: 'finished' | 'abandoned' | undefined }

export interface RunStartInput {
  previous: JournalState | undefined
  journal: string | undefined
  fingerprint: string
  target: RunTarget
  /** The caller's run id, when given. */
  runId?: string | undefined
  /** A random run id instead of the derived one. */
  newRun?: boolean | undefined
  /** What else identifies the inputs, and the id's prefix (see deriveRunId). */
  inputs?: string | undefined
  name?: string | undefined
  abandonUnfinished?: boolean | undefined
  client: Pick<PushClient, 'getJob'>
}

/** True when every request of the journal's run succeeded. */
export function isFinished(state: JournalState): boolean {
  return state.requests.every((r) => r.state === 'succeeded')
}

function sameTarget(state: JournalState, t: RunTarget): boolean {
  return (
    state.datasourceId === t.datasource.id &&
    (state.siteId === undefined || t.siteId === undefined || state.siteId === t.siteId) &&
    (state.connectionId ?? undefined) === t.connection
  )
}

/** Decides whether a push resumes the journal's run or starts a new one (see docs/pipelines.md, "Journal"). */
export async function decideRunStart(input: RunStartInput): Promise<RunStart> {
  const { previous } = input
  const fresh = (after: string | undefined) =>
    input.runId ??
    (input.newRun
      ? randomRunId(input.name)
      : deriveRunId({ fingerprint: input.fingerprint, inputs: input.inputs, after, name: input.name }))
  if (!previous) return { kind: 'new', runId: fresh(undefined) }
  const same =
    !input.newRun &&
    sameTarget(previous, input.target) &&
    previous.fingerprint === input.fingerprint &&
    (input.runId === undefined || input.runId === previous.runId)
  if (same) return { kind: 'resume', state: previous }
  if (isFinished(previous) || (await settledBySuccess(previous, input))) {
    return { kind: 'new', runId: fresh(previous.runId), retire: 'finished' }
  }
  if (!input.abandonUnfinished) throw unfinishedConflict(previous, input)
  await assertNoJobRunning(previous, input)
  return { kind: 'new', runId: fresh(previous.runId), retire: 'abandoned' }
}

function unfinishedConflict(previous: JournalState, input: RunStartInput): HyperdeltaError {
  const open = previous.requests.filter((r) => r.state !== 'succeeded').map((r) => `#${r.index} ${r.state}`)
  const what = !sameTarget(previous, input.target)
    ? `was written for data source ${previous.datasourceId}${previous.connectionId ? ` (connection ${previous.connectionId})` : ''}, not ${input.target.datasource.id}`
    : input.runId !== undefined && input.runId !== previous.runId
      ? `belongs to run ${previous.runId}, not ${input.runId}`
      : 'was started with another batch or other inputs'
  return new HyperdeltaError(
    'JOURNAL_MISMATCH',
    `push: journal ${input.journal} holds run ${previous.runId}, not finished (${open.join(', ')}), which ${what}. ` +
      'Either finish it: rerun with the inputs it was started with; ' +
      'or abandon it: rerun with --abandon-unfinished (library: abandonUnfinished: true), which checks first that no ' +
      'job of it still runs on the server and keeps its record in the history',
    { details: { journal: input.journal, runId: previous.runId } },
  )
}

/**
 * True when the run's only open requests are submitted jobs that have since succeeded (a `noWait` push whose
 * jobs the orchestrator saw through): the run is finished; its journal just was not told.
 */
async function settledBySuccess(previous: JournalState, input: RunStartInput): Promise<boolean> {
  const open = previous.requests.filter((r) => r.state !== 'succeeded')
  if (!input.client.getJob || open.some((r) => r.state !== 'submitted' || r.jobId === undefined)) return false
  for (const r of open) {
    const job = await input.client.getJob(r.jobId!).catch(() => undefined)
    if (!job?.completedAt || (job.finishCode !== 0 && job.finishCode !== 3)) return false
    r.state = 'succeeded'
  }
  return true
}

/** Refuses to abandon a run while one of its jobs may still apply on the server. */
async function assertNoJobRunning(previous: JournalState, input: RunStartInput): Promise<void> {
  for (const r of previous.requests) {
    const jobId = r.jobId
    if (r.state !== 'submitted' || jobId === undefined) continue
    const active = (why: string) =>
      new HyperdeltaError(
        'JOURNAL_RUN_ACTIVE',
        `push: cannot abandon run ${previous.runId} of journal ${input.journal}: request #${r.index}'s job ${r.jobId} ${why}; ` +
          `wait for it (hyperdelta job wait ${r.jobId}) or cancel it (hyperdelta job cancel ${r.jobId}), then rerun`,
        { details: { journal: input.journal, runId: previous.runId, jobId } },
      )
    if (!input.client.getJob) throw active('cannot be checked (this client cannot read jobs)')
    try {
      const job = await input.client.getJob(jobId)
      if (!job.completedAt) throw active('is still running on the server')
    } catch (error) {
      // A job the server no longer knows ended long ago: it cannot apply any more.
      if (isHyperdeltaError(error, 'API_ERROR') && error.details.status === 404) continue
      throw error
    }
  }
}
