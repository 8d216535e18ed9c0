import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { defineTable, HyperdeltaError, int64, TableauClient, text } from '../../../src/index.js'

// The real client against the real emulator over loopback HTTP; results read back with DuckDB.
const users = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })
const pat = { name: 'ci', secret: 's3cret-pat' }
const app = { clientId: 'client-1', secretId: 'secret-1', secretValue: 'app-secret-value-0123456789' }
let dir: string
let emu: Emulator
let payload: string
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 } }

async function parquet(file: string, sql: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`)
  connection.closeSync()
  instance.closeSync()
  return file
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-client-emu-'))
  emu = await startEmulator({
    port: 0,
    dataDir: join(dir, 'emu'),
    jobDelayMs: 5,
    users: [{ name: 'admin', password: 'pw-123', pat, connectedApp: app }],
  })
  await emu.createDatasource({ name: 'Users', table: users, rows: [{ id: 1n, name: 'old' }] })
  await emu.createDatasource({ name: 'Multi', table: users, rows: [], connections: 2 })
  payload = await parquet(
    join(dir, 'changes.parquet'),
    "SELECT i::BIGINT AS id, 'user-' || i AS name FROM range(1, 2001) t(i)",
  )
})
afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})
afterEach(() => emu.faults.clear())

const signIn = (auth: Parameters<typeof TableauClient.signIn>[0]['auth'] = { personalAccessToken: pat }) =>
  TableauClient.signIn({ server: emu.url, site: '', auth, ...noWait })

const upsert = (requestId: string) => ({
  actions: {
    actions: [
      {
        action: 'upsert' as const,
        'source-table': 'changes',
        'target-schema': 'Extract',
        'target-table': 'Extract',
        condition: { op: 'eq' as const, 'target-col': 'id', 'source-col': 'id' },
      },
    ],
  },
  requestId,
})

describe('TableauClient against the emulator', () => {
  it.each([
    ['PAT', { personalAccessToken: pat }],
    ['password', { password: { username: 'admin', password: 'pw-123' } }],
    ['connected-app JWT', { jwt: { ...app, username: 'admin' } }],
  ])('signs in with %s, finds the data source and signs out', async (_, auth) => {
    const client = await signIn(auth as never)
    expect(client.apiVersion).toBe('3.24')
    const ds = await client.findDatasource({ name: 'Users' })
    expect(ds.name).toBe('Users')
    expect(await client.resolveConnection(ds.id)).toBeUndefined()
    await client.close()
  })

  it('uploads in several parts, PATCHes, waits, and the rows land exactly once', async () => {
    const client = await signIn()
    try {
      const ds = await client.findDatasource({ name: 'Users' })
      const progress: number[] = []
      const { uploadSessionId, bytes } = await client.uploadFile(payload, {
        partSizeBytes: 4096,
        onProgress: (p) => progress.push(p.part),
      })
      expect(progress.length).toBe(Math.ceil(bytes / 4096))
      const job = await client.updateData({ datasource: ds.id, uploadSessionId, ...upsert('rid-upsert-1') })
      expect(job.type).toBe('UpdateUploadedFile')
      const done = await client.waitForJob(job.id, { timeoutMs: 30_000 })
      expect(done.finishCode).toBe(0)
      // The same RequestID again: the server answers with the original job and applies nothing.
      const again = await client.updateData({ datasource: ds.id, payload, ...upsert('rid-upsert-1') })
      expect(again.id).toBe(job.id)
      const [row] = await emu.query(
        'SELECT count(*) AS n, count(DISTINCT id) AS d, max(name) AS m FROM "Users"."Extract"."Extract"',
      )
      expect(row).toEqual({ n: 2000n, d: 2000n, m: 'user-999' })
    } finally {
      await client.close()
    }
  })

  it('rides out 429 with Retry-After and 503 on every route, a reset mid-append and an expired token', async () => {
    const client = await signIn()
    try {
      const ds = await client.findDatasource({ name: 'Users' })
      for (const route of ['initiateUpload', 'appendUpload', 'updateData', 'queryJob'] as const) {
        emu.faults.respondWith({ status: 429, route, times: 2, retryAfterSeconds: 0 })
        emu.faults.respondWith({ status: 503, route, times: 1 })
      }
      emu.faults.resetAppend({ afterBytes: 3000, times: 1 })
      emu.faults.expireTokensAfter(3)
      const job = await client.updateData({ datasource: ds.id, payload, ...upsert('rid-faults-1') })
      await client.waitForJob(job.id, { timeoutMs: 30_000 })
      expect(emu.faults.counters).toMatchObject({ responses429: 8, responses503: 4, appendResets: 1, tokenExpiries: 1 })
      const [row] = await emu.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM "Users"."Extract"."Extract"')
      expect(row).toEqual({ n: 2000n, d: 2000n })
    } finally {
      await client.close()
    }
  })

  it('reports a failing job with its notes and a cancelled job by name', async () => {
    const client = await signIn()
    try {
      const ds = await client.findDatasource({ name: 'Users' })
      emu.faults.failJobs({ times: 1, notes: 'disk on fire (errorCode=999)' })
      const failed = await client.updateData({ datasource: ds.id, payload, ...upsert('rid-fail-1') })
      const error = await client.waitForJob(failed.id).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(HyperdeltaError)
      expect(error).toMatchObject({
        code: 'JOB_FAILED',
        details: { finishCode: 1, notes: [expect.stringContaining('disk on fire')] },
      })
      emu.faults.cancelJobs({ times: 1 })
      const cancelled = await client.updateData({ datasource: ds.id, payload, ...upsert('rid-cancel-1') })
      await expect(client.waitForJob(cancelled.id)).rejects.toMatchObject({ code: 'JOB_CANCELLED' })
    } finally {
      await client.close()
    }
  })

  it('names schema mistakes from the job notes (410012) and refuses /data on several connections', async () => {
    const client = await signIn()
    try {
      const ds = await client.findDatasource({ name: 'Users' })
      const bad = { ...upsert('rid-missing-table') }
      bad.actions.actions[0]!['target-table'] = 'Nope'
      const job = await client.updateData({ datasource: ds.id, payload, ...bad })
      await expect(client.waitForJob(job.id)).rejects.toMatchObject({
        code: 'JOB_FAILED',
        details: { notes: [expect.stringMatching(/Extract\.Nope.*410012/)] },
      })
      const multi = await client.findDatasource({ name: 'Multi' })
      await expect(client.resolveConnection(multi.id)).rejects.toMatchObject({ code: 'CONNECTION_REQUIRED' })
      await expect(client.findDatasource({ name: 'Nope' })).rejects.toMatchObject({ code: 'DATASOURCE_NOT_FOUND' })
    } finally {
      await client.close()
    }
  })

  it('fails sign-in with wrong credentials and never shows the secret', async () => {
    const error = await signIn({ personalAccessToken: { name: 'ci', secret: 'wrong-secret-xyz' } }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'AUTH_FAILED' })
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain('wrong-secret-xyz')
  })
})
