import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pushChanges, summarizeReport } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import {
  byId,
  expectedAfter,
  type Fixture,
  insertBatch,
  itemRows,
  pushFailed,
  startFixture,
  upsertBatch,
} from './helpers.js'

// Reruns that must neither skip nor repeat: request identity across data sources, reruns after a
// failed or cancelled job (with and without a journal), Ctrl-C during the job wait, and `retryable`.

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})
afterEach(() => fx.emu.faults.clear())

describe('request identity includes where a request goes', () => {
  it('the same runId pushed to two data sources on one site writes both', async () => {
    const initial = itemRows(1, 20)
    const staging = await fx.datasource(initial)
    const prod = await fx.datasource(initial)
    const upserts = itemRows(10, 30, 'v2-')
    const client = await fx.signIn()
    try {
      const options = { client, batch: upsertBatch(), rows: { changes: upserts }, runId: 'nightly-2026-11-27' }
      const first = await pushChanges({ ...options, datasource: { name: staging.name } })
      const second = await pushChanges({ ...options, datasource: { name: prod.name } })
      expect(first.requests.map((r) => r.outcome)).toEqual(['applied'])
      expect(second.requests.map((r) => r.outcome)).toEqual(['applied'])
      expect(second.requests[0]!.requestId).not.toBe(first.requests[0]!.requestId)
      expect(second.requests[0]!.jobId).not.toBe(first.requests[0]!.jobId)
    } finally {
      await client.close()
    }
    expect(await fx.rows(staging.name)).toEqual(expectedAfter(initial, upserts))
    expect(await fx.rows(prod.name)).toEqual(expectedAfter(initial, upserts))
  })
})

describe('a rerun after a job that applied nothing sends the next attempt', () => {
  it.each([
    ['failed', (f: Fixture) => f.emu.faults.failJobs({ times: 1, notes: 'disk quota exceeded' })],
    ['cancelled', (f: Fixture) => f.emu.faults.cancelJobs({ times: 1 })],
  ] as const)('without a journal: the replayed %s job is recognised and the rerun applies', async (outcome, fault) => {
    const initial = itemRows(1, 20)
    const ds = await fx.datasource(initial)
    const rows = itemRows(100, 40, 'new-')
    const client = await fx.signIn()
    const options = {
      client,
      datasource: { name: ds.name },
      batch: insertBatch(),
      rows: { changes: rows },
      runId: `plain-rerun-${outcome}`,
    }
    try {
      fault(fx)
      const { cause, report } = pushFailed(await pushChanges(options).catch((e: unknown) => e))
      expect(cause.code).toBe(outcome === 'failed' ? 'JOB_FAILED' : 'JOB_CANCELLED')
      expect(report.requests[0]!.outcome).toBe(outcome)
      const failedJob = report.requests[0]!.jobId
      expect(await fx.rows(ds.name)).toEqual(byId(initial))

      // Same runId, no journal: the first RequestID gets the old job back; the next attempt is sent.
      const rerun = await pushChanges(options)
      const request = rerun.requests[0]!
      expect(rerun.outcome).toBe('succeeded')
      expect(request.outcome).toBe('applied')
      expect(request.attempt).toBe(1)
      expect(request.replayed).toEqual([
        { requestId: report.requests[0]!.requestId, jobId: failedJob, outcome, completedAt: expect.any(String) },
      ])
      expect(request.requestId).not.toBe(report.requests[0]!.requestId)
      expect(summarizeReport(rerun)).toContain(`replayed job ${failedJob} (${outcome} in an earlier run)`)

      // A third run finds the applied attempt: nothing is inserted twice.
      const third = await pushChanges(options)
      // The server answers with the job that applied it; no new job. (Reported `already-applied` once that
      // job ended in an earlier whole second than this PATCH; within the same second, `applied`.)
      expect(third.requests[0]!.jobId).toBe(request.jobId)
      expect(third.requests[0]!.attempt).toBe(1)
      expect(['applied', 'already-applied']).toContain(third.requests[0]!.outcome)
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })

  it('bounds the attempts: a request whose attempts all ended badly stops with a terminal error', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const rows = itemRows(50, 10, 'x-')
    const client = await fx.signIn()
    const options = {
      client,
      datasource: { name: ds.name },
      batch: insertBatch(),
      rows: { changes: rows },
      runId: 'bounded-attempts',
      maxAttempts: 2,
    }
    try {
      fx.emu.faults.failJobs({ times: 2, notes: 'always failing' })
      pushFailed(await pushChanges(options).catch((e: unknown) => e))
      const second = pushFailed(await pushChanges(options).catch((e: unknown) => e))
      expect(second.report.requests[0]!.attempt).toBe(1)
      const third = pushFailed(await pushChanges(options).catch((e: unknown) => e))
      expect(third.cause.code).toBe('REQUEST_ATTEMPTS_EXHAUSTED')
      expect(third.error.retryable).toBe(false)
      expect(third.error.message).toContain('new runId')
      expect(third.report.requests[0]!.outcome).toBe('failed')
      expect(third.report.requests[0]!.replayed?.map((r) => r.outcome)).toEqual(['failed', 'failed'])
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })

  it('a journal holding a job the server no longer knows stops with a terminal error saying what to do', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const journal = join(fx.dir, 'unknown-job', 'run.journal')
    const client = await fx.signIn()
    const controller = new AbortController()
    const options = {
      client,
      datasource: { name: ds.name },
      batch: insertBatch(),
      rows: { changes: itemRows(30, 5) },
      journal,
    }
    try {
      fx.emu.faults.slowJobs({ extraDelayMs: 400, times: 1 })
      const aborted = pushFailed(
        await pushChanges({
          ...options,
          signal: controller.signal,
          onProgress: (e) => e.type === 'submitted' && controller.abort(),
        }).catch((e: unknown) => e),
      )
      expect(aborted.cause.code).toBe('JOB_ABORTED')
      // The server forgets the job (here: the journal is pointed at a job id it never had).
      const state = JSON.parse(await readFile(journal, 'utf8'))
      state.requests[0].jobId = '00000000-0000-4000-8000-000000000000'
      await writeFile(journal, JSON.stringify(state))
      const { error, cause } = pushFailed(await pushChanges(options).catch((e: unknown) => e))
      expect(cause.code).toBe('JOB_NOT_FOUND')
      expect(error.retryable).toBe(false)
      expect(error.message).toContain(journal)
      expect(error.message).toMatch(/no longer knows.*abandon this one \(--abandon-unfinished/)
    } finally {
      await client.close()
    }
  })
})

describe('Ctrl-C during the job wait costs one rerun, not two', () => {
  it('leaves the job running by default; a rerun with the same journal completes', async () => {
    const initial = itemRows(1, 20)
    const ds = await fx.datasource(initial)
    const rows = itemRows(200, 2200, 'ctrlc-')
    const journal = join(fx.dir, 'ctrl-c.journal')
    const client = await fx.signIn()
    const options = {
      client,
      datasource: { name: ds.name },
      batch: insertBatch(),
      rows: { changes: rows },
      maxSizeInMb: 1,
      journal,
    }
    try {
      const controller = new AbortController()
      fx.emu.faults.slowJobs({ extraDelayMs: 300, times: 1 })
      const { error, cause, report } = pushFailed(
        await pushChanges({
          ...options,
          signal: controller.signal,
          onProgress: (e) => e.type === 'submitted' && e.request === 1 && controller.abort(),
        }).catch((e: unknown) => e),
      )
      expect(cause.code).toBe('JOB_ABORTED')
      expect(cause.details).toMatchObject({ cancelRequested: false })
      expect(error.retryable).toBe(true)
      expect(report.requests.map((r) => r.outcome).slice(0, 2)).toEqual(['applied', 'interrupted'])
      expect((await readJournal(journal))!.requests[1]!.state).toBe('submitted')
      // The job was not cancelled: it runs to success on the server.
      await expect(client.waitForJob(report.requests[1]!.jobId!)).resolves.toMatchObject({ finishCode: 0 })

      const rerun = await pushChanges(options)
      expect(rerun.outcome).toBe('succeeded')
      expect(rerun.requests[0]!.outcome).toBe('already-applied')
      // The job left running is picked up, not sent again.
      expect(rerun.requests[1]!.jobId).toBe(report.requests[1]!.jobId)
      expect(rerun.requests[1]!.outcome).toBe('applied')
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })

  it('cancelOnAbort: true cancels the job (the old behaviour); the next rerun sends a new attempt', async () => {
    const initial = itemRows(1, 20)
    const ds = await fx.datasource(initial)
    const rows = itemRows(300, 30, 'cancel-')
    const journal = join(fx.dir, 'cancel-on-abort.journal')
    const client = await fx.signIn()
    const options = { client, datasource: { name: ds.name }, batch: insertBatch(), rows: { changes: rows }, journal }
    try {
      const controller = new AbortController()
      fx.emu.faults.slowJobs({ extraDelayMs: 1000, times: 1 })
      const { cause } = pushFailed(
        await pushChanges({
          ...options,
          cancelOnAbort: true,
          signal: controller.signal,
          onProgress: (e) => e.type === 'submitted' && controller.abort(),
        }).catch((e: unknown) => e),
      )
      expect(cause.code).toBe('JOB_ABORTED')
      expect(cause.details).toMatchObject({ cancelRequested: true })
      expect(await fx.rows(ds.name)).toEqual(byId(initial))
      // The first rerun meets the cancelled job, the second sends the next attempt.
      const first = pushFailed(await pushChanges(options).catch((e: unknown) => e))
      expect(first.cause.code).toBe('JOB_CANCELLED')
      const second = await pushChanges(options)
      expect(second.requests[0]).toMatchObject({ outcome: 'applied', attempt: 1 })
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId([...initial, ...rows]))
  })
})
