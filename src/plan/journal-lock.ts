import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { HyperdeltaError } from '../errors.js'

/** Who holds a journal: written into the lock file next to it. */
export interface LockHolder {
  pid: number
  hostname: string
  /** ISO timestamp of when the lock was taken. */
  since: string
}

/** A held journal lock; `release()` removes the lock file (idempotent). */
export interface JournalLock {
  readonly path: string
  release(): Promise<void>
}

/** The lock file of a journal. */
export function lockPathOf(journal: string): string {
  return `${journal}.lock`
}

/** True while process `pid` of this host exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>
    if (typeof h.pid !== 'number' || typeof h.hostname !== 'string') return undefined
    return { pid: h.pid, hostname: h.hostname, since: String(h.since ?? '') }
  } catch {
    return undefined
  }
}

/** A lock whose holder is gone: a dead pid on this host. A lock from another host is never taken over. */
function isStale(holder: LockHolder | undefined): boolean {
  return holder !== undefined && holder.hostname === hostname() && holder.pid !== process.pid && !isAlive(holder.pid)
}

function lockedError(journal: string, holder: LockHolder | undefined): HyperdeltaError {
  const who = holder
    ? `process ${holder.pid} on ${holder.hostname} (since ${holder.since})`
    : 'another process (the lock file is unreadable)'
  return new HyperdeltaError(
    'JOURNAL_LOCKED',
    `journal: ${journal} is in use by ${who}; wait for that run to end, ` +
      `or delete ${lockPathOf(journal)} if it is certainly not running`,
    { details: { journal, lock: lockPathOf(journal), ...(holder && { holder }) } },
  )
}

/**
 * Takes the one-writer lock of a journal: a lock file (`<journal>.lock`) created exclusively, holding
 * this process's pid and host. A second writer, in this process or another, fails at once with
 * `JOURNAL_LOCKED` naming the holder. A lock left by a dead process on this host is taken over.
 * Creates the journal's folder when missing.
 */
export async function lockJournal(journal: string): Promise<JournalLock> {
  const path = lockPathOf(journal)
  try {
    await mkdir(dirname(path), { recursive: true })
  } catch (cause) {
    throw new HyperdeltaError('JOURNAL_INVALID', `journal: cannot create the folder of ${journal}`, {
      cause,
      details: { journal },
    })
  }
  const me: LockHolder = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() }
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(path, 'wx')
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`)
      } finally {
        await handle.close()
      }
      let released = false
      return {
        path,
        release: async () => {
          if (released) return
          released = true
          const holder = await readHolder(path)
          if (holder?.pid === me.pid && holder.since === me.since) await rm(path, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new HyperdeltaError('JOURNAL_INVALID', `journal: cannot create lock ${path}`, {
          cause: error,
          details: { journal, lock: path },
        })
      }
    }
    const holder = await readHolder(path)
    if (!isStale(holder)) throw lockedError(journal, holder)
    // Take the stale lock over without racing another taker: move it aside, check it is still the
    // stale one, and put it back if someone else's fresh lock was moved instead.
    const aside = `${path}.${process.pid}.stale`
    try {
      await rename(path, aside)
    } catch {
      continue
    }
    const moved = await readHolder(aside)
    if (moved && holder && (moved.pid !== holder.pid || moved.since !== holder.since)) {
      await link(aside, path).catch(() => {})
      await rm(aside, { force: true })
      throw lockedError(journal, moved)
    }
    await rm(aside, { force: true })
  }
  throw lockedError(journal, await readHolder(path))
}
