import { describe, expect, it } from 'vitest'
import { HyperdeltaError, runRequests } from '../../../src/index.js'
import { Journal, type JournalState } from '../../../src/plan/journal.js'
import type { PlannedRequest } from '../../../src/plan/plan-changes.js'
import { requestIdOf } from '../../../src/plan/run-requests.js'
import { FakeServer, NOW, request, target } from './fake-push-client.js'

// runRequests against a fake PushClient (fake-push-client.ts): journal moves, replays, retryable, bounds.

function journalOf(requests: PlannedRequest[], patch: Partial<JournalState['requests'][number]>[] = []) {
  const state: JournalState = {
    version: 1,
    runId: 'run',
    fingerprint: 'f',
    siteId: 'site',
    datasourceId: 'ds',
    createdAt: new Date(NOW).toISOString(),
    requests: requests.map((r, i) => ({
      index: r.index,
      state: 'pending',
      attempt: 0,
      requestId: requestIdOf('run', target, r, 0),
      updatedAt: '',
      ...patch[i],
    })),
  }
  return new Journal(state, async () => {})
}

async function run(server: FakeServer, requests: PlannedRequest[], journal = journalOf(requests), extra = {}) {
  const plan = { runId: 'run', requests, files: [], rows: 0, bytes: 0, warnings: [] }
  const result = await runRequests({ client: server, plan, journal, target, now: () => NOW, ...extra }).catch(
    (e: unknown) => e,
  )
  return { result, journal }
}

const failure = (e: unknown) => {
  expect(e).toBeInstanceOf(HyperdeltaError)
  const error = e as HyperdeltaError
  expect(error.code).toBe('PUSH_FAILED')
  return {
    error,
    cause: error.cause as HyperdeltaError,
    report: (error.details as { report?: unknown }).report as ReportShape,
  }
}
type ReportShape = { requests: { outcome: string; attempt: number; replayed?: { outcome: string; jobId: string }[] }[] }

describe('runRequests', () => {
  it('runs each request to completion in order and moves the journal', async () => {
    const server = new FakeServer()
    const requests = [request(0), request(1)]
    const { result, journal } = await run(server, requests)
    expect(server.calls).toEqual([
      'upload /tmp/file-0',
      expect.stringMatching(/^patch /),
      'wait job-1',
      'upload /tmp/file-1',
      expect.stringMatching(/^patch /),
      'wait job-2',
    ])
    expect((result as { requests: { outcome: string }[] }).requests.map((r) => r.outcome)).toEqual([
      'applied',
      'applied',
    ])
    expect(journal.state.requests.map((r) => [r.state, r.jobId])).toEqual([
      ['succeeded', 'job-1'],
      ['succeeded', 'job-2'],
    ])
    // by default the job is left running on abort
    expect(server.waitOptions[0]).toMatchObject({ cancelOnAbort: false })
  })

  it('skips succeeded requests and resumes a submitted one by waiting, without uploading or sending again', async () => {
    const server = new FakeServer()
    const requests = [request(0), request(1)]
    server.jobs.set('job-9', { id: 'job-9', outcome: 'success' })
    const journal = journalOf(requests, [
      { state: 'succeeded', jobId: 'job-0' },
      { state: 'submitted', jobId: 'job-9' },
    ])
    const { result } = await run(server, requests, journal)
    expect(server.calls).toEqual(['wait job-9'])
    expect((result as ReportShape).requests.map((r) => r.outcome)).toEqual(['already-applied', 'applied'])
  })

  it.each(['failed', 'cancelled'] as const)(
    'a PATCH answered with a job that had %s before it was sent is a replay: the next attempt is sent',
    async (outcome) => {
      const server = new FakeServer()
      const r = request(0)
      const old = server.earlierRun(r, 0, outcome)
      const { result, journal } = await run(server, [r])
      const report = result as ReportShape
      expect(report.requests[0]).toMatchObject({ outcome: 'applied', attempt: 1 })
      expect(report.requests[0]!.replayed).toEqual([expect.objectContaining({ jobId: old, outcome })])
      expect(journal.state.requests[0]).toMatchObject({ state: 'succeeded', attempt: 1 })
      expect(journal.state.requests[0]!.requestId).toBe(requestIdOf('run', target, r, 1))
      // the upload session is reused: the replayed PATCH was ignored by the server
      expect(server.calls.filter((c) => c.startsWith('upload'))).toHaveLength(1)
    },
  )

  it('a job created by an earlier run that then fails is a replay too (the PATCH answer showed no end yet)', async () => {
    const server = new FakeServer()
    const r = request(0)
    server.earlierRun(r, 0, 'failed', false)
    const { result } = await run(server, [r])
    expect((result as ReportShape).requests[0]).toMatchObject({ outcome: 'applied', attempt: 1 })
  })

  it('a PATCH answered with a job that had succeeded before is already applied, not sent again', async () => {
    const server = new FakeServer()
    const r = request(0)
    server.earlierRun(r, 0, 'success')
    const { result } = await run(server, [r])
    expect((result as ReportShape).requests[0]).toMatchObject({ outcome: 'already-applied', attempt: 0 })
  })

  it('a job of this run that fails stops the run; a rerun with the journal sends the next attempt', async () => {
    const server = new FakeServer()
    const requests = [request(0), request(1)]
    server.outcomes = ['success', 'failed']
    const { result, journal } = await run(server, requests)
    const { error, cause, report } = failure(result)
    expect(cause.code).toBe('JOB_FAILED')
    expect(error.retryable).toBe(true)
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied', 'failed'])
    expect(journal.state.requests[1]!.state).toBe('failed')
    const again = await run(server, requests, journal)
    expect((again.result as ReportShape).requests.map((r) => [r.outcome, r.attempt])).toEqual([
      ['already-applied', 0],
      ['applied', 1],
    ])
  })

  it.each<[string, (s: FakeServer) => void, string, boolean]>([
    [
      'a schema error in the job',
      (s) => {
        s.outcomes = ['schema-error']
      },
      'JOB_FAILED',
      false,
    ],
    [
      'a 413 on the PATCH',
      (s) => {
        s.patchError = new HyperdeltaError('API_ERROR', '413', { details: { status: 413 } as never })
      },
      'API_ERROR',
      false,
    ],
    [
      'a network failure',
      (s) => {
        s.patchError = new HyperdeltaError('NETWORK_ERROR', 'reset', { retryable: true, details: {} as never })
      },
      'NETWORK_ERROR',
      true,
    ],
    [
      'a cancelled job',
      (s) => {
        s.outcomes = ['cancelled']
      },
      'JOB_CANCELLED',
      true,
    ],
  ])('PUSH_FAILED.retryable follows its cause: %s', async (_, setup, code, retryable) => {
    const server = new FakeServer()
    setup(server)
    const { error, cause } = failure((await run(server, [request(0)])).result)
    expect(cause.code).toBe(code)
    expect(error.retryable).toBe(retryable)
  })

  it('a non-hyperdelta error is wrapped as PUSH_INTERRUPTED and not retryable', async () => {
    const server = new FakeServer()
    server.uploadFile = async () => {
      throw new TypeError('boom')
    }
    const { error, cause } = failure((await run(server, [request(0)])).result)
    expect(cause.code).toBe('PUSH_INTERRUPTED')
    expect(error.retryable).toBe(false)
  })

  it('bounds the attempts per request', async () => {
    const server = new FakeServer()
    const r = request(0)
    server.earlierRun(r, 0, 'failed')
    server.earlierRun(r, 1, 'cancelled')
    const { error, cause, report } = failure((await run(server, [r], undefined, { maxAttempts: 2 })).result)
    expect(cause.code).toBe('REQUEST_ATTEMPTS_EXHAUSTED')
    expect(error.retryable).toBe(false)
    expect(report.requests[0]!.outcome).toBe('failed')
    expect(report.requests[0]!.replayed?.map((p) => p.outcome)).toEqual(['failed', 'cancelled'])
  })

  it('a journal holding a job the server no longer knows stops with JOB_NOT_FOUND naming the journal', async () => {
    const server = new FakeServer()
    const r = request(0)
    const journal = journalOf([r], [{ state: 'submitted', jobId: 'gone' }])
    const plan = { runId: 'run', requests: [r], files: [], rows: 0, bytes: 0, warnings: [] }
    const result = await runRequests({ client: server, plan, journal, journalPath: '/j/run.journal', target }).catch(
      (e: unknown) => e,
    )
    const { error, cause } = failure(result)
    expect(cause.code).toBe('JOB_NOT_FOUND')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('/j/run.journal')
    expect(error.message).toContain('abandon this one (--abandon-unfinished')
  })

  it('passes cancelOnAbort through to the job wait', async () => {
    const server = new FakeServer()
    await run(server, [request(0)], undefined, { cancelOnAbort: true })
    expect(server.waitOptions[0]).toMatchObject({ cancelOnAbort: true })
  })
})
