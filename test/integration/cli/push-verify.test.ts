import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import {
  bool,
  date,
  defineTable,
  float64,
  int32,
  int64,
  tableFromParquet,
  text,
  timestamp,
} from '../../../src/index.js'
import { type CliResult, repoRoot, runCliInProcess } from '../../helpers/spawn-cli.js'

// `hyperdelta push --verify` against the emulator: a sound server verifies, a lossy one (dropOneRow) exits 7
// with MISMATCH, one without the VizQL Data Service says NOT VERIFIED (exit 0) and never "verified".
const pat = { name: 'ci', secret: 's3cret-pat' }
const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), name: text(), updated_at: timestamp(), day: date() },
)
let emu: Emulator | undefined
let dir: string

async function cli(args: string[]): Promise<CliResult> {
  return runCliInProcess(args, { TABLEAU_SERVER: emu!.url, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-push-verify-'))
  const eq = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
  const target = { 'target-schema': 'Extract', 'target-table': 'Extract' }
  await writeFile(
    join(dir, 'batch.json'),
    JSON.stringify({
      actions: [
        { action: 'upsert', 'source-table': 'changes', ...target, condition: eq },
        { action: 'delete', 'source-table': 'gone', ...target, condition: eq },
      ],
    }),
  )
  await writeFile(
    join(dir, 'tables.json'),
    JSON.stringify({
      changes: { id: 'int64', name: 'text', updated_at: 'timestamp', day: 'date' },
      gone: { id: 'int64' },
    }),
  )
  await writeFile(
    join(dir, 'changes.ndjson'),
    [
      { id: '2', name: 'B', updated_at: '2026-11-22T10:00:00.123456Z', day: '2026-11-22' },
      { id: '3', name: 'c', updated_at: '2026-11-23T00:00:00Z', day: '2026-11-23' },
      { id: '9007199254740993', name: 'big', updated_at: '2026-11-24T00:00:00Z', day: '2026-11-24' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  )
  await writeFile(join(dir, 'gone.ndjson'), `${JSON.stringify({ id: '1' })}\n`)
  return async () => {
    await rm(dir, { recursive: true, force: true })
  }
})
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

async function start(personality: ServerPersonality): Promise<void> {
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }], personality })
  const row = (id: bigint, name: string) => ({ id, name, updated_at: '2026-01-01T00:00:00Z', day: '2026-01-01' })
  await emu.createDatasource({ name: 'Orders', table: orders, rows: [row(1n, 'a'), row(2n, 'b')] })
}

const push = (...verify: string[]) => pushWith([], ...verify)
const pushWith = (extra: string[], ...verify: string[]) =>
  cli([
    'push',
    '--batch',
    join(dir, 'batch.json'),
    '--schema',
    join(dir, 'tables.json'),
    '--input',
    `changes=${join(dir, 'changes.ndjson')}`,
    '--input',
    `gone=${join(dir, 'gone.ndjson')}`,
    '--datasource',
    'Orders',
    '--quiet',
    ...extra,
    ...verify.flatMap((v) => ['--verify', v]),
  ])

describe('hyperdelta push --verify', () => {
  it('a sound server: verified (count, pushed values incl. int64 beyond 2^53, timestamps, dates, deleted key), exit 0', async () => {
    await start({})
    const r = await push('count=3', 'keys')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('verification: verified')
    expect(r.stdout).toMatch(/ok {3}rowCount: expected 3, observed 3/)
    expect(r.stdout).toMatch(/ok {3}present: expected 3 rows as pushed/)
    expect(r.stdout).toMatch(/ok {3}absent: expected 1 keys absent/)
  })

  it('--json carries the verification; a wrong count is a mismatch, exit 7', async () => {
    await start({})
    const r = await pushWith(['--json'], 'count=4', 'keys=id')
    expect(r.code).toBe(7)
    const report = JSON.parse(r.stdout)
    expect(report.outcome).toBe('succeeded')
    expect(report.verification.status).toBe('mismatch')
    expect(report.verification.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok])).toEqual([
      ['rowCount', false],
      ['present', true],
      ['absent', true],
    ])
  }, 30_000)

  it('a lossy server (jobs succeed, a row is lost): MISMATCH naming the row, exit 7', async () => {
    await start({ dropOneRow: true })
    const r = await push('keys')
    expect(r.code).toBe(7)
    expect(r.stdout).toContain('verification: MISMATCH')
    expect(r.stdout).toContain('id=2: name is "b", pushed "B"')
  })

  it('no VizQL Data Service: NOT VERIFIED with the reason, never "verified", exit 0 with a warning', async () => {
    await start({ noVizqlDataService: true })
    const r = await push('count=3', 'keys')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('verification: NOT VERIFIED')
    expect(r.stdout).not.toContain('verification: verified')
    expect(r.stderr).toContain('warning: NOT VERIFIED: the VizQL Data Service did not answer')
  })

  it("the site's VDS quota spent (429000): NOT VERIFIED vds-quota-exceeded, the push succeeded, exit 0 with a warning", async () => {
    await start({ vdsQueriesPerHour: 2 })
    const r = await pushWith(['--json'], 'count=3', 'keys')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.outcome).toBe('succeeded')
    expect(report.verification).toMatchObject({
      status: 'not-verified',
      reasonCode: 'vds-quota-exceeded',
      queries: { planned: 3, sent: 3, budget: 20 },
    })
    expect(r.stderr).toContain('warning: NOT VERIFIED: vds-quota-exceeded')
    expect(emu!.faults.vds.counters).toMatchObject({ served: 2, quotaExceeded: 1 })
  })

  it('no API access (403800): NOT VERIFIED vds-access-denied, exit 0 with a warning, never "verified"', async () => {
    await start({ vdsAccessDenied: true })
    const r = await push('count=3', 'keys')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('verification: NOT VERIFIED — vds-access-denied')
    expect(r.stdout).not.toContain('verification: verified')
    expect(r.stderr).toContain('warning: NOT VERIFIED: vds-access-denied')
  })

  it('--verify-max-queries: what fits is checked (counts first), the rest NOT VERIFIED query-budget, exit 0', async () => {
    await start({})
    const r = await pushWith(['--verify-max-queries', '1'], 'count=3', 'keys')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('verification: NOT VERIFIED — query-budget')
    expect(r.stdout).toMatch(/ok {3}rowCount: expected 3, observed 3/)
    expect(r.stdout).toContain('queries: 3/1 (planned/sent, budget 1)')
    expect(emu!.faults.vds.counters.served).toBe(1)
    const bad = await pushWith(['--verify-max-queries', '0'], 'count=3')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--verify-max-queries 0')
  })

  it('Parquet inputs (the sample data): the upserted rows read back as pushed', async () => {
    emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
    const day0 = join(repoRoot, 'samples/data/orders-day0.parquet')
    const table = await tableFromParquet(day0, { schema: 'Extract', name: 'Extract' })
    await emu.createDatasource({ name: 'Sample', table, parquet: day0 })
    const batch = join(dir, 'upsert.json')
    const eq = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
    await writeFile(
      batch,
      JSON.stringify({
        actions: [
          {
            action: 'upsert',
            'source-table': 'changes',
            'target-schema': 'Extract',
            'target-table': 'Extract',
            condition: eq,
          },
        ],
      }),
    )
    const day1 = join(repoRoot, 'samples/data/orders-day1.parquet')
    const r = await cli([
      'push',
      '--batch',
      batch,
      '--input',
      `changes=${day1}`,
      '--datasource',
      'Sample',
      '--quiet',
      '--verify',
      'keys',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/ok {3}present: expected \d+ rows as pushed, observed all as pushed/)
  })

  it('CSV values of every kind read back verified by their declared kinds (text that looks like a time stays text)', async () => {
    emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
    const kinds = defineTable(
      { schema: 'Extract', name: 'Extract' },
      {
        id: int64(),
        label: text({ nullable: true }),
        n: int32({ nullable: true }),
        x: float64({ nullable: true }),
        ok: bool({ nullable: true }),
        at: timestamp({ nullable: true }),
        day: date({ nullable: true }),
      },
    )
    await emu.createDatasource({ name: 'Kinds', table: kinds, rows: [{ id: 1n, label: 'a' }] })
    const target = { 'target-schema': 'Extract', 'target-table': 'Extract' }
    const condition = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
    await writeFile(
      join(dir, 'kinds.json'),
      JSON.stringify({ actions: [{ action: 'upsert', 'source-table': 'changes', ...target, condition }] }),
    )
    const columns = {
      id: 'int64',
      label: 'text?',
      n: 'int32?',
      x: 'float64?',
      ok: 'bool?',
      at: 'timestamp?',
      day: 'date?',
    }
    await writeFile(join(dir, 'kinds-tables.json'), JSON.stringify({ changes: columns }))
    await writeFile(
      join(dir, 'kinds.csv'),
      [
        'id,label,n,x,ok,at,day',
        '9007199254740993,2026-11-22 10:00,-2147483648,-0,true,2026-11-22T11:00:00.000001+01:00,2026-11-22',
        '1,"",,0.30000000000000004,false,2026-11-22T10:00:00Z,',
        '3,日本 😀 café,7,,,,0001-01-01',
      ].join('\n'),
    )
    const r = await cli([
      'push',
      '--batch',
      join(dir, 'kinds.json'),
      '--schema',
      join(dir, 'kinds-tables.json'),
      '--input',
      `changes=${join(dir, 'kinds.csv')}`,
      '--datasource',
      'Kinds',
      '--quiet',
      '--verify',
      'count=3',
      '--verify',
      'keys',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/ok {3}present: expected 3 rows as pushed, observed all as pushed/)
  })

  it('--verify keys that cannot be told from the batch is a usage error before anything is pushed', async () => {
    await start({})
    const mixed = join(dir, 'mixed.json')
    const target = { 'target-schema': 'Extract', 'target-table': 'Extract' }
    await writeFile(
      mixed,
      JSON.stringify({
        actions: [
          {
            action: 'upsert',
            'source-table': 'changes',
            ...target,
            condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
          },
          {
            action: 'delete',
            'source-table': 'gone',
            ...target,
            condition: { op: 'eq', 'target-col': 'name', 'source-col': 'name' },
          },
        ],
      }),
    )
    await writeFile(join(dir, 'gone-names.ndjson'), `${JSON.stringify({ name: 'a' })}\n`)
    await writeFile(
      join(dir, 'mixed-tables.json'),
      JSON.stringify({
        changes: { id: 'int64', name: 'text', updated_at: 'timestamp', day: 'date' },
        gone: { name: 'text' },
      }),
    )
    const args = (verify: string) => [
      'push',
      '--batch',
      mixed,
      '--schema',
      join(dir, 'mixed-tables.json'),
      '--input',
      `changes=${join(dir, 'changes.ndjson')}`,
      '--input',
      `gone=${join(dir, 'gone-names.ndjson')}`,
      '--datasource',
      'Orders',
      '--quiet',
      '--verify',
      verify,
    ]
    const derived = await cli(args('keys'))
    expect(derived.code).toBe(2)
    expect(derived.stderr).toContain('cannot tell the key column from the batch (candidates: id, name)')
    const named = await cli(args('keys=id'))
    expect(named.code).toBe(2)
    expect(named.stderr).toContain('the delete from gone does not match on id')
    expect(await emu!.query(`SELECT id FROM "Orders"."Extract"."Extract" ORDER BY id`)).toEqual([
      { id: 1n },
      { id: 2n },
    ])
  })

  it('a bad --verify value is a usage error before anything is sent', async () => {
    await start({})
    for (const bad of ['count=x', 'rows', 'keys=', 'count=-1']) {
      const r = await push(bad)
      expect(r.code, bad).toBe(2)
      expect(r.stderr).toContain(`--verify ${bad}`)
    }
    expect(await emu!.query(`SELECT id FROM "Orders"."Extract"."Extract" ORDER BY id`)).toEqual([
      { id: 1n },
      { id: 2n },
    ])
  })
})
