import { open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { HyperdeltaError } from '../index.js'

const LOCK_FILE = 'emulator.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the data dir for this process: two emulators on one dir would overwrite each other's catalog
 * and fight over the DuckDB files. A lock left by a process that no longer runs is taken over.
 * Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(`${process.pid}\n`)
      await handle.close()
      return () => rm(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10)
      if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
        throw new HyperdeltaError(
          'EMULATOR_DATA_DIR_IN_USE',
          `emulator: data dir ${dataDir} is in use by another emulator (process ${pid}); stop it or pass another --data-dir`,
          { details: { dataDir, pid } },
        )
      }
      if (pid === process.pid) {
        throw new HyperdeltaError(
          'EMULATOR_DATA_DIR_IN_USE',
          `emulator: data dir ${dataDir} is already used by an emulator in this process`,
          { details: { dataDir, pid } },
        )
      }
      await rm(file, { force: true }) // stale: its process is gone
    }
  }
  throw new HyperdeltaError('EMULATOR_DATA_DIR_IN_USE', `emulator: cannot lock data dir ${dataDir}`)
}
