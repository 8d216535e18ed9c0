import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { expect } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import {
  batch,
  defineTable,
  HyperdeltaError,
  int64,
  isHyperdeltaError,
  type Logger,
  type PushReport,
  type RowOf,
  TableauClient,
  text,
} from '../../../src/index.js'

// Shared by the reliability suite: an emulator over loopback, a client whose retries barely sleep,
// deterministic rows, and a row-by-row read-back of a data source's table.

/** The target table of every reliability case: an id and an incompressible text column. */
export const items = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), body: text() })
export type Item = RowOf<typeof items>
/** The source table of the change rows (same columns). */
export const changes = items.as('changes')

/** The two batches most cases push: `changes` upserted by id, or inserted. */
export const upsertBatch = () => batch().upsert({ source: changes, target: items, on: ['id'] })
export const insertBatch = () => batch().insert({ source: changes, target: items })

/** Asserts a PUSH_FAILED and hands back its cause and the report of what was applied. */
export function pushFailed(error: unknown): { error: HyperdeltaError; cause: HyperdeltaError; report: PushReport } {
  expect(error).toBeInstanceOf(HyperdeltaError)
  expect((error as HyperdeltaError).code).toBe('PUSH_FAILED')
  if (!isHyperdeltaError(error, 'PUSH_FAILED')) throw error
  return { error, cause: error.cause as HyperdeltaError, report: error.details.report }
}

export const PAT = { name: 'rel-ci', secret: 'rel-pat-secret-9f8e7d6c5b4a' }
export const PASSWORD = { username: 'admin', password: 'rel-password-0a1b2c3d' }

/**
 * Rows with a pseudo-random body (about 1.2 kB each, compresses badly): about 750 rows fill a 1 MB
 * change file, so a couple of thousand rows need several files.
 */
export function itemRows(from: number, count: number, tag = ''): Item[] {
  let seed = (from * 7919 + tag.length * 104_729) % 2147483648
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed
  }
  return Array.from({ length: count }, (_, i) => ({
    id: BigInt(from + i),
    body: tag + Array.from({ length: 200 }, () => next().toString(36).padStart(6, '0')).join(''),
  }))
}

/** Rows ordered by id, as the read-back returns them. */
export function byId(rows: Iterable<Item>): Item[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Applies upserts then deletes to a starting set, the way the server should. */
export function expectedAfter(initial: readonly Item[], upserts: readonly Item[], deletes: readonly bigint[] = []) {
  const m = new Map(initial.map((r) => [r.id, r]))
  for (const r of upserts) m.set(r.id, r)
  for (const id of deletes) m.delete(id)
  return byId(m.values())
}

export interface Fixture {
  dir: string
  emu: Emulator
  /** A client with tiny retry/conflict delays (the emulator's 429s carry Retry-After 0 here). */
  signIn(logger?: Logger): Promise<TableauClient>
  /** Every row of a data source's table ordered by id. */
  rows(alias: string): Promise<Item[]>
  /** A fresh data source with `rows`; returns its name (unique per call). */
  datasource(rows: readonly Item[], options?: { connections?: number }): Promise<{ name: string; id: string }>
  close(): Promise<void>
}

let counter = 0

/** The job waiter polls after 500 ms, 700 ms, …: compressed here so the suite stays fast (order is kept). */
export const fastSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(Math.min(ms, 20), undefined, signal ? { signal } : {})

/** Starts an emulator (jobDelayMs 5) in a temp dir. */
export async function startFixture(options: { logger?: Logger; maxSizeInMb?: number } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-rel-'))
  const emu = await startEmulator({
    port: 0,
    dataDir: join(dir, 'emu'),
    jobDelayMs: 5,
    ...(options.maxSizeInMb !== undefined && { maxSizeInMb: options.maxSizeInMb }),
    users: [{ name: 'admin', password: PASSWORD.password, pat: PAT }],
    ...(options.logger && { logger: options.logger }),
  })
  return {
    dir,
    emu,
    signIn: (logger) =>
      TableauClient.signIn({
        server: emu.url,
        site: '',
        auth: { personalAccessToken: PAT },
        retry: { baseDelayMs: 1, maxDelayMs: 10, conflictDelayMs: 10 },
        sleep: fastSleep,
        ...(logger && { logger }),
      }),
    rows: async (alias) =>
      (await emu.query(`SELECT id, body FROM "${alias}"."Extract"."Extract" ORDER BY id`)) as Item[],
    datasource: async (rows, o = {}) => {
      const name = `Items${++counter}`
      const ds = await emu.createDatasource({ name, table: items, rows, ...o })
      return { name, id: ds.id }
    },
    close: async () => {
      await emu.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
