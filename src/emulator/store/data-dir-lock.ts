import { hostname } from 'node:os'
import { join } from 'node:path'
import { HyperdeltaError, isHyperdeltaError } from '../../index.js'
import { lockJournal } from '../../internal.js'

/**
 * Takes the data dir for this process: two emulators on one dir would overwrite each other's catalog
 * and fight over the DuckDB files. The lock is the journal's one-writer lock file (`emulator.lock`,
 * holding pid and host; a lock left by a dead process on this host is taken over without racing
 * another taker), reported in the emulator's words. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    const lock = await lockJournal(join(dataDir, 'emulator'))
    return () => lock.release()
  } catch (error) {
    // A lock file that cannot be created is the file system's error, as it always was.
    if (isHyperdeltaError(error, 'JOURNAL_INVALID') && error.cause !== undefined) throw error.cause
    if (!isHyperdeltaError(error, 'JOURNAL_LOCKED')) throw error
    const holder = error.details.holder
    if (holder === undefined) {
      throw new HyperdeltaError(
        'EMULATOR_DATA_DIR_IN_USE',
        `emulator: data dir ${dataDir} is in use by another emulator (its lock file ${error.details.lock} is unreadable); stop it, or delete that file if no emulator runs there`,
        { details: { dataDir }, cause: error },
      )
    }
    const here = holder.hostname === hostname()
    const message =
      here && holder.pid === process.pid
        ? `emulator: data dir ${dataDir} is already used by an emulator in this process`
        : `emulator: data dir ${dataDir} is in use by another emulator (process ${holder.pid}${here ? '' : ` on ${holder.hostname}`}); stop it or pass another --data-dir`
    throw new HyperdeltaError('EMULATOR_DATA_DIR_IN_USE', message, {
      details: { dataDir, pid: holder.pid },
      cause: error,
    })
  }
}
