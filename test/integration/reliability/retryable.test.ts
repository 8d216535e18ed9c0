import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { batch, pushChanges } from '../../../src/index.js'
import { byId, changes, type Fixture, insertBatch, itemRows, items, pushFailed, startFixture } from './helpers.js'

// PUSH_FAILED.retryable tells the truth: it follows its cause. A request that will fail the same way
// again (a schema error, a payload over the server's limit) is not retryable; one that may pass is.

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})
afterEach(() => fx.emu.faults.clear())

describe('PUSH_FAILED.retryable follows its cause', () => {
  it('a job failing with a schema error is not retryable; nothing is applied', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const missing = items.as('NoSuchTable')
    const client = await fx.signIn()
    try {
      const { error, cause, report } = pushFailed(
        await pushChanges({
          client,
          datasource: { name: ds.name },
          batch: batch().insert({ source: changes, target: missing }),
          rows: { changes: itemRows(20, 5) },
        }).catch((e: unknown) => e),
      )
      expect(cause.code).toBe('JOB_FAILED')
      expect(report.requests[0]!.notes?.join(' ')).toContain('errorCode=410012')
      expect(error.retryable).toBe(false)
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })

  it('a job failing without a request error is retryable', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const client = await fx.signIn()
    try {
      fx.emu.faults.failJobs({ times: 1, notes: 'disk quota exceeded' })
      const { error } = pushFailed(
        await pushChanges({
          client,
          datasource: { name: ds.name },
          batch: insertBatch(),
          rows: { changes: itemRows(20, 5) },
        }).catch((e: unknown) => e),
      )
      expect(error.retryable).toBe(true)
    } finally {
      await client.close()
    }
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })

  it('a payload over the server limit (413) is not retryable', async () => {
    const small = await startFixture({ maxSizeInMb: 1 })
    try {
      const initial = itemRows(1, 10)
      const ds = await small.datasource(initial)
      const client = await small.signIn()
      try {
        const { error, cause, report } = pushFailed(
          await pushChanges({
            client,
            datasource: { name: ds.name },
            batch: insertBatch(),
            rows: { changes: itemRows(100, 2500) },
            maxSizeInMb: 10,
          }).catch((e: unknown) => e),
        )
        expect(cause.code).toBe('API_ERROR')
        expect((cause.details as { status?: number }).status).toBe(413)
        expect(error.retryable).toBe(false)
        expect(report.requests[0]!.outcome).toBe('interrupted')
      } finally {
        await client.close()
      }
      expect(await small.rows(ds.name)).toEqual(byId(initial))
    } finally {
      await small.close()
    }
  })
})
