import { afterEach, describe, expect, it } from 'vitest'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { batch, defineTable, int64, pushChanges, TableauClient, text } from '../../../src/index.js'
import { verifyDatasource } from '../../../src/plan/verify-datasource.js'

// `verify` within the VizQL Data Service's limits, through the real client and the emulator: the queries it sends
// are the ones it reports; a spent quota (429000) or no API access (403800) is not-verified with the reason while
// the push itself succeeded; a large check is split into answers under the response cap.
const pat = { name: 'ci', secret: 's3cret-pat' }
const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })
let emu: Emulator | undefined
let client: TableauClient | undefined
afterEach(async () => {
  await client?.close()
  await emu?.close()
  client = undefined
  emu = undefined
})

const rows = (n: number, name: (i: number) => string = (i) => `name ${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: BigInt(i + 1), name: name(i + 1) }))

/** An emulator holding `initial` rows and a signed-in client (`realSleep`: Retry-After is really waited). */
async function setUp(personality: ServerPersonality = {}, initial = rows(2), realSleep = false) {
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }], personality })
  const ds = await emu.createDatasource({ name: 'Orders', table: orders, rows: initial })
  client = await TableauClient.signIn({
    server: emu.url,
    auth: { personalAccessToken: pat },
    ...(!realSleep && { sleep: async () => {} }),
  })
  return ds
}

/** An upsert of `upserts` and a delete of `gone`, pushed with `verify` (no schema check: no VDS query before). */
function pushWithVerify(datasource: string, upserts: { id: bigint; name: string }[], verify: object) {
  return pushChanges({
    client: client!,
    datasource: { id: datasource },
    schemaCheck: 'skip',
    batch: batch()
      .upsert({ source: orders.as('changes'), target: orders, on: ['id'] })
      .delete({ source: orders.pick('id').as('gone'), target: orders, on: ['id'] }),
    rows: { changes: upserts, gone: [{ id: 1n }] },
    verify: { key: 'id', present: upserts, absent: [1n], ...verify },
  })
}

describe('verify within the VizQL Data Service quota', () => {
  it('verified under the quota, with the queries it sent reported (the emulator served the same number)', async () => {
    const ds = await setUp({ vdsQueriesPerHour: 10 })
    const upserts = [
      { id: 2n, name: 'B' },
      { id: 3n, name: 'c' },
    ]
    const report = await pushWithVerify(ds.id, upserts, { rowCount: 2 })
    expect(report.outcome).toBe('succeeded')
    expect(report.verification).toMatchObject({ status: 'verified', queries: { planned: 3, sent: 3, budget: 20 } })
    expect(emu!.faults.vds.counters).toMatchObject({ served: 3, quotaExceeded: 0 })
  })

  it('quota spent (429000, Retry-After beyond the retry policy): not-verified with the reason, the push succeeded', async () => {
    const ds = await setUp({ vdsQueriesPerHour: 1 })
    const upserts = [{ id: 2n, name: 'B' }]
    const report = await pushWithVerify(ds.id, upserts, { rowCount: 1 })
    expect(report.outcome).toBe('succeeded')
    expect(await emu!.query('SELECT id, name FROM "Orders"."Extract"."Extract" ORDER BY id')).toEqual([
      { id: 2n, name: 'B' },
    ])
    const v = report.verification!
    expect(v.status).toBe('not-verified')
    expect(v.reasonCode).toBe('vds-quota-exceeded')
    expect(v.reason).toContain('429000')
    // The count ran before the quota was spent and is reported; the key checks are not claimed.
    expect(v.checks.map((c) => [c.check, c.ok])).toEqual([['rowCount', true]])
    expect(v.queries).toMatchObject({ planned: 3, sent: 2 })
    expect(emu!.faults.vds.counters).toMatchObject({ served: 1, quotaExceeded: 1 })
  })

  it('a short quota window: Retry-After is honoured and the check completes', async () => {
    const ds = await setUp({}, rows(2), true)
    emu!.faults.vds.quota({ queriesPerHour: 2, windowMs: 1000 })
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 2,
      table: orders,
      key: 'id',
      present: rows(2),
      absent: [9n],
    })
    expect(result).toMatchObject({ status: 'verified', queries: { planned: 3, sent: 3 } })
    expect(emu!.faults.vds.counters.quotaExceeded).toBeGreaterThan(0)
    expect(emu!.faults.vds.counters.served).toBe(3)
  }, 20_000)

  it('403800 (no API access): not-verified with the reason, the push succeeded, one query sent', async () => {
    const ds = await setUp({ vdsAccessDenied: true })
    const report = await pushWithVerify(ds.id, [{ id: 2n, name: 'B' }], { rowCount: 2 })
    expect(report.outcome).toBe('succeeded')
    expect(report.verification).toMatchObject({
      status: 'not-verified',
      reasonCode: 'vds-access-denied',
      checks: [],
      queries: { sent: 1 },
    })
    expect(report.verification!.reason).toContain('403800')
    expect(emu!.faults.vds.counters).toMatchObject({ served: 0, accessDenied: 1 })
  })

  it('the budget (maxQueries): what fits is checked, counts first, and the result is not-verified, never verified', async () => {
    const ds = await setUp()
    const present = rows(2)
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 2,
      table: orders,
      key: 'id',
      present,
      absent: [7n, 8n],
      keysPerQuery: 1,
      maxQueries: 2,
    })
    expect(result.status).toBe('not-verified')
    expect(result.reasonCode).toBe('query-budget')
    expect(result.queries).toEqual({ planned: 5, sent: 2, budget: 2 })
    expect(result.checks).toMatchObject([
      { check: 'rowCount', ok: true },
      { check: 'present', ok: true, partial: true, observed: 'all as pushed (1 of 2 checked)' },
    ])
    expect(emu!.faults.vds.counters.served).toBe(2)
  })

  it('a difference found before the budget ran out is a mismatch, not not-verified', async () => {
    const ds = await setUp()
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 5,
      table: orders,
      key: 'id',
      present: rows(2),
      maxQueries: 1,
    })
    expect(result).toMatchObject({ status: 'mismatch', reasonCode: 'query-budget', queries: { planned: 2, sent: 1 } })
  })
})

describe('verify under a response cap', () => {
  const long = (i: number) => `${'x'.repeat(200)} ${i}`

  it('a large check is split into answers each under a small client-side cap', async () => {
    const initial = rows(300, long)
    const ds = await setUp({}, initial)
    const maxResponseBytes = 20_000
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 300,
      table: orders,
      key: 'id',
      present: initial,
      maxResponseBytes,
      maxQueries: 100,
    })
    expect(result.status).toBe('verified')
    expect(result.queries!.sent).toBeGreaterThan(5)
    expect(result.queries!.sent).toBe(result.queries!.planned)
    expect(emu!.faults.vds.counters.largestAnswerBytes).toBeLessThanOrEqual(maxResponseBytes)
  })

  it('answers larger than planned are refused while read and asked for again in halves', async () => {
    // One row gives a short name and the others none: the plan counts every name that short, the stored ones are
    // long, so the capped read refuses the planned answers and each is asked for again in halves.
    const ds = await setUp({}, [{ id: 1n, name: 'a' }, ...rows(64, long).slice(1)])
    const maxResponseBytes = 4_000
    const present = [
      { id: 1n, name: 'a' },
      ...rows(64)
        .slice(1)
        .map(({ id }) => ({ id })),
    ]
    const result = await verifyDatasource(client!.vizql, ds.id, {
      table: orders,
      key: 'id',
      present,
      maxResponseBytes,
      maxQueries: 200,
    })
    expect(result.status).toBe('verified')
    expect(result.queries!.planned).toBeGreaterThan(4)
    expect(result.queries!.sent).toBe(result.queries!.planned)
    // The server did send answers over the cap: the client stopped reading them and asked again in halves.
    expect(emu!.faults.vds.counters.largestAnswerBytes).toBeGreaterThan(maxResponseBytes)
  })

  it("the server's own limit (400804) splits the key list the same way", async () => {
    const initial = rows(40, long)
    const ds = await setUp({}, initial)
    emu!.faults.vds.maxResponseBytes(3_000)
    const result = await verifyDatasource(client!.vizql, ds.id, {
      table: orders,
      key: 'id',
      present: initial,
      maxQueries: 100,
    })
    expect(result.status).toBe('verified')
    expect(emu!.faults.vds.counters.tooLarge).toBeGreaterThan(0)
    expect(result.queries!.planned).toBeGreaterThan(1)
    expect(result.queries!.sent).toBe(result.queries!.planned)
  })

  it('one key whose answer alone exceeds the cap: not-verified with reason response-cap', async () => {
    const ds = await setUp({}, [{ id: 1n, name: 'y'.repeat(5_000) }])
    const result = await verifyDatasource(client!.vizql, ds.id, {
      table: orders,
      key: 'id',
      present: [{ id: 1n, name: 'y'.repeat(5_000) }],
      maxResponseBytes: 1_000,
    })
    expect(result).toMatchObject({ status: 'not-verified', reasonCode: 'response-cap', checks: [] })
  })
})
