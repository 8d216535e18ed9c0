import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type JobPhase, startEmulator } from '../../../src/emulator/index.js'
import { batch, pushChanges, TableauClient } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import { childEnv } from '../../helpers/spawn-cli.js'
import { byId, changes, fastSleep, type Item, itemRows, items, PASSWORD, PAT } from './helpers.js'

// The emulator runs as a child process and is SIGKILLed at a chosen job phase (or at a random
// moment), then restarted on the same data dir. The job it was running must be reported exactly as
// the table shows it (succeeded when the change committed, failed when not), and a journal resume
// must not apply the request twice: the batch is insert-only, so a double apply shows duplicates.

const root = join(import.meta.dirname, '../../..')
const initial = itemRows(1, 40)
const inserted = itemRows(1000, 60, 'new-')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-emu-crash-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as { port: number }
  await new Promise<void>((ok) => server.close(() => ok()))
  return port
}

interface Child {
  child: ChildProcess
  url: string
  exit: Promise<number | NodeJS.Signals>
}

async function spawnEmulator(dataDir: string, port: number, crashAt?: JobPhase): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/reliability/emulator-child.ts'], {
    cwd: root,
    env: childEnv({ DATA_DIR: dataDir, PORT: String(port), ...(crashAt && { CRASH_AT: crashAt }) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exit = new Promise<number | NodeJS.Signals>((ok) => child.on('exit', (code, signal) => ok(code ?? signal!)))
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
  })
  const url = await new Promise<string>((ok, fail) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s
      const line = out.split('\n')[0]
      if (out.includes('\n')) ok((JSON.parse(line!) as { url: string }).url)
    })
    void exit.then((code) => fail(new Error(`emulator child exited ${code}: ${stderr}`)))
  })
  return { child, url, exit }
}

const signIn = (url: string) =>
  TableauClient.signIn({
    server: url,
    site: '',
    auth: { personalAccessToken: PAT },
    retry: { baseDelayMs: 1, maxDelayMs: 10, conflictDelayMs: 10, maxAttempts: 3 },
    sleep: fastSleep,
  })

const push = (url: string, journal: string, runId = 'crash-run') =>
  signIn(url).then((client) =>
    pushChanges({
      client,
      datasource: { name: 'Items' },
      batch: batch().insert({ source: changes, target: items }),
      rows: { changes: inserted },
      journal,
      runId,
    }).finally(() => client.close()),
  )

/** A data dir holding one data source "Items" with the initial rows. */
async function seededDataDir(name: string): Promise<string> {
  const dataDir = join(dir, name)
  const emu = await startEmulator({ dataDir, users: [{ name: 'admin', password: PASSWORD.password, pat: PAT }] })
  await emu.createDatasource({ name: 'Items', table: items, rows: initial })
  await emu.close()
  return dataDir
}

/** The table as a fresh in-process emulator on the same data dir reads it back. */
async function tableOf(dataDir: string): Promise<Item[]> {
  const emu = await startEmulator({ dataDir })
  try {
    return (await emu.query('SELECT id, body FROM "Items"."Extract"."Extract" ORDER BY id')) as Item[]
  } finally {
    await emu.close()
  }
}

/** The finishCode the restarted emulator reports for the journaled job. */
async function jobOutcome(url: string, journal: string): Promise<{ finishCode: number | undefined; notes: string }> {
  const state = await readJournal(journal)
  const jobId = state?.requests[0]?.jobId
  if (jobId === undefined) return { finishCode: undefined, notes: '' }
  const client = await signIn(url)
  try {
    const job = await client.getJob(jobId)
    return { finishCode: job.finishCode, notes: job.notes.join('\n') }
  } finally {
    await client.close()
  }
}

const applied = byId([...initial, ...inserted])

describe.concurrent('the emulator is crash-safe: SIGKILL at a job phase, restart on the same data dir', () => {
  const cases: { phase: JobPhase; committed: boolean }[] = [
    { phase: 'running', committed: false },
    { phase: 'before-commit', committed: false },
    { phase: 'after-commit', committed: true },
    { phase: 'finished', committed: true },
  ]
  it.each(cases)(
    'killed at $phase: job reported as the table shows it, resume applies once',
    async ({ phase, committed }) => {
      const dataDir = await seededDataDir(`phase-${phase}`)
      const journal = join(dir, `phase-${phase}.journal`)
      const port = await freePort()
      const first = await spawnEmulator(dataDir, port, phase)
      const pushed = push(first.url, journal)
      // Killed after the job is on disk as done, a poll may already have seen it succeed: either way is right.
      if (phase === 'finished') await pushed.catch(() => undefined)
      else await expect(pushed).rejects.toThrow()
      expect(await first.exit).toBe('SIGKILL')

      const stop = async (c: Child) => {
        c.child.kill('SIGTERM')
        await c.exit
      }
      const second = await spawnEmulator(dataDir, port)
      const outcome = await jobOutcome(second.url, journal).finally(() => stop(second))
      expect(outcome.finishCode).toBe(committed ? 0 : 1)
      if (!committed) expect(outcome.notes).toMatch(/stopped before this job committed; nothing was applied/)
      expect(await tableOf(dataDir)).toEqual(committed ? applied : byId(initial))

      const third = await spawnEmulator(dataDir, port)
      // Committed: the journal resume finds the job succeeded and sends nothing again.
      // Not committed: nothing was applied, so a fresh run applies the change exactly once.
      const report = await (committed
        ? push(third.url, journal)
        : push(third.url, join(dir, `phase-${phase}-rerun.journal`), 'crash-rerun')
      ).finally(() => stop(third))
      // 'already-applied' when the journal or the replayed job says so, 'applied' when this run saw it land;
      // either way the table below holds every row exactly once.
      expect(['applied', 'already-applied']).toContain(report.requests.map((r) => r.outcome).join())
      expect(await tableOf(dataDir)).toEqual(applied)
    },
    150_000,
  )
})

describe.concurrent('the emulator is crash-safe: SIGKILL at random moments of a push', () => {
  it('never reports a job other than the table shows, and a resume never applies twice', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = await seededDataDir(`random-${round}`)
      const journal = join(dir, `random-${round}.journal`)
      const port = await freePort()
      const first = await spawnEmulator(dataDir, port)
      const pushing = push(first.url, journal).then(
        () => 'done',
        () => 'failed',
      )
      await delay(Math.floor(Math.random() * 300))
      first.child.kill('SIGKILL')
      await first.exit
      await pushing

      const second = await spawnEmulator(dataDir, port)
      let table: Item[]
      try {
        const outcome = await jobOutcome(second.url, journal)
        second.child.kill('SIGTERM')
        await second.exit
        table = await tableOf(dataDir)
        // The job's reported outcome matches the data.
        if (outcome.finishCode === 0) expect(table).toEqual(applied)
        else expect(table).toEqual(byId(initial))
      } finally {
        second.child.kill('SIGTERM')
      }
      const third = await spawnEmulator(dataDir, port)
      const resumed = await push(third.url, journal).then(
        () => 'applied',
        () => 'failed',
      )
      third.child.kill('SIGTERM')
      await third.exit
      // Whatever the resume made of it: the rows are there at most once, and all of them when it says applied.
      const after = await tableOf(dataDir)
      if (resumed === 'applied') expect(after).toEqual(applied)
      else expect([byId(initial), applied]).toContainEqual(after)
    }
  }, 300_000)
})
