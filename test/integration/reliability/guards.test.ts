import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { batch, HyperdeltaError, type PushReport, pushChanges, TableauClient } from '../../../src/index.js'
import { byId, changes, type Fixture, fastSleep, itemRows, items, PAT, startFixture } from './helpers.js'
import { startHoldingProxy } from './holding-proxy.js'

// Guards that stop a run before it can do harm or hang: an ambiguous plan, a server that never
// answers, and a second writer on one journal.

const root = join(import.meta.dirname, '../../..')
let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})
afterEach(() => fx.emu.faults.clear())

const insertBatch = () => batch().insert({ source: changes, target: items })

describe('the plan refuses ambiguity before sending anything', () => {
  it('two different source tables with the same name in one batch → PLAN_INPUT_INVALID, the table untouched', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const keysOnly = items.pick('id').as('changes')
    const client = await fx.signIn()
    let sent = 0
    try {
      const error = await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: batch()
          .upsert({ source: changes, target: items, on: ['id'] })
          .delete({ source: keysOnly, target: items, on: ['id'] }),
        rows: { changes: itemRows(5, 10, 'u-') },
        onProgress: (e) => {
          if (e.type === 'upload' || e.type === 'submitted') sent++
        },
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(HyperdeltaError)
      expect((error as HyperdeltaError).code).toBe('PLAN_INPUT_INVALID')
      expect((error as HyperdeltaError).message).toContain('"changes"')
      expect((error as HyperdeltaError).details).toMatchObject({ table: 'changes', index: 1 })
    } finally {
      await client.close()
    }
    expect(sent).toBe(0)
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })
})

describe('nothing waits forever', () => {
  let silent: Server
  let silentUrl: string
  beforeAll(async () => {
    // Accepts connections and reads requests, never answers.
    silent = createServer((socket) => socket.resume())
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok))
    const address = silent.address() as { port: number }
    silentUrl = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    await new Promise<void>((ok) => silent.close(() => ok()))
  })

  it('a server that accepts and never answers fails as a retryable NETWORK_ERROR within bounded time', async () => {
    const t0 = Date.now()
    const error = await TableauClient.signIn({
      server: silentUrl,
      auth: { personalAccessToken: PAT },
      timeouts: { headersMs: 300 },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      sleep: fastSleep,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HyperdeltaError)
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true })
    expect((error as HyperdeltaError).message).toContain('UND_ERR_HEADERS_TIMEOUT')
    expect(Date.now() - t0).toBeLessThan(5_000)
  })

  it('rejects a timeout that is not a positive number', async () => {
    await expect(
      TableauClient.signIn({ server: silentUrl, auth: { personalAccessToken: PAT }, timeouts: { bodyMs: 0 } }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'timeouts.bodyMs' } })
  })

  it('a PATCH whose answer never comes times out, is sent again with the same RequestID, and lands once', async () => {
    const proxy = await startHoldingProxy(fx.emu.url)
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const rows = itemRows(100, 30, 'once-')
    const client = await TableauClient.signIn({
      server: proxy.url,
      auth: { personalAccessToken: PAT },
      timeouts: { headersMs: 1000 },
      retry: { baseDelayMs: 1, maxDelayMs: 10, conflictDelayMs: 10 },
      sleep: fastSleep,
    })
    try {
      // The emulator applies the PATCH; its answer is swallowed, so the client's headers timeout fires.
      const held = proxy.holdNext({ method: 'PATCH', path: /\/data/, point: { at: 'after-response' } })
      const report = await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: insertBatch(),
        rows: { changes: rows },
      })
      expect((await held).status).toBe(202)
      expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    } finally {
      await client.close()
      await proxy.close()
    }
    // Inserted once: the retried PATCH carried the same RequestID and got the first job back.
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })
})

describe('one journal, one writer', () => {
  it('a second pushChanges on the same journal fails at once with JOURNAL_LOCKED; the first completes', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const rows = itemRows(100, 20, 'lock-')
    const journal = join(fx.dir, 'locked', 'deeper', 'run.journal')
    const client = await fx.signIn()
    try {
      fx.emu.faults.slowJobs({ extraDelayMs: 500, times: 1 })
      const options = { client, datasource: { name: ds.name }, batch: insertBatch(), rows: { changes: rows }, journal }
      const first = pushChanges(options)
      await new Promise((r) => setTimeout(r, 50))
      const t0 = Date.now()
      const second = await pushChanges(options).catch((e: unknown) => e)
      expect(Date.now() - t0).toBeLessThan(400)
      expect(second).toBeInstanceOf(HyperdeltaError)
      expect(second).toMatchObject({ code: 'JOURNAL_LOCKED', details: { holder: { pid: process.pid } } })
      expect((second as HyperdeltaError).message).toContain(`process ${process.pid}`)
      const report: PushReport = await first
      expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
      expect(existsSync(`${journal}.lock`)).toBe(false)
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })

  it('a lock held by another live process is refused naming it; once that process is dead it is taken over', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const rows = itemRows(200, 10, 'other-')
    const journal = join(fx.dir, 'other-process', 'run.journal')
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/plan/journal-lock.ts').then(async (m) => { await m.lockJournal(process.argv[1]); " +
          "console.log('locked'); setInterval(() => {}, 1000) })",
        journal,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((ok) => holder.stdout!.on('data', () => ok()))
    const client = await fx.signIn()
    const options = { client, datasource: { name: ds.name }, batch: insertBatch(), rows: { changes: rows }, journal }
    try {
      const error = await pushChanges(options).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'JOURNAL_LOCKED', details: { holder: { pid: holder.pid } } })
      expect((error as HyperdeltaError).message).toContain(`process ${holder.pid} on ${hostname()}`)
      const exited = new Promise((ok) => holder.on('exit', ok))
      holder.kill('SIGKILL')
      await exited
      // The lock file is still there, left by a dead process: taken over.
      expect(JSON.parse(await readFile(`${journal}.lock`, 'utf8')).pid).toBe(holder.pid)
      const report = await pushChanges(options)
      expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    } finally {
      holder.kill('SIGKILL')
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })

  it('an unreadable lock file is treated as held, never as a raw error', async () => {
    const journal = join(fx.dir, 'garbled', 'run.journal')
    const ds = await fx.datasource(itemRows(1, 3))
    const client = await fx.signIn()
    try {
      await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: insertBatch(),
        rows: { changes: itemRows(10, 2) },
        journal,
      })
      await writeFile(`${journal}.lock`, 'garbage')
      await expect(
        pushChanges({
          client,
          datasource: { name: ds.name },
          batch: insertBatch(),
          rows: { changes: itemRows(10, 2) },
          journal,
        }),
      ).rejects.toMatchObject({ code: 'JOURNAL_LOCKED', message: expect.stringContaining(`${journal}.lock`) })
    } finally {
      await client.close()
    }
  })
})
