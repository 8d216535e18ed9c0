import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { batch, defineTable, int64, type PushOptions, type PushReport, pushChanges, text } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import { stateDirLayout } from '../../../src/plan/state-dir.js'
import { FakeServer, NOW } from './fake-push-client.js'

// Night after night on one journal path or one state dir, against an in-memory server that ignores a repeated
// RequestID (as Tableau does for 24 h): a finished run never blocks the next, reruns send nothing twice.

const items = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), body: text() })
const upsert = batch().upsert({ source: items.as('changes'), target: items, on: ['id'] })
const rows = (body: string) => [{ id: 1n, body }]

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-nights-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

type Where = Pick<PushOptions, 'journal' | 'stateDir'>
const lanes: Array<[string, () => Where, () => string]> = [
  ['one journal path', () => ({ journal: join(dir, 'orders.journal') }), () => join(dir, 'orders.journal.history')],
  ['a state dir', () => ({ stateDir: join(dir, 'state') }), () => stateDirLayout(join(dir, 'state')).history],
]

function push(server: FakeServer, where: Where, body: string, extra: Partial<PushOptions> = {}): Promise<PushReport> {
  return pushChanges({
    client: server,
    datasource: { name: 'Orders' },
    batch: upsert,
    rows: { changes: rows(body) },
    ...where,
    ...extra,
  })
}

const sent = (server: FakeServer) => server.calls.filter((c) => c.startsWith('patch') || c.startsWith('upload'))

describe.each(lanes)('nights on %s', (_, where, history) => {
  it('night 2 with new inputs runs; a rerun of night 2 sends nothing and answers already-applied', async () => {
    const server = new FakeServer()
    const n1 = await push(server, where(), 'a')
    expect(n1.requests.map((r) => r.outcome)).toEqual(['applied'])
    const n2 = await push(server, where(), 'b')
    expect(n2.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(n2.runId).not.toBe(n1.runId)
    expect(server.jobs.size).toBe(2)
    const before = sent(server).length
    const rerun = await push(server, where(), 'b')
    expect(rerun.requests.map((r) => r.outcome)).toEqual(['already-applied'])
    expect(rerun.runId).toBe(n2.runId)
    expect(sent(server).length).toBe(before)
    // Night 1's record was rotated, not deleted.
    const kept = await readdir(history())
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatch(/\.finished\.json$/)
    expect(JSON.parse(await readFile(join(history(), kept[0]!), 'utf8')).runId).toBe(n1.runId)
  })

  it('a value that flips back (a, b, a) lands every night: the third night is not the first one again', async () => {
    const server = new FakeServer()
    const reports = [
      await push(server, where(), 'a'),
      await push(server, where(), 'b'),
      await push(server, where(), 'a'),
    ]
    expect(reports.map((r) => r.requests[0]!.outcome)).toEqual(['applied', 'applied', 'applied'])
    expect(new Set(reports.map((r) => r.requests[0]!.requestId)).size).toBe(3)
    expect(server.jobs.size).toBe(3)
  })

  it('an unfinished run meeting other inputs is refused with what to do; abandonUnfinished starts the new one', async () => {
    const server = new FakeServer()
    server.outcomes = ['schema-error']
    // The fake's jobs are created at NOW: the same clock, so the job is not taken for an earlier run's.
    await expect(push(server, where(), 'a', { now: () => NOW })).rejects.toMatchObject({ code: 'PUSH_FAILED' })
    const error = await push(server, where(), 'b').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'JOURNAL_MISMATCH' })
    expect((error as Error).message).toMatch(/not finished \(#0 failed\)/)
    expect((error as Error).message).toContain('rerun with the inputs it was started with')
    expect((error as Error).message).toContain('--abandon-unfinished')
    const report = await push(server, where(), 'b', { abandonUnfinished: true })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect((await readdir(history()))[0]).toMatch(/\.abandoned\.json$/)
  })

  it('abandonUnfinished is refused while a job of that run still runs on the server', async () => {
    const server = new FakeServer()
    await push(server, where(), 'a')
    const journal = where().journal ?? stateDirLayout(join(dir, 'state')).journal
    const state = (await readJournal(journal))!
    // The journal as a run killed mid-wait leaves it: submitted, its job not ended.
    const jobId = state.requests[0]!.jobId!
    server.jobs.get(jobId)!.completedAt = undefined
    state.requests[0]!.state = 'submitted'
    await writeFile(journal, JSON.stringify(state))
    await expect(push(server, where(), 'b', { abandonUnfinished: true })).rejects.toMatchObject({
      code: 'JOURNAL_RUN_ACTIVE',
      details: { jobId },
      message: expect.stringContaining(`hyperdelta job wait ${jobId}`),
    })
    // Once the job ended, abandoning is allowed.
    server.jobs.get(jobId)!.completedAt = new Date().toISOString()
    expect((await push(server, where(), 'b', { abandonUnfinished: true })).outcome).toBe('succeeded')
  })

  it('keeps only the newest `keep` finished runs', async () => {
    const server = new FakeServer()
    for (const body of ['a', 'b', 'c', 'd', 'e']) await push(server, where(), body, { keep: 2 })
    expect(await readdir(history())).toHaveLength(2)
  })

  it('newRun sends the same inputs again under a random run id', async () => {
    const server = new FakeServer()
    const first = await push(server, where(), 'a')
    const again = await push(server, where(), 'a', { newRun: true })
    expect(again.runId).not.toBe(first.runId)
    expect(again.requests[0]!.outcome).toBe('applied')
    expect(server.jobs.size).toBe(2)
  })
})

describe('rerun-safe without any state', () => {
  it('the same inputs pushed twice are the same requests: the server applies them once', async () => {
    const server = new FakeServer()
    const first = await push(server, {}, 'a')
    const second = await push(server, {}, 'a')
    expect(second.runId).toBe(first.runId)
    expect(second.requests[0]!.requestId).toBe(first.requests[0]!.requestId)
    expect(second.requests[0]!.outcome).toBe('already-applied')
    expect(server.jobs.size).toBe(1)
  })

  it('journal and stateDir together are refused', async () => {
    await expect(
      push(new FakeServer(), { journal: join(dir, 'j'), stateDir: join(dir, 's') }, 'a'),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })

  it('a state dir after a run holds the journal and history, and no lock or temp file', async () => {
    const server = new FakeServer()
    const state = join(dir, 'state')
    await push(server, { stateDir: state }, 'a')
    await push(server, { stateDir: state }, 'b')
    expect((await readdir(state)).sort()).toEqual(['history', 'journal.json', 'tmp'])
    expect(await readdir(join(state, 'tmp'))).toEqual([])
  })
})
