import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Vitest global setup: every test process (and every child it spawns with `childEnv`) gets a private
 * TMPDIR for this run. What is still in it when the run ends was left behind by a test or by the product
 * itself, so the run fails naming it; the folder is removed either way, so `npm test` leaves the OS temp
 * dir as it found it, and concurrent runs on one machine cannot confuse each other's checks.
 */
export default function guardTempDir(): () => void {
  const runDir = mkdtempSync(join(tmpdir(), 'hyperdelta-test-run-'))
  const before = process.env.TMPDIR
  process.env.TMPDIR = runDir
  return () => {
    // tsx keeps its compile cache in the temp dir of every process that loads TypeScript through it:
    // tooling, not something a test or the product left behind (it goes with the folder all the same).
    const left = readdirSync(runDir).filter((name) => !/^tsx-\d+$/.test(name))
    rmSync(runDir, { recursive: true, force: true })
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0, so the exit code is set as well.
      process.exitCode = 1
      throw new Error(`the test run left ${left.length} entries in the temp dir: ${left.sort().join(', ')}`)
    }
  }
}
