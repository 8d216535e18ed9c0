import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Journal, type JournalState, readJournal, removeJournal, writeJournal } from '../../../src/plan/journal.js'
import { lockJournal } from '../../../src/plan/journal-lock.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-journal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const state: JournalState = {
  version: 1,
  runId: 'r',
  fingerprint: 'f',
  datasourceId: 'ds',
  createdAt: '2026-11-22T00:00:00Z',
  requests: [{ index: 0, state: 'submitted', attempt: 0, requestId: 'id', jobId: 'job', updatedAt: 'now' }],
}

describe('journal', () => {
  it('round-trips and leaves no temp file behind', async () => {
    const path = join(dir, 'j.json')
    await writeJournal(path, state)
    expect(await readJournal(path)).toEqual(state)
    expect(JSON.parse(await readFile(path, 'utf8')).requests[0].jobId).toBe('job')
    await removeJournal(path)
    expect(await readJournal(path)).toBeUndefined()
  })

  it('rejects a file that is not a journal, naming it', async () => {
    const path = join(dir, 'bad.json')
    await writeFile(path, '{"hello":1}')
    await expect(readJournal(path)).rejects.toMatchObject({
      code: 'JOURNAL_INVALID',
      message: expect.stringContaining(path),
    })
    await writeFile(path, 'not json')
    await expect(readJournal(path)).rejects.toMatchObject({ code: 'JOURNAL_INVALID' })
  })
})

type Loose = { requests: Array<Record<string, unknown>> } & Record<string, unknown>

describe('journal validation at load', () => {
  const variants: Array<[string, (j: Loose) => void, string]> = [
    ['an unknown request state', (j) => (j.requests[0]!.state = 'applying'), 'requests.0.state'],
    ['a missing request state', (j) => delete j.requests[0]!.state, 'requests.0.state'],
    ['an attempt that is not a count', (j) => (j.requests[0]!.attempt = '1'), 'requests.0.attempt'],
    ['a submitted request without job id', (j) => delete j.requests[0]!.jobId, 'requests.0.jobId'],
    ['requests out of order', (j) => (j.requests[0]!.index = 3), 'requests.0.index'],
    ['an unknown field', (j) => (j.extra = true), '(top level)'],
    ['another version', (j) => (j.version = 2), 'version'],
    ['requests that are not a list', (j) => Object.assign(j, { requests: {} }), 'requests'],
    ['a missing data source', (j) => delete j.datasourceId, 'datasourceId'],
  ]
  it.each(variants)('refuses %s as JOURNAL_INVALID naming the file and field', async (_, mutate, field) => {
    const path = join(dir, 'odd.json')
    const j = structuredClone(state) as unknown as Loose
    mutate(j)
    await writeFile(path, JSON.stringify(j))
    const error = await readJournal(path).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'JOURNAL_INVALID', details: { path } })
    expect((error as Error).message).toContain(path)
    expect((error as Error).message).toContain(field)
  })
})

describe('Journal transitions', () => {
  const fresh = (): JournalState => ({
    ...state,
    requests: [{ index: 0, state: 'pending', attempt: 0, requestId: 'rid-0', updatedAt: 'then' }],
  })
  const at = (iso: string) => () => new Date(iso)

  it('moves forward, stamps and persists every change', async () => {
    const saved: JournalState[] = []
    const journal = new Journal(fresh(), async (s) => void saved.push(structuredClone(s)), at('2026-11-27T10:00:00Z'))
    await journal.advance(0, 'uploaded')
    await journal.advance(0, 'submitted', { jobId: 'job-1' })
    await journal.advance(0, 'succeeded')
    expect(saved.map((s) => s.requests[0]!.state)).toEqual(['uploaded', 'submitted', 'succeeded'])
    expect(journal.request(0)).toMatchObject({
      state: 'succeeded',
      jobId: 'job-1',
      updatedAt: '2026-11-27T10:00:00.000Z',
    })
  })

  it.each([
    ['submitted', 'pending'],
    ['submitted', 'uploaded'],
    ['succeeded', 'failed'],
    ['failed', 'succeeded'],
    ['pending', 'succeeded'],
  ] as const)('refuses the backward or skipping move %s → %s, persisting nothing', async (from, to) => {
    let saves = 0
    const s = fresh()
    s.requests[0]!.state = from
    s.requests[0]!.jobId = 'job-1'
    const journal = new Journal(s, async () => void saves++)
    await expect(journal.advance(0, to)).rejects.toMatchObject({
      code: 'JOURNAL_TRANSITION_INVALID',
      details: { index: 0, from, to },
    })
    expect(saves).toBe(0)
    expect(journal.request(0).state).toBe(from)
  })

  it('refuses submitted without a job id', async () => {
    const journal = new Journal(fresh(), async () => {})
    await expect(journal.advance(0, 'submitted')).rejects.toMatchObject({ code: 'JOURNAL_TRANSITION_INVALID' })
  })

  it('a new attempt after a failed job gets a new RequestID and starts over; never while submitted', async () => {
    const journal = new Journal(fresh(), async () => {})
    await journal.advance(0, 'submitted', { jobId: 'job-1' })
    await expect(journal.nextAttempt(0, (n) => `rid-${n}`)).rejects.toMatchObject({
      code: 'JOURNAL_TRANSITION_INVALID',
    })
    await journal.advance(0, 'failed')
    const next = await journal.nextAttempt(0, (n) => `rid-${n}`)
    expect(next).toMatchObject({ state: 'pending', attempt: 1, requestId: 'rid-1', jobId: undefined })
  })

  it('Journal.at persists to the file, creating its folder', async () => {
    const path = join(dir, 'nested', 'folder', 'run.journal')
    const journal = Journal.at(path, fresh())
    await journal.advance(0, 'uploaded')
    expect((await readJournal(path))!.requests[0]!.state).toBe('uploaded')
  })
})

describe('journal lock', () => {
  it('one holder at a time, named in JOURNAL_LOCKED; released locks can be taken again', async () => {
    const path = join(dir, 'sub', 'run.journal')
    const lock = await lockJournal(path)
    await expect(lockJournal(path)).rejects.toMatchObject({
      code: 'JOURNAL_LOCKED',
      details: { journal: path, holder: { pid: process.pid } },
    })
    await lock.release()
    const again = await lockJournal(path)
    await again.release()
  })

  it('takes over a lock left by a dead process', async () => {
    const path = join(dir, 'stale.journal')
    // A pid far above any pid_max is certainly not running.
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 30, hostname: hostname(), since: 'then' }))
    const lock = await lockJournal(path)
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('never takes over a lock from another host', async () => {
    const path = join(dir, 'remote.journal')
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 30, hostname: 'elsewhere', since: 'then' }))
    await expect(lockJournal(path)).rejects.toMatchObject({ code: 'JOURNAL_LOCKED', message: /on elsewhere/ })
  })
})

describe('journal paths that cannot work', () => {
  it('a journal under a file (not a folder) is a typed error, never a raw ENOTDIR', async () => {
    const file = join(dir, 'plain-file')
    await writeFile(file, 'x')
    await expect(lockJournal(join(file, 'run.journal'))).rejects.toMatchObject({ code: 'JOURNAL_INVALID' })
    await expect(writeJournal(join(file, 'run.journal'), state)).rejects.toMatchObject({
      code: 'JOURNAL_INVALID',
      message: expect.stringContaining('cannot write'),
    })
  })
})
