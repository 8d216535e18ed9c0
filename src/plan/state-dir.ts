import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { HyperdeltaError } from '../errors.js'
import { DEFAULT_KEEP_RUNS } from './journal-history.js'
import { type JournalLock, lockJournal } from './journal-lock.js'

/**
 * One lane's state, in one folder: the current run's journal, its lock, the pipeline watermarks, the
 * history of finished runs and the run's temp files. A fresh (or missing) folder just works.
 *
 * ```
 * <dir>/journal.json        the current run (resumed by a rerun)
 * <dir>/journal.json.lock   held while a run is in progress (pid, host)
 * <dir>/watermarks.json     pipelines: where tomorrow's change log starts
 * <dir>/history/            finished and abandoned runs, newest `keep` kept
 * <dir>/tmp/                the running run's change files and spill; emptied when the next run starts
 * ```
 */
export interface StateDir {
  readonly path: string
  readonly journal: string
  readonly watermarks: string
  readonly history: string
  readonly tmp: string
  /** Finished runs kept in `history`. */
  readonly keep: number
  /** Releases the lane's lock (idempotent). */
  release(): Promise<void>
}

/** The files of a state dir, without opening it. */
export function stateDirLayout(dir: string) {
  const path = resolve(dir)
  return {
    path,
    journal: join(path, 'journal.json'),
    watermarks: join(path, 'watermarks.json'),
    history: join(path, 'history'),
    tmp: join(path, 'tmp'),
  }
}

/**
 * Opens a state dir for one run: creates it when missing, takes the lane's lock (`JOURNAL_LOCKED`
 * while another run holds it), and empties `tmp/` — with the lock held, anything there was left by a
 * run that died. Call `release()` when the run ends.
 */
export async function openStateDir(dir: string, options: { keep?: number | undefined } = {}): Promise<StateDir> {
  const keep = options.keep ?? DEFAULT_KEEP_RUNS
  if (!Number.isInteger(keep) || keep < 0) {
    throw new HyperdeltaError('CONFIG_INVALID', `state dir: keep must be a whole number ≥ 0, not ${keep}`, {
      details: { field: 'keep' },
    })
  }
  const layout = stateDirLayout(dir)
  const lock: JournalLock = await lockJournal(layout.journal)
  try {
    await rm(layout.tmp, { recursive: true, force: true })
    await mkdir(layout.tmp, { recursive: true })
  } catch (cause) {
    await lock.release()
    throw new HyperdeltaError('JOURNAL_INVALID', `state dir: cannot prepare ${layout.tmp}`, {
      cause,
      details: { path: layout.tmp },
    })
  }
  return { ...layout, keep, release: () => lock.release() }
}
