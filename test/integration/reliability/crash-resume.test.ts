import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeChangeFiles } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import { childEnv } from '../../helpers/spawn-cli.js'
import { byId, changes, type Fixture, itemRows, PAT, startFixture } from './helpers.js'
import { type Hold, type HoldingProxy, startHoldingProxy } from './holding-proxy.js'

// The CLI `push --journal` runs as a child process through a proxy that freezes it at an exact stage;
// the test SIGKILLs it there, reruns the same command, and reads the table back row by row. The batch
// is insert-only and split into several files, so a request applied twice shows as duplicate rows.

const root = join(import.meta.dirname, '../../..')
let fx: Fixture
let proxy: HoldingProxy
let input: string
let batchFile: string
const rows = itemRows(1, 3200)

beforeAll(async () => {
  fx = await startFixture()
  proxy = await startHoldingProxy(fx.emu.url)
  const files = await writeChangeFiles(changes, rows, { dir: fx.dir })
  input = files.files[0]!.path
  batchFile = join(fx.dir, 'insert.json')
  await writeFile(
    batchFile,
    JSON.stringify({
      actions: [{ action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' }],
    }),
  )
})
afterAll(async () => {
  await proxy.close()
  await fx.close()
})

interface Run {
  child: ChildProcess
  stderr: string[]
  exit: Promise<number | NodeJS.Signals>
}

function push(datasource: string, journal: string): Run {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'push',
      '--batch',
      batchFile,
      '--input',
      `changes=${input}`,
      '--datasource',
      datasource,
      '--journal',
      journal,
      '--max-size-mb',
      '1',
    ],
    {
      cwd: root,
      env: childEnv({
        TABLEAU_SERVER: proxy.url,
        TABLEAU_SITE: '',
        TABLEAU_PAT_NAME: PAT.name,
        TABLEAU_PAT_SECRET: PAT.secret,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const stderr: string[] = []
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s))
  child.stdout!.resume()
  const exit = new Promise<number | NodeJS.Signals>((ok) => child.on('exit', (code, signal) => ok(code ?? signal!)))
  return { child, stderr, exit }
}

/** Resolves when the child's stderr shows `pattern` (plain-line progress, stderr is not a TTY). */
function stderrShows(run: Run, pattern: RegExp): Promise<void> {
  return new Promise((ok, fail) => {
    const check = () => {
      if (pattern.test(run.stderr.join(''))) ok()
    }
    run.child.stderr!.on('data', check)
    run.child.on('exit', () => fail(new Error(`exited before ${pattern}: ${run.stderr.join('')}`)))
    check()
  })
}

/** A stage: how to freeze the child, and what the journal must say at the moment of the kill. */
interface Stage {
  name: string
  freeze: (run: Run) => Promise<unknown>
  journalAtKill: string[]
  /** The frozen request was answered by the emulator with a job the client never saw. */
  jobMadeUnseen?: boolean
}

const UPLOAD_INIT: Omit<Hold, 'point'> = { method: 'POST', path: /\/fileUploads$/ }
const APPEND: Omit<Hold, 'point'> = { method: 'PUT', path: /\/fileUploads\/[^/?]+/ }
const PATCH: Omit<Hold, 'point'> = { method: 'PATCH', path: /\/data(\?|$)/ }

const stages: Stage[] = [
  {
    name: 'after packaging (plan journaled, first upload not started)',
    freeze: () => proxy.holdNext({ ...UPLOAD_INIT, point: { at: 'before' } }),
    journalAtKill: ['pending', 'pending', 'pending'],
  },
  {
    name: 'during an upload (half of file #1 sent)',
    freeze: () => proxy.holdNext({ ...APPEND, skip: 1, point: { at: 'mid-body', afterBytes: 400_000 } }),
    journalAtKill: ['succeeded', 'pending', 'pending'],
  },
  {
    name: 'right after the PATCH of request #1 is sent (server made the job, client never heard)',
    freeze: () => proxy.holdNext({ ...PATCH, skip: 1, point: { at: 'after-response' } }),
    journalAtKill: ['succeeded', 'uploaded', 'pending'],
    jobMadeUnseen: true,
  },
  {
    name: 'while waiting for the job of request #1',
    freeze: async (run) => {
      await stderrShows(run, /#0 applied/)
      fx.emu.faults.slowJobs({ extraDelayMs: 1500, times: 1 })
      await stderrShows(run, /#1 submitted: job/)
    },
    journalAtKill: ['succeeded', 'submitted', 'pending'],
  },
]

describe('crash and resume: SIGKILL the CLI push at each stage, rerun with the same journal', () => {
  // Two CLI child processes (tsx start-up each) per stage: slow on a loaded machine, so a wider time limit.
  it.each(stages)(
    '$name',
    async (stage) => {
      const ds = await fx.datasource([])
      const journal = join(fx.dir, `${ds.name}.journal`)
      const first = push(ds.name, journal)
      const frozen = stage.freeze(first)
      await Promise.race([frozen, first.exit.then((c) => Promise.reject(new Error(`exited ${c}: ${first.stderr}`)))])
      first.child.kill('SIGKILL')
      expect(await first.exit).toBe('SIGKILL')
      fx.emu.faults.clear()

      expect(existsSync(journal)).toBe(true)
      const killed = await readJournal(journal)
      // The first three requests show the stage; any further ones (the file count follows the
      // compressor) must not have been touched.
      const states = killed!.requests.map((r) => r.state)
      expect(states.length).toBeGreaterThanOrEqual(3)
      expect(states.slice(0, 3)).toEqual(stage.journalAtKill)
      expect(states.slice(3).every((state) => state === 'pending')).toBe(true)
      const held = await frozen
      const heldJob =
        typeof held === 'object' && held && 'body' in held
          ? /"job":\{[^}]*?"id":"([^"]+)"|<job [^>]*?id="([^"]+)"/.exec(String(held.body))?.slice(1).find(Boolean)
          : undefined

      const rerun = push(ds.name, journal)
      const code = await rerun.exit
      expect(code, rerun.stderr.join('')).toBe(0)
      expect(rerun.stderr.join('')).toMatch(new RegExp(`resuming: ${states.length} request\\(s\\)`))
      const done = await readJournal(journal)
      expect(done!.requests.map((r) => r.state)).toEqual(states.map(() => 'succeeded'))
      // The PATCH the client never heard about is answered with the same job on resume (same RequestID).
      if (stage.jobMadeUnseen) expect(done!.requests[1]!.jobId).toBe(heldJob)
      else expect(heldJob).toBeUndefined()
      expect(await fx.rows(ds.name)).toEqual(byId(rows))
    },
    120_000,
  )
})
