import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  batch,
  eq,
  gte,
  HyperdeltaError,
  isHyperdeltaError,
  type PushProgress,
  planChanges,
  pushChanges,
} from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import { type Fixture, itemRows, items, startFixture } from './emulator-fixture.js'

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

const changes = items.as('changes')
const gone = items.pick('id').as('gone')
const byId = (rows: { id: bigint; body: string }[]) =>
  [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

/** Throws from the progress callback at the chosen event: the process "dies" right there. */
function crashAt(match: (e: PushProgress) => boolean) {
  return (e: PushProgress) => {
    if (match(e)) throw new Error('simulated crash')
  }
}

describe('pushChanges against the emulator', () => {
  it('upserts and deletes a change set spanning several files under a 1 MB limit; the table equals the expected rows', async () => {
    const initial = itemRows(1, 2000)
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: initial })
    const upserts = [...itemRows(1500, 2500, 'v2-')] // 500 updated (1500..1999), 2000 new (2000..3999)
    const deletes = Array.from({ length: 300 }, (_, i) => ({ id: BigInt(1 + i * 2) }))
    const events: PushProgress[] = []
    const report = await pushChanges({
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch()
        .upsert({ source: changes, target: items, on: ['id'] })
        .delete({ source: gone, target: items, on: ['id'] }),
      rows: { changes: upserts, gone: deletes },
      maxSizeInMb: 1,
      runId: 'items-1',
      onProgress: (e) => events.push(e),
    })
    const upsertFiles = report.requests.filter((r) => r.payload?.table === 'changes')
    expect(upsertFiles.length).toBeGreaterThan(1)
    for (const r of report.requests) expect(r.payload!.bytes).toBeLessThanOrEqual(950_000)
    expect(report.requests.every((r) => r.outcome === 'applied')).toBe(true)
    expect(report.warnings.join(' ')).toMatch(/not/)
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['packaging', 'planned', 'upload', 'submitted', 'request-done', 'done']),
    )

    const expected = new Map(initial.map((r) => [r.id, r]))
    for (const r of upserts) expected.set(r.id, r)
    for (const d of deletes) expected.delete(d.id)
    expect(await fx.rows('Items')).toEqual(byId([...expected.values()]))
  })

  it('replaces across several files (replace, then insert) and warns that it is not atomic', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 50) })
    const fresh = itemRows(10_000, 3000)
    const report = await pushChanges({
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().replace({ source: changes, target: items }),
      rows: { changes: fresh },
      maxSizeInMb: 1,
    })
    expect(report.requests.map((r) => r.actions[0]!.action)).toEqual([
      'replace',
      ...report.requests.slice(1).map(() => 'insert'),
    ])
    expect(report.requests.length).toBeGreaterThan(1)
    expect(report.warnings.join(' ')).toMatch(/replace runs on the first file and insert on the rest/)
    expect(await fx.rows('Items')).toEqual(fresh)
  })

  it('sends a constant-only delete with the first file and no payload when alone', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 100) })
    const plan = await planChanges({
      batch: batch()
        .delete({ target: items, where: (t) => gte(t.id, 51) })
        .insert({ source: changes, target: items }),
      rows: { changes: itemRows(1000, 10) },
    })
    expect(plan.requests).toHaveLength(1)
    expect(plan.requests[0]!.actions.map((a) => a.action)).toEqual(['delete', 'insert'])
    await plan.dispose()
    const report = await pushChanges({
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().delete({ target: items, where: (t) => eq(t.body, 'nothing matches') }),
    })
    expect(report.requests).toHaveLength(1)
    expect(report.requests[0]!.payload).toBeUndefined()
  })

  it('resumes after a crash between requests: inserts (not idempotent) land exactly once', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    const rows = itemRows(1, 4000)
    const journal = join(fx.dir, 'insert.journal')
    const options = {
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().insert({ source: changes, target: items }),
      rows: { changes: rows },
      maxSizeInMb: 1,
      journal,
    }
    const crash = await pushChanges({
      ...options,
      onProgress: crashAt((e) => e.type === 'request-done' && e.request === 0),
    }).catch((e: unknown) => e)
    expect(crash).toBeInstanceOf(HyperdeltaError)
    expect((crash as HyperdeltaError).code).toBe('PUSH_FAILED')
    const state = await readJournal(journal)
    expect(state!.requests.map((r) => r.state)).toEqual(['succeeded', ...state!.requests.slice(1).map(() => 'pending')])

    const report = await pushChanges({ ...options, rows: { changes: itemRows(1, 4000) } })
    expect(report.requests[0]!.outcome).toBe('already-applied')
    expect(report.requests.slice(1).every((r) => r.outcome === 'applied')).toBe(true)
    expect(await fx.rows('Items')).toEqual(rows)
  })

  it('resumes after a crash right after the PATCH: waits for that job instead of sending it again', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    const rows = itemRows(1, 500)
    const journal = join(fx.dir, 'submitted.journal')
    const options = {
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().insert({ source: changes, target: items }),
      rows: { changes: rows },
      journal,
    }
    await expect(pushChanges({ ...options, onProgress: crashAt((e) => e.type === 'submitted') })).rejects.toThrow(
      /simulated crash/,
    )
    const state = await readJournal(journal)
    expect(state!.requests[0]).toMatchObject({ state: 'submitted', jobId: expect.any(String) })
    const events: PushProgress[] = []
    const report = await pushChanges({
      ...options,
      rows: { changes: itemRows(1, 500) },
      onProgress: (e) => events.push(e),
    })
    expect(events.some((e) => e.type === 'submitted' || e.type === 'upload')).toBe(false)
    expect(report.requests[0]).toMatchObject({ outcome: 'applied', jobId: state!.requests[0]!.jobId })
    expect(await fx.rows('Items')).toEqual(rows)
  })

  it('refuses to resume when the inputs changed', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    const journal = join(fx.dir, 'changed.journal')
    const options = {
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().insert({ source: changes, target: items }),
      journal,
    }
    await expect(
      pushChanges({ ...options, rows: { changes: itemRows(1, 10) }, onProgress: crashAt((e) => e.type === 'planned') }),
    ).rejects.toThrow()
    await expect(pushChanges({ ...options, rows: { changes: itemRows(1, 11) } })).rejects.toMatchObject({
      code: 'JOURNAL_MISMATCH',
    })
    expect(await fx.rows('Items')).toEqual([])
  })

  it('stops at a failed job with a report of what was applied, and a rerun retries only that request', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    const rows = itemRows(1, 4000)
    const journal = join(fx.dir, 'failed.journal')
    const options = {
      client: fx.client,
      datasource: { name: 'Items' },
      batch: batch().insert({ source: changes, target: items }),
      rows: { changes: rows },
      maxSizeInMb: 1,
      journal,
    }
    // The next job the emulator runs (request #0's) fails.
    fx.emu.faults.failJobs({ times: 1, notes: 'disk full (errorCode=12345)' })
    const error = await pushChanges(options).catch((e: unknown) => e)
    if (!isHyperdeltaError(error, 'PUSH_FAILED')) throw error
    const report = error.details.report
    expect(report.requests[0]!.outcome).toBe('failed')
    expect(report.requests[0]!.notes).toEqual([expect.stringContaining('disk full')])
    expect(report.requests.slice(1).every((r) => r.outcome === 'not-run')).toBe(true)
    expect(error.message).toMatch(/applied: none; not applied: #0, #1/)
    expect(await fx.rows('Items')).toEqual([])

    const again = await pushChanges({ ...options, rows: { changes: itemRows(1, 4000) } })
    expect(again.requests.every((r) => r.outcome === 'applied')).toBe(true)
    expect(await fx.rows('Items')).toEqual(rows)
  })
})
