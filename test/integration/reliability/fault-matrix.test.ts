import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_NAMES, type RouteName } from '../../../src/emulator/index.js'
import { HyperdeltaError, type PushReport, pushChanges, TableauClient, writeChangeFiles } from '../../../src/index.js'
import { ENDPOINTS } from '../../../src/wire.js'
import {
  byId,
  changes,
  expectedAfter,
  type Fixture,
  insertBatch,
  itemRows,
  PAT,
  startFixture,
  upsertBatch,
} from './helpers.js'

// Every fault ends the same way: the table equals the expected rows — nothing lost, nothing doubled.
let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})
afterEach(() => fx.emu.faults.clear())

/** Routes a push (sign-in → find → upload → PATCH → wait → sign-out) never calls: nothing to fault there. */
const NOT_ON_PUSH_PATH: readonly RouteName[] = [
  'publishDatasource',
  'cancelJob',
  'queryJobs',
  ...ROUTE_NAMES.filter((r) => ['virtual-connection', 'directory'].includes(ENDPOINTS[r].resource)),
  'updateDatasource',
  'deleteDatasource',
  'updateConnection',
  'refreshDatasource',
  'downloadDatasource',
  'addTags',
  'deleteTag',
  'listRevisions',
  'downloadRevision',
  'removeRevision',
  'retrieveKeychain',
  'applyKeychain',
]

/** How each route is reached: updateConnectionData needs a data source with several connections. */
const onPushPath = ROUTE_NAMES.filter((r) => !NOT_ON_PUSH_PATH.includes(r))

describe('fault matrix: pushChanges end to end against the emulator', () => {
  it('covers every emulator route a push uses (the rest are listed and not on the path)', () => {
    expect([...onPushPath, ...NOT_ON_PUSH_PATH].sort()).toEqual([...ROUTE_NAMES].sort())
  })

  it.each(onPushPath)('rides out a burst of 429 (Retry-After) and 503 on %s', async (route) => {
    const initial = itemRows(1, 300)
    const connections = route === 'updateConnectionData' ? 2 : 1
    const ds = await fx.datasource(initial, { connections })
    const before = { ...fx.emu.faults.counters }
    // Sign-out tries twice by design (a token left behind expires on its own): a burst of one there.
    const burst = route === 'signOut' ? { 429: 1, 503: 0 } : { 429: 2, 503: 1 }
    fx.emu.faults.respondWith({ status: 429, route, times: burst[429], retryAfterSeconds: 0 })
    fx.emu.faults.respondWith({ status: 503, route, times: burst[503] })
    // queryDatasource is reached by id; queryDatasources by name.
    const byIdLookup = route === 'queryDatasource'
    const client = await fx.signIn()
    const upserts = itemRows(200, 1500, 'v2-')
    let report: PushReport
    try {
      const connection =
        connections > 1 ? (await client.listConnections(ds.id)).map((c) => c.id)[1] : (undefined as string | undefined)
      report = await pushChanges({
        client,
        datasource: byIdLookup ? { id: ds.id } : { name: ds.name },
        ...(connection && { connection }),
        batch: upsertBatch(),
        rows: { changes: upserts },
        maxSizeInMb: 1,
      })
    } finally {
      await client.close()
    }
    expect(report.requests.length).toBeGreaterThan(1)
    expect(report.requests.every((r) => r.outcome === 'applied')).toBe(true)
    expect(fx.emu.faults.counters.responses429 - before.responses429).toBe(burst[429])
    expect(fx.emu.faults.counters.responses503 - before.responses503).toBe(burst[503])
    expect(await fx.rows(ds.name)).toEqual(expectedAfter(initial, upserts))
  })

  it('survives 429/503 on every route at once, a reset in the middle of an append and a token expiry', async () => {
    const ds = await fx.datasource([])
    // A push by name on a one-connection data source uses every route but these two.
    const used = onPushPath.filter((r) => r !== 'queryDatasource' && r !== 'updateConnectionData')
    for (const route of used) {
      fx.emu.faults.respondWith({ status: 429, route, times: 1, retryAfterSeconds: 0 })
      if (route !== 'signOut') fx.emu.faults.respondWith({ status: 503, route, times: 1 })
    }
    const before = { ...fx.emu.faults.counters }
    const client = await fx.signIn()
    fx.emu.faults.resetAppend({ afterBytes: 200_000, times: 2 })
    fx.emu.faults.expireTokensAfter(6)
    const rows = itemRows(1, 2000)
    try {
      await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: insertBatch(),
        rows: { changes: rows },
        maxSizeInMb: 1,
      })
    } finally {
      await client.close()
    }
    expect(fx.emu.faults.counters.appendResets - before.appendResets).toBe(2)
    expect(fx.emu.faults.counters.tokenExpiries - before.tokenExpiries).toBe(1)
    expect(fx.emu.faults.counters.responses429 - before.responses429).toBe(used.length)
    // Inserts are not idempotent: a doubled append or a repeated PATCH would show as extra rows.
    expect(await fx.rows(ds.name)).toEqual(byId(rows))
  })

  it('restarts the upload after a connection reset in the middle of an append; inserts land once', async () => {
    const ds = await fx.datasource([])
    const client = await fx.signIn()
    const before = fx.emu.faults.counters.appendResets
    fx.emu.faults.resetAppend({ afterBytes: 300_000, times: 1 })
    const rows = itemRows(1, 700)
    try {
      await pushChanges({ client, datasource: { name: ds.name }, batch: insertBatch(), rows: { changes: rows } })
    } finally {
      await client.close()
    }
    expect(fx.emu.faults.counters.appendResets - before).toBe(1)
    expect(await fx.rows(ds.name)).toEqual(byId(rows))
  })

  it('signs in again when the token expires in the middle of a multi-request run', async () => {
    const initial = itemRows(1, 500)
    const ds = await fx.datasource(initial)
    const client = await fx.signIn()
    const before = fx.emu.faults.counters.tokenExpiries
    fx.emu.faults.expireTokensAfter(8)
    const upserts = itemRows(400, 3200, 'v3-')
    try {
      const report = await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: upsertBatch(),
        rows: { changes: upserts },
        maxSizeInMb: 1,
      })
      expect(report.requests.length).toBeGreaterThan(2)
    } finally {
      await client.close()
    }
    expect(fx.emu.faults.counters.tokenExpiries - before).toBe(1)
    expect(await fx.rows(ds.name)).toEqual(expectedAfter(initial, upserts))
  })

  it.each([
    ['failing', 'JOB_FAILED', 'failed'],
    ['cancelled', 'JOB_CANCELLED', 'cancelled'],
  ] as const)(
    'stops at a %s job with a clear error; that request applied nothing; a rerun with the journal completes',
    async (_, code, outcome) => {
      const ds = await fx.datasource([])
      const rows = itemRows(1, 3200)
      const journal = join(fx.dir, `${outcome}.journal`)
      const client = await fx.signIn()
      const options = {
        client,
        datasource: { name: ds.name },
        batch: insertBatch(),
        rows: { changes: rows },
        maxSizeInMb: 1,
        runId: `run-${outcome}`,
        journal,
      }
      try {
        // Let request #0 through, then make the job of request #1 end badly.
        let submitted = 0
        const error = await pushChanges({
          ...options,
          onProgress: (e) => {
            if (e.type === 'request-done' && e.request === 0) {
              if (code === 'JOB_FAILED')
                fx.emu.faults.failJobs({ times: 1, notes: 'disk quota exceeded (errorCode=507)' })
              else fx.emu.faults.cancelJobs({ times: 1 })
            }
            if (e.type === 'submitted') submitted++
          },
        }).catch((e: unknown) => e)
        expect(submitted).toBe(2)
        expect(error).toBeInstanceOf(HyperdeltaError)
        const e = error as HyperdeltaError
        expect(e.code).toBe('PUSH_FAILED')
        expect((e.cause as HyperdeltaError).code).toBe(code)
        expect(e.message).toMatch(new RegExp(`request #1 of \\d+ ${outcome}.*applied: #0;`))
        const report = (e.details as { report: PushReport }).report
        expect(report.requests.map((r) => r.outcome).slice(0, 3)).toEqual(['applied', outcome, 'not-run'])
        if (code === 'JOB_FAILED') {
          expect(e.message).toContain('disk quota exceeded')
          expect(report.requests[1]!.notes).toEqual([expect.stringContaining('disk quota exceeded (errorCode=507)')])
        }
        // Exactly the first file's rows are in: the failed/cancelled request wrote nothing.
        const firstRows = report.requests[0]!.payload!.rows
        expect(await fx.rows(ds.name)).toEqual(byId(rows.slice(0, firstRows)))

        const rerun = await pushChanges(options)
        expect(rerun.requests[0]!.outcome).toBe('already-applied')
        expect(rerun.requests.slice(1).every((r) => r.outcome === 'applied')).toBe(true)
      } finally {
        await client.close()
      }
      expect(await fx.rows(ds.name)).toEqual(byId(rows))
    },
  )

  it('waits while another update job holds the data source (409094), then succeeds', async () => {
    const initial = itemRows(1, 100)
    const ds = await fx.datasource(initial)
    const other = await fx.signIn()
    const client = await fx.signIn()
    try {
      // Someone else's slow job on the same data source: it inserts rows 5000..5049.
      // Long enough that our PATCH arrives while it is queued, even on a loaded machine.
      fx.emu.faults.slowJobs({ extraDelayMs: 3000, times: 1 })
      // A predicate that never fires a fault, only counts the PATCHes that reach the emulator.
      let patches = 0
      fx.emu.faults.respondWith({
        status: 503,
        times: Number.POSITIVE_INFINITY,
        route: (r) => {
          if (r.route === 'updateData') patches++
          return false
        },
      })
      const theirs = itemRows(5000, 50, 'theirs-')
      const files = await writeChangeFiles(changes, theirs, { dir: fx.dir })
      const job = await other.updateData({
        datasource: ds.id,
        payload: files.files[0]!.path,
        actions: insertBatch().compile(),
        requestId: 'someone-else-1',
      })
      const ours = itemRows(50, 100, 'ours-')
      const report = await pushChanges({
        client,
        datasource: { name: ds.name },
        batch: upsertBatch(),
        rows: { changes: ours },
      })
      expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
      // Theirs, ours answered 409094 (their job was still queued), then ours again after it finished.
      expect(patches).toBeGreaterThanOrEqual(3)
      expect((await other.getJob(job.id)).finishCode).toBe(0)
      await files.dispose()
      expect(await fx.rows(ds.name)).toEqual(expectedAfter(initial, [...theirs, ...ours]))
    } finally {
      await other.close()
      await client.close()
    }
  })

  it('a wrong PAT secret fails sign-in and never reaches the data source', async () => {
    const initial = itemRows(1, 10)
    const ds = await fx.datasource(initial)
    const error = await TableauClient.signIn({
      server: fx.emu.url,
      auth: { personalAccessToken: { name: PAT.name, secret: 'not-the-secret' } },
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'AUTH_FAILED' })
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })
})
