import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Vitest global setup: the whole run (and every child process it starts) gets a private OS temp dir, and the
// run fails if anything is left in it at the end — so a test or a code path that leaves temp files behind
// shows here, whatever else runs on the machine. Tool caches that outlive a run by design are not ours.

const TOOL_CACHES = /^(tsx-\d+|node-compile-cache|v8-compile-cache.*)$/

let dir: string | undefined
const saved = { TMPDIR: process.env.TMPDIR, TEMP: process.env.TEMP, TMP: process.env.TMP }

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'hyperdelta-test-run-'))
  process.env.TMPDIR = dir
  process.env.TEMP = dir
  process.env.TMP = dir
}

export function teardown(): void {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  if (!dir) return
  const left = readdirSync(dir).filter((n) => !TOOL_CACHES.test(n))
  rmSync(dir, { recursive: true, force: true })
  if (left.length > 0) {
    // A global teardown's throw is only logged by vitest: fail the run through the exit code as well.
    process.exitCode = 1
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the OS temp dir: ${left.join(', ')}`,
    )
  }
}
