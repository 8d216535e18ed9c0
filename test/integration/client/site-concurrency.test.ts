import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadParquetFiles, runNightlyCdc } from '../../../pipelines/index.js'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { batch, pushChanges, type SignInOptions, TableauClient, writeChangeFiles } from '../../../src/index.js'
import { silentLogger } from '../../../src/internal.js'
import { itemRows, items } from '../plan/emulator-fixture.js'

// The real client against the emulator, several data sources pushed at once in one process (the lanes of
// docs/scale.md, and the pipelines): the requests in flight on the site never exceed the client's limit, and when
// the server's limit is lower the client meets 429s, waits out Retry-After, and finishes.

const USERS = ['u1', 'u2', 'u3', 'u4'].map((name) => ({ name, password: `${name}-pw` }))
const LANES = ['A', 'B', 'C', 'D', 'E', 'F']

let dir: string
let emu: Emulator
const clients: TableauClient[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-site-limit-'))
  emu = await startEmulator({ dataDir: join(dir, 'emu'), jobDelayMs: 5, users: USERS })
  for (const name of LANES) await emu.createDatasource({ name, table: items, rows: itemRows(1, 20, name) })
})
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

/** A client of user `n`; waits are shortened fifty-fold (a Retry-After of 1 s sleeps 20 ms). */
async function client(n: number, options: Partial<SignInOptions> = {}): Promise<TableauClient> {
  const user = USERS[n]!
  const c = await TableauClient.signIn({
    server: emu.url,
    site: '',
    auth: { password: { username: user.name, password: user.password } },
    sleep: (ms, signal) => delay(ms / 50, undefined, signal ? { signal } : undefined),
    ...options,
  })
  clients.push(c)
  return c
}

/** The lanes of docs/scale.md: every data source pushed at once through `c`, each with its own state dir. */
async function pushLanes(c: TableauClient): Promise<string[]> {
  const upsert = batch().upsert({ source: items.as('changes'), target: items, on: ['id'] })
  const reports = await Promise.all(
    LANES.map((name) =>
      pushChanges({
        client: c,
        datasource: { name },
        batch: upsert,
        rows: { changes: itemRows(100, 30, name) },
        stateDir: join(dir, 'lanes', name),
      }),
    ),
  )
  return reports.flatMap((r) => r.requests.map((q) => q.outcome))
}

const most = () => emu.faults.concurrency.counters.maxInFlight[''] ?? 0

describe('requests in flight on one site, many pushes at once', () => {
  it('lanes through one client keep at most its maxConcurrentRequests in flight on the site', async () => {
    const c = await client(0, { maxConcurrentRequests: 3 })
    expect(await pushLanes(c)).toEqual(LANES.map(() => 'applied'))
    expect(most()).toBeLessThanOrEqual(3)
    expect(most()).toBeGreaterThanOrEqual(2) // the lanes did overlap
  })

  it('the pipelines, each with its own client, share one limit per site in the process', async () => {
    const options = { maxConcurrentRequests: 2 }
    const [a, b, c, d] = [await client(0, options), await client(1, options), await client(2), await client(3)]
    const parquet = join(dir, 'parquet')
    await mkdir(parquet)
    for (const [i, name] of ['C', 'D'].entries()) {
      const files = await writeChangeFiles(items.as('x'), itemRows(200, 40, name), { dir: parquet })
      await rename(files.files[0]!.path, join(parquet, `${name}-${i}.parquet`))
    }
    const cdc = (cl: TableauClient, name: string) =>
      runNightlyCdc({
        client: cl,
        datasource: { name },
        table: items,
        keys: ['id'],
        name: name.toLowerCase(),
        source: { snapshots: { previous: itemRows(1, 20, name), current: itemRows(5, 30, name) } },
        dir: join(dir, 'cdc'),
      })
    const load = (cl: TableauClient, name: string, i: number) =>
      loadParquetFiles({
        client: cl,
        datasource: { name },
        files: join(parquet, `${name}-${i}.parquet`),
        mode: 'upsert',
        keys: ['id'],
        target: items,
      })
    // c and d asked for the default (10): the site's limit is still the smallest open client's, 2.
    const [r1, r2, r3, r4] = await Promise.all([cdc(a, 'A'), cdc(b, 'B'), load(c, 'C', 0), load(d, 'D', 1)])
    expect([r1.push.outcome, r2.push.outcome]).toEqual(['succeeded', 'succeeded'])
    expect([...r3.requests, ...r4.requests].map((r) => r.outcome)).toEqual(['applied', 'applied'])
    expect(most()).toBeLessThanOrEqual(2)
    expect(most()).toBe(2)
  })

  it('a server limit below the client’s: the client meets 429s, honours Retry-After and finishes', async () => {
    emu.faults.concurrency.limit({ perSite: 2, retryAfterSeconds: 1 })
    const retries: string[] = []
    const logger = { ...silentLogger, info: (message: string) => retries.push(message) }
    const c = await client(0, { maxConcurrentRequests: 6, retry: { maxAttempts: 30 }, logger })
    expect(await pushLanes(c)).toEqual(LANES.map(() => 'applied'))
    expect(emu.faults.concurrency.counters.refused).toBeGreaterThan(0)
    const waits = retries.filter((m) => m.includes('HTTP 429 (429000)'))
    expect(waits.length).toBeGreaterThan(0)
    expect(waits.every((m) => m.includes('retrying in 1 s'))).toBe(true)
    expect(most()).toBe(2)
  })

  it('a server limit equal to the client’s: not one 429', async () => {
    emu.faults.concurrency.limit({ perSite: 3, retryAfterSeconds: 1 })
    const c = await client(0, { maxConcurrentRequests: 3 })
    expect(await pushLanes(c)).toEqual(LANES.map(() => 'applied'))
    expect(emu.faults.concurrency.counters.refused).toBe(0)
    expect(most()).toBeLessThanOrEqual(3)
  })
})
