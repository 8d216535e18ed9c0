import { mkdir, readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../atomic-write.js'
import { HyperdeltaError } from '../errors.js'

/** Where one request stands. A request moves forward only; `failed` means its job applied nothing. */
export type RequestState = 'pending' | 'uploaded' | 'submitted' | 'succeeded' | 'failed'

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
  try {
    const state = JSON.parse(text) as JournalState
    if (state.version !== 1 || !Array.isArray(state.requests) || typeof state.fingerprint !== 'string') {
      throw new Error('unexpected shape')
    }
    return state
  } catch (cause) {
    throw new HyperdeltaError(
      'JOURNAL_INVALID',
      `journal: ${path} is not a hyperdelta journal (${(cause as Error).message})`,
      {
        cause,
        details: { path },
      },
    )
  }
}

/**
 * Writes the journal atomically and durably: a temp file is written and fsynced, then renamed over
 * the journal, so a crash leaves either the old or the new state, never a torn file.
 */
export async function writeJournal(path: string, state: JournalState): Promise<void> {
  await mkdir(dirname(path), { recursive: true }) // `.hyperdelta/orders.journal` on a fresh checkout
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`)
}

/** Deletes a journal (after a completed run, if the caller wants a fresh start next time). */
export async function removeJournal(path: string): Promise<void> {
  await rm(path, { force: true })
}
