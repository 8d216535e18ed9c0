// hyperdelta/testing used the way a user tests a nightly job with vitest: seed, run the job, read back, faults.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isHyperdeltaError, readParquetRows } from '../../../src/index.js'
import { startTestEmulator } from '../../../src/testing/index.js'
import { childEnv, repoRoot } from '../../helpers/spawn-cli.js'
import { type Order, orders, runNightlyJob } from './nightly-job.js'

const seeded: Order[] = [
  { id: 2n ** 62n, customer: 'Globex', amount: null, updated_at: '1969-12-31T23:59:59.999999Z' },
  { id: 1n, customer: 'ACME', amount: 10.5, updated_at: null },
]
/**
 * Runs `work` with a private TMPDIR (tmpdir() reads it on every call) and returns what is left in it: other test
 * files of the run share the run's temp dir, so only a private one tells what this helper left.
 */
async function leftInTmp(work: () => Promise<void>): Promise<string[]> {
  const previous = process.env.TMPDIR
  const dir = await mkdtemp(join(tmpdir(), 'testing-helper-'))
  process.env.TMPDIR = dir
  try {
    await work()
  } finally {
    process.env.TMPDIR = previous
  }
  const left = await readdir(dir)
  if (left.length === 0) await rmdir(dir)
  return left
}

const us = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n

describe('startTestEmulator', () => {
  it('seeds from rows, hands the job its credentials and reads the result back with exact values', async () => {
    await using emu = await startTestEmulator({ datasources: { Orders: { table: orders, rows: seeded } } })
    expect(emu.env).toEqual({
      TABLEAU_SERVER: emu.url,
      TABLEAU_SITE: '',
      TABLEAU_PAT_NAME: 'hyperdelta-test',
      TABLEAU_PAT_SECRET: expect.stringMatching(/^[\w-]{20,}$/),
    })
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await emu.rows('Orders')).toEqual([
      { id: 1n, customer: 'ACME', amount: 10.5, updated_at: null },
      { id: 2n ** 62n, customer: 'Globex', amount: null, updated_at: -1n },
    ])

    const report = await runNightlyJob({ ...process.env, ...emu.env }, [
      { id: 1n, customer: 'ACME', amount: 11, updated_at: '2024-03-02T08:30:00.123456Z' },
      { id: 3n, customer: 'Initech', amount: 12, updated_at: new Date('2025-01-01T00:00:00Z') },
    ])
    expect(report.outcome).toBe('succeeded')
    expect(await emu.rows('Orders', { orderBy: 'customer' })).toEqual([
      { id: 1n, customer: 'ACME', amount: 11, updated_at: us('2024-03-02T08:30:00.123Z') + 456n },
      { id: 2n ** 62n, customer: 'Globex', amount: null, updated_at: -1n },
      { id: 3n, customer: 'Initech', amount: 12, updated_at: us('2025-01-01T00:00:00Z') },
    ])
  })

  it('seeds from a Parquet file (table read from the file) and reads back what the file holds', async () => {
    const parquet = join(repoRoot, 'samples/data/orders-day0.parquet')
    await using emu = await startTestEmulator({ datasources: { Orders: { parquet, project: 'Sales' } } })
    const fromFile: Record<string, unknown>[] = []
    for await (const row of readParquetRows(parquet)) fromFile.push(row)
    const back = await emu.rows('Orders', { orderBy: 'id' })
    expect(back.length).toBeGreaterThan(100)
    expect(back).toEqual(fromFile.sort((a, b) => (BigInt(a['id'] as bigint) < BigInt(b['id'] as bigint) ? -1 : 1)))
    const client = await emu.client()
    expect((await client.findDatasource({ name: 'Orders', project: 'Sales' })).name).toBe('Orders')
  })

  it('reads dates back as Dates at midnight UTC, and seeds on another site later', async () => {
    const { date, defineTable, int32, bool } = await import('../../../src/index.js')
    const days = defineTable(
      { schema: 'Extract', name: 'Days' },
      { day: date(), n: int32(), ok: bool({ nullable: true }) },
    )
    // A site a seed names is created with it.
    await using emu = await startTestEmulator({ site: 'finance', datasources: { Staff: { table: days, site: 'hr' } } })
    expect(emu.env.TABLEAU_SITE).toBe('finance')
    expect(await emu.rows('Staff', { site: 'hr' })).toEqual([])
    await emu.seed('Days', {
      table: days,
      rows: [
        { day: '1900-01-02', n: -5, ok: true },
        { day: new Date(0), n: 7 },
      ],
    })
    expect(await emu.rows('Days')).toEqual([
      { day: new Date('1900-01-02T00:00:00Z'), n: -5, ok: true },
      { day: new Date(0), n: 7, ok: null },
    ])
    // The default site exists too, and rows() looks on the emulator's site unless told otherwise.
    await emu.seed('Days', { table: days, site: '', rows: [] })
    expect(await emu.rows('Days', { site: '' })).toEqual([])
    const client = await emu.client()
    expect(client.site).toBe('finance')
  })

  it('exposes the emulator faults: the job meets an injected failure and a retried 503', async () => {
    await using emu = await startTestEmulator({ datasources: { Orders: { table: orders, rows: seeded } } })
    emu.faults.respondWith({ status: 503, route: 'initiateUpload', times: 1 })
    emu.faults.failJobs({ times: 1, notes: 'disk full' })
    const failed = runNightlyJob({ ...emu.env }, [{ id: 9n, customer: 'Umbrella', amount: 1, updated_at: null }])
    await expect(failed).rejects.toMatchObject({ code: 'PUSH_FAILED', message: expect.stringContaining('disk full') })
    expect(emu.faults.counters).toMatchObject({ responses503: 1, failedJobs: 1 })
    expect((await emu.rows('Orders')).map((r) => r['id'])).toEqual([1n, 2n ** 62n])
  })

  it('reads back what the code under test published through the REST API; a published file has no rows', async () => {
    await using emu = await startTestEmulator()
    const client = await emu.client()
    const parquet = join(repoRoot, 'samples/data/orders-day0.parquet')
    await client.datasources.publish({ name: 'Published', file: parquet })
    const fromFile: Record<string, unknown>[] = []
    for await (const row of readParquetRows(parquet)) fromFile.push(row)
    expect(await emu.rows('published', { orderBy: 'id' })).toEqual(
      fromFile.sort((a, b) => Number((a['id'] as bigint) - (b['id'] as bigint))),
    )

    const dir = await mkdtemp(join(tmpdir(), 'testing-tds-'))
    try {
      await writeFile(join(dir, 'conn.tds'), '<datasource />')
      await client.datasources.publish({ name: 'Conn', file: join(dir, 'conn.tds') })
    } finally {
      await rm(dir, { recursive: true })
    }
    expect((await emu.emulator.listDatasources()).find((d) => d.name === 'Conn')).toMatchObject({ table: undefined })
    await expect(emu.rows('Conn')).rejects.toMatchObject({
      code: 'DATASOURCE_NOT_FOUND',
      message: expect.stringContaining('holds a file, not a table'),
    })
  })

  it('fails with typed errors naming what is wrong, and cleans up after a bad seed', async () => {
    const left = await leftInTmp(async () => {
      const bad = startTestEmulator({
        datasources: {
          Orders: {
            table: orders,
            rows: [
              { id: 1n, customer: 'a' },
              { id: 'x' as never, customer: 'b' },
            ],
          },
        },
      })
      await expect(bad).rejects.toMatchObject({ code: 'EMULATOR_ROW_INVALID', details: { row: 1, column: 'id' } })
    })
    expect(left).toEqual([])

    await using emu = await startTestEmulator({ datasources: { Orders: { table: orders } } })
    const missing = await emu.rows('Nope').catch((e: unknown) => e)
    expect(isHyperdeltaError(missing, 'DATASOURCE_NOT_FOUND') && missing.message).toContain('"Nope"')
    const unknownColumn = await emu.rows('Orders', { orderBy: ['id', 'nope'] }).catch((e: unknown) => e)
    expect(isHyperdeltaError(unknownColumn, 'TABLE_INVALID') && unknownColumn.details).toEqual({
      table: 'Orders',
      column: 'nope',
    })
    await emu.emulator.query('ALTER TABLE "Orders"."Extract"."Extract" ADD COLUMN price DECIMAL(10, 2)')
    await expect(emu.rows('Orders')).rejects.toMatchObject({ code: 'TABLE_INVALID', details: { column: 'price' } })
  })

  it('close() signs out its clients, stops the server and removes its data dir; twice is fine', async () => {
    let emu: Awaited<ReturnType<typeof startTestEmulator>> | undefined
    let client: Awaited<ReturnType<NonNullable<typeof emu>['client']>> | undefined
    let duringRun: string[] = []
    const left = await leftInTmp(async () => {
      emu = await startTestEmulator({ datasources: { Orders: { table: orders, rows: seeded } } })
      duringRun = await readdir(tmpdir())
      client = await emu.client()
      await emu.close()
      await emu.close()
    })
    expect(duringRun).toEqual([expect.stringMatching(/^hyperdelta-emulator-/)])
    expect(left).toEqual([])
    if (!emu || !client) throw new Error('not started')
    await expect(fetch(`${emu.url}/api/3.24/serverinfo`)).rejects.toThrow()
    await expect(client.findDatasource({ name: 'Orders' })).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
  })
})

describe('hyperdelta/testing under node:test', () => {
  const file = join(import.meta.dirname, 'nightly-job.node-test.ts')
  const runNodeTest = (extra: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=spec', file],
        { cwd: repoRoot, env: childEnv(extra), timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr }),
      )
    })

  it('runs a node:test file that uses the helper, and that file fails when its job misbehaves', async () => {
    const [good, broken] = await Promise.all([runNodeTest({}), runNodeTest({ NIGHTLY_JOB_DROP: '1' })])
    expect(good.code, good.output).toBe(0)
    expect(good.output).toMatch(/pass 2/)
    expect(broken.code, broken.output).toBe(1)
    expect(broken.output).toMatch(/fail 1/)
  }, 150_000)
})
