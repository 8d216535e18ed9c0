import { mkdir, readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../atomic-write.js'
import { HyperdeltaError } from '../errors.js'
import { journalProblem, journalSchema, type REQUEST_STATES } from './journal-schema.js'

/** Where one request stands. A request moves forward only; `failed` means its job applied nothing. */
export type RequestState = (typeof REQUEST_STATES)[number]

/** The forward moves of a request; anything else is a bug the journal refuses. */
const NEXT: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending: ['uploaded', 'submitted'],
  // A resumed request whose upload session may be gone uploads again.
  uploaded: ['uploaded', 'submitted'],
  submitted: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
}

export interface JournalRequest {
  index: number
  state: RequestState
  /** Bumped when a request is retried after a failed job, giving it a new RequestID. */
  attempt: number
  requestId: string
  payloadSha256?: string | undefined
  jobId?: string | undefined
  updatedAt: string
}

export interface JournalState {
  version: 1
  runId: string
  /** Must equal the plan's fingerprint: the same batch and the same inputs. */
  fingerprint: string
  /** Site LUID the run writes to (absent in journals written before it was recorded). */
  siteId?: string | undefined
  datasourceId: string
  connectionId?: string | undefined
  createdAt: string
  requests: JournalRequest[]
}

/** Reads a journal; undefined if the file does not exist. */
export async function readJournal(path: string): Promise<JournalState | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new HyperdeltaError('JOURNAL_INVALID', `journal: cannot read ${path}`, { cause: error })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw invalid(path, `not JSON: ${(cause as Error).message}`, cause)
  }
  const result = journalSchema.safeParse(parsed)
  if (!result.success) throw invalid(path, journalProblem(result.error), result.error)
  return result.data as JournalState
}

function invalid(path: string, problem: string, cause: unknown): HyperdeltaError {
  return new HyperdeltaError(
    'JOURNAL_INVALID',
    `journal: ${path} is not a journal this version can resume (${problem}); ` +
      'if it was written by another hyperdelta version, finish that run with it, or move the file away to start anew',
    { cause, details: { path } },
  )
}

/**
 * Writes the journal atomically and durably: a temp file is written and fsynced, then renamed over
 * the journal, so a crash leaves either the old or the new state, never a torn file.
 */
export async function writeJournal(path: string, state: JournalState): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`)
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message
    throw new HyperdeltaError('JOURNAL_INVALID', `journal: cannot write ${path} (${reason})`, {
      cause,
      details: { path },
    })
  }
}

/** Deletes a journal (after a completed run, if the caller wants a fresh start next time). */
export async function removeJournal(path: string): Promise<void> {
  await rm(path, { force: true })
}

/**
 * The journal of one run in memory: the one place that moves a request's state, stamps it and
 * persists it. Moves go forward only (pending → uploaded → submitted → succeeded | failed); a new
 * attempt (after a job that applied nothing) is the one way back, and it gets a new RequestID.
 */
export class Journal {
  readonly #state: JournalState
  readonly #persist: (state: JournalState) => Promise<void>
  readonly #now: () => Date

  constructor(
    state: JournalState,
    persist: (state: JournalState) => Promise<void>,
    now: () => Date = () => new Date(),
  ) {
    this.#state = state
    this.#persist = persist
    this.#now = now
  }

  /** A journal persisted at `path` (atomically, on every change), or held in memory only. */
  static at(path: string | undefined, state: JournalState, now?: () => Date): Journal {
    return new Journal(state, path === undefined ? async () => {} : (s) => writeJournal(path, s), now)
  }

  /** A copy of the whole state (what is on disk after the last change). */
  get state(): JournalState {
    return structuredClone(this.#state)
  }

  request(index: number): Readonly<JournalRequest> {
    const r = this.#state.requests[index]
    if (!r) throw new HyperdeltaError('JOURNAL_INVALID', `journal: no request #${index}`, { details: { index } })
    return { ...r }
  }

  /** Writes the current state. */
  save(): Promise<void> {
    return this.#persist(this.#state)
  }

  /** Moves request `index` forward to `to` (with its job id once submitted) and persists. */
  async advance(index: number, to: RequestState, fields: { jobId?: string } = {}): Promise<void> {
    const r = this.#mutable(index)
    if (!NEXT[r.state].includes(to)) {
      throw new HyperdeltaError(
        'JOURNAL_TRANSITION_INVALID',
        `journal: request #${index} cannot move from ${r.state} to ${to}`,
        { details: { index, from: r.state, to } },
      )
    }
    if (to === 'submitted' && fields.jobId === undefined) {
      throw new HyperdeltaError('JOURNAL_TRANSITION_INVALID', `journal: request #${index} submitted without a job id`, {
        details: { index, from: r.state, to },
      })
    }
    r.state = to
    if (fields.jobId !== undefined) r.jobId = fields.jobId
    r.updatedAt = this.#now().toISOString()
    await this.save()
  }

  /**
   * Starts the next attempt of request `index` under `requestId`: after its job failed or was
   * cancelled, or after the server answered its PATCH with such a job from an earlier run. Refused
   * once the request is submitted (its job may still apply) or succeeded.
   */
  async nextAttempt(index: number, requestId: (attempt: number) => string): Promise<JournalRequest> {
    const r = this.#mutable(index)
    if (r.state === 'submitted' || r.state === 'succeeded') {
      throw new HyperdeltaError(
        'JOURNAL_TRANSITION_INVALID',
        `journal: request #${index} is ${r.state}; it cannot start another attempt`,
        { details: { index, from: r.state, to: 'pending' } },
      )
    }
    r.attempt += 1
    r.requestId = requestId(r.attempt)
    if (r.state === 'failed') r.state = 'pending'
    r.jobId = undefined
    r.updatedAt = this.#now().toISOString()
    await this.save()
    return { ...r }
  }

  #mutable(index: number): JournalRequest {
    const r = this.#state.requests[index]
    if (!r) throw new HyperdeltaError('JOURNAL_INVALID', `journal: no request #${index}`, { details: { index } })
    return r
  }
}
