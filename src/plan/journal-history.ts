import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { HyperdeltaError } from '../errors.js'
import type { JournalState } from './journal.js'

/** Finished runs kept in a history folder by default. */
export const DEFAULT_KEEP_RUNS = 30

/** Where the finished runs of a journal go when no state dir is given: `<journal>.history/`. */
export function historyDirOf(journal: string): string {
  return `${journal}.history`
}

/**
 * Moves a journal whose run is over (finished, or abandoned on request) into `historyDir` as
 * `<retired-at>-<run id>.<finished|abandoned>.json`, then keeps the newest `keep` files there and removes
 * older ones. The next run starts with no journal; the record of this one stays readable.
 */
export async function retireJournal(
  journal: string,
  state: JournalState,
  historyDir: string,
  options: { reason: 'finished' | 'abandoned'; keep?: number | undefined; now?: Date | undefined },
): Promise<string> {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')
  const safeRunId = state.runId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)
  const target = join(historyDir, `${stamp}-${safeRunId}.${options.reason}.json`)
  try {
    await mkdir(historyDir, { recursive: true })
    await rename(journal, target)
  } catch (cause) {
    throw new HyperdeltaError('JOURNAL_INVALID', `journal: cannot move ${journal} into ${historyDir}`, {
      cause,
      details: { journal, path: historyDir },
    })
  }
  await pruneHistory(historyDir, options.keep ?? DEFAULT_KEEP_RUNS)
  return target
}

/** Keeps the newest `keep` run records of a history folder (names start with their time, so they sort). */
export async function pruneHistory(historyDir: string, keep: number): Promise<void> {
  const names = (await readdir(historyDir)).filter((n) => /\.(finished|abandoned)\.json$/.test(n)).sort()
  const excess = names.slice(0, Math.max(0, names.length - Math.max(0, keep)))
  await Promise.all(excess.map((n) => rm(join(historyDir, n), { force: true })))
}
