/**
 * Memory: peak RSS of a child process that packages and pushes N rows from an async iterable into an
 * emulator running in another process. Flat means the 10M-row peak is close to the 1M-row peak.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulatorProcess } from './bench-data.js'

export interface PushChildResult {
  rows: number
  mode: string
  totalMs: number
  packagingMs: number
  uploadMs: number
  jobMs: number
  requests: number
  bytes: number
  maxRssMB: number
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const COMPILED = join(ROOT, 'bench', 'out')

/**
 * Compiles the project to bench/out (plain JS, as users run the built package), so the measured child
 * carries no TypeScript loader: `--import tsx` alone adds ~25 MB of RSS (a loader thread and its isolate).
 */
export function compileForBench(): Promise<void> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = [
    '-p',
    join(ROOT, 'tsconfig.json'),
    '--noEmit',
    'false',
    '--declaration',
    'false',
    '--sourceMap',
    'false',
    '--outDir',
    COMPILED,
  ]
  return new Promise((ok, fail) =>
    execFile(process.execPath, [tsc, ...args], (error, stdout) =>
      error ? fail(new Error(`tsc failed: ${stdout}`)) : ok(),
    ),
  )
}

/** Runs the compiled bench/push-child against `url` (call compileForBench first) and returns its JSON line. */
export function runPushChild(
  url: string,
  rows: number,
  mode: 'insert' | 'upsert',
  from = 0,
  tag = 0,
  nodeFlags: readonly string[] = [],
) {
  const script = join(COMPILED, 'bench', 'push-child.js')
  return new Promise<PushChildResult>((ok, fail) => {
    execFile(
      process.execPath,
      [...nodeFlags, script, url, String(rows), mode, String(from), String(tag)],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`push child failed: ${stderr || error.message}`))
        ok(JSON.parse(stdout.trim().split('\n').pop()!) as PushChildResult)
      },
    )
  })
}

/** `nodeFlags` e.g. `--max-old-space-size=64`: shows what is retained, apart from V8's lazy heap growth. */
export async function benchMemory(
  rows: number,
  mode: 'insert' | 'upsert',
  nodeFlags: readonly string[] = [],
): Promise<PushChildResult & { nodeFlags: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-mem-'))
  const emu = await startEmulatorProcess({ dataDir: join(dir, 'emu') })
  try {
    const result = await runPushChild(emu.url, rows, mode, 0, 0, nodeFlags)
    const [row] = (await emu.query('SELECT count(*) AS n FROM "Bench"."Extract"."Extract"')) as { n: bigint }[]
    if (Number(row!.n) !== rows) throw new Error(`memory bench: expected ${rows} rows in the emulator, found ${row!.n}`)
    return { ...result, nodeFlags: nodeFlags.join(' ') }
  } finally {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  }
}
