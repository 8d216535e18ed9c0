import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '../..')
const bin = join(repoRoot, 'src/cli/bin.ts')
/** Loader that makes `@duckdb/node-api` unresolvable, as on a machine that never installed it. */
export const withoutDuckdb = join(repoRoot, 'test/helpers/without-duckdb.mjs')

/**
 * The environment every spawned test process starts from: PATH and HOME, and TMPDIR so its temp files
 * land in the run's guarded temp dir (test/helpers/private-tmpdir.ts) like the test's own.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...extra }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `hyperdelta <args>` as its own process (through tsx) and collects exit code and output. */
export function spawnCli(
  args: string[],
  options: {
    cwd?: string
    env?: NodeJS.ProcessEnv
    nodeArgs?: string[]
    timeoutMs?: number
    /** The process may write files of at most this many KiB (`ulimit -f`): a write past it fails with EFBIG. */
    fileSizeLimitKb?: number
  } = {},
): Promise<CliResult> {
  const node = [...(options.nodeArgs ?? []), '--import', 'tsx', bin, ...args]
  const limit = options.fileSizeLimitKb
  return new Promise((resolve) => {
    execFile(
      limit === undefined ? process.execPath : 'bash',
      limit === undefined ? node : ['-c', `ulimit -f ${limit} && exec "$0" "$@"`, process.execPath, ...node],
      {
        cwd: options.cwd ?? repoRoot,
        env: childEnv(options.env),
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** A long-running `hyperdelta` process (the emulator): resolves once `ready` appears on stdout. */
export async function startCliProcess(
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; readyOn?: 'stdout' | 'stderr' } = {},
) {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready.test(options.readyOn === 'stderr' ? stderr : stdout)) {
        clearInterval(timer)
        resolve()
      }
    }, 50)
    void exited.then((code) => {
      clearInterval(timer)
      reject(new Error(`exited ${code} before ready:\n${stdout}\n${stderr}`))
    })
  })
  return {
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    /** SIGTERM and the exit code. */
    async stop(): Promise<number | null> {
      child.kill('SIGTERM')
      return exited
    },
  }
}

/**
 * The same CLI in this process (runCli with captured streams): the fast path for the many error cases;
 * the process-level behaviour (exit code, crashes from stream errors) is covered by spawnCli cases.
 */
export async function runCliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  commands?: readonly import('../../src/cli/command-table.js').CliCommand[],
): Promise<CliResult> {
  const { runCli } = await import('../../src/cli/run-cli.js')
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') => ({
    write(s: string) {
      out[key] += s
      return true
    },
  })
  const io = { stdout: sink('stdout'), stderr: sink('stderr'), env, signal: new AbortController().signal }
  const code = await (commands ? runCli(args, io, commands) : runCli(args, io))
  return { code, ...out }
}

/**
 * An executable `hyperdelta` in `<dir>/bin` that runs this checkout's CLI (through tsx), for commands written
 * as a user types them (README blocks, scheduling recipes). Returns the folder to put first on PATH.
 */
export async function writeCliShim(dir: string): Promise<string> {
  const binDir = join(dir, 'bin')
  await mkdir(binDir, { recursive: true })
  const shim = join(binDir, 'hyperdelta')
  const tsx = import.meta.resolve('tsx')
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${bin}" "$@"\n`)
  await chmod(shim, 0o755)
  return binDir
}

/** Each `hyperdelta…` import a user may write → the source file behind that package export. */
export const ENTRY_SOURCES: readonly (readonly [string, string])[] = Object.entries(
  (
    JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { default: string }>
    }
  ).exports,
).flatMap(([key, target]) =>
  typeof target === 'string'
    ? []
    : [[`hyperdelta${key.slice(1)}`, join(repoRoot, target.default.replace(/^\.\/dist\/(.*)\.js$/, '$1.ts'))] as const],
)

/**
 * Makes `import … from 'hyperdelta'` (and every other entry of package.json `exports`) in `.mts` files under
 * `dir` resolve to this checkout's sources when run with tsx: README code runs as a user writes it. `dir` must
 * lie inside the checkout, so the packages it installed resolve too.
 */
export async function writeSourcePaths(dir: string): Promise<void> {
  const paths = Object.fromEntries(ENTRY_SOURCES.map(([name, file]) => [name, [file]]))
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths } }))
}
