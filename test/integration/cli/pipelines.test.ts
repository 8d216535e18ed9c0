import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'
import { type Fixture, items, startFixture } from '../plan/emulator-fixture.js'

// `hyperdelta cdc` and `hyperdelta load` against the emulator: the pipelines from the shell, tables read back.

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

const cli = (args: string[]) => runCliInProcess(args, fx.cliEnv)
/** Rows `id, body` as a Parquet file: `ids` with body `<tag><id>`. */
const snapshot = (name: string, ids: number[], tag = 'v') =>
  writeParquetSql(
    fx.dir,
    name,
    `SELECT id::BIGINT AS id, '${tag}' || id AS body FROM (VALUES ${ids.map((i) => `(${i})`).join(',')}) t(id) ORDER BY id`,
  )
const rows = async () => (await fx.rows('Items')).map((r) => `${r.id}:${r.body}`).sort()

describe('hyperdelta cdc', () => {
  it('snapshot mode: publishes a missing target from --previous, applies the diff; the table equals --current', async () => {
    const previous = await snapshot('prev.parquet', [1, 2, 3, 4, 5])
    await mkdir(join(fx.dir, 'cur'))
    await writeParquetSql(
      fx.dir,
      'cur/part-1.parquet',
      `SELECT 2::BIGINT AS id, 'v2' AS body UNION ALL SELECT 3, 'changed'`,
    )
    await writeParquetSql(fx.dir, 'cur/part-2.parquet', `SELECT 6::BIGINT AS id, 'v6' AS body`)
    const lane = join(fx.dir, 'lane')
    const args = ['cdc', '--previous', previous, '--current', join(fx.dir, 'cur/part-*.parquet'), '--key', 'id']
    const out = await cli([...args, '--datasource', 'Items', '--create-if-missing', '--state-dir', lane, '--json'])
    expect(out.stderr).toBe('')
    expect(out.code).toBe(EXIT.ok)
    const report = JSON.parse(out.stdout)
    expect(report.stats).toMatchObject({ upserts: 2, deletes: 3 })
    expect(await rows()).toEqual(['2:v2', '3:changed', '6:v6'])
    // The same night again changes nothing.
    const again = await cli([...args, '--datasource', 'Items', '--state-dir', lane, '--json'])
    expect(again.code).toBe(EXIT.ok)
    expect(await rows()).toEqual(['2:v2', '3:changed', '6:v6'])
  })

  it('change-log mode: --log glob, --order, --op with its values; the watermark skips what was pushed', async () => {
    await fx.emu.createDatasource({
      name: 'Items',
      table: items,
      rows: [
        { id: 1n, body: 'v1' },
        { id: 2n, body: 'v2' },
      ],
    })
    await mkdir(join(fx.dir, 'log'))
    await writeParquetSql(
      fx.dir,
      'log/a.parquet',
      `SELECT * FROM (VALUES (3::BIGINT, 'v3', 'I', 10::BIGINT), (1, 'x1', 'U', 11), (2, 'v2', 'D', 12)) t(id, body, kind, lsn)`,
    )
    const lane = join(fx.dir, 'lane')
    const log = [
      'cdc',
      '--log',
      join(fx.dir, 'log'),
      '--order',
      'lsn',
      '--op',
      'kind',
      '--op-values',
      'insert=I,update=U,delete=D',
    ]
    const target = ['--key', 'id', '--datasource', 'Items', '--state-dir', lane, '--name', 'items', '--quiet']
    const out = await cli([...log, ...target])
    expect(out.stderr).toBe('')
    expect(out.code).toBe(EXIT.ok)
    expect(out.stdout).toMatch(/^cdc items: .*watermark 12/)
    expect(await rows()).toEqual(['1:x1', '3:v3'])
    await writeParquetSql(
      fx.dir,
      'log/b.parquet',
      `SELECT 4::BIGINT AS id, 'v4' AS body, 'I' AS kind, 13::BIGINT AS lsn`,
    )
    expect((await cli([...log, ...target])).code).toBe(EXIT.ok)
    expect(await rows()).toEqual(['1:x1', '3:v3', '4:v4'])
  })

  it('--verify count=<n>: a wrong count exits 7 with the report', async () => {
    const previous = await snapshot('p.parquet', [1, 2])
    const current = await snapshot('c.parquet', [1, 2, 3])
    const base = ['cdc', '--previous', previous, '--current', current, '--key', 'id', '--datasource', 'Items']
    const out = await cli([...base, '--create-if-missing', '--json', '--verify', 'count=5'])
    expect(out.code).toBe(EXIT.mismatch)
    expect(JSON.parse(out.stdout).verification.status).toBe('mismatch')
  })

  it('--verify-max-queries: a count that needs more queries than allowed is NOT VERIFIED (query-budget), exit 0', async () => {
    const previous = await snapshot('p.parquet', [1, 2])
    const current = await snapshot('c.parquet', [1, 2, 3])
    const base = ['cdc', '--previous', previous, '--current', current, '--key', 'id', '--datasource', 'Items']
    const args = [...base, '--create-if-missing', '--json', '--verify', 'count=3']
    const out = await cli([...args, '--verify-max-queries', '1'])
    expect(out.code).toBe(EXIT.ok)
    expect(JSON.parse(out.stdout).verification).toMatchObject({
      status: 'not-verified',
      reasonCode: 'query-budget',
      queries: { planned: 2, sent: 1, budget: 1 },
    })
    expect(out.stderr).toContain('warning: NOT VERIFIED: query-budget')
    const bad = await cli([...args, '--verify-max-queries', 'many'])
    expect(bad.code).toBe(EXIT.usage)
    expect(bad.stderr).toContain('--verify-max-queries many')
  })

  it.each([
    [['--key', 'id'], 'give --previous and --current'],
    [['--previous', 'a.parquet', '--key', 'id'], 'needs both --previous and --current'],
    [['--log', 'a.parquet', '--key', 'id'], '--order'],
    [['--previous', 'a.parquet', '--current', 'b.parquet'], '--key <column> is required'],
    [
      ['--log', 'a.parquet', '--order', 'lsn', '--op-values', 'I,U,D', '--key', 'id'],
      'insert=<v>,update=<v>,delete=<v>',
    ],
  ])('usage errors exit 2 with the usage line: %j', async (args, message) => {
    const out = await cli(['cdc', ...args, '--datasource', 'Items'])
    expect(out.code).toBe(EXIT.usage)
    expect(out.stderr).toContain(message)
    expect(out.stderr).toContain('usage: hyperdelta cdc')
  })

  it('a glob that matches nothing is bad input naming it (exit 3, nothing sent)', async () => {
    const glob = join(fx.dir, 'none-*.parquet')
    const out = await cli(['cdc', '--previous', glob, '--current', glob, '--key', 'id', '--datasource', 'Items'])
    expect(out.code).toBe(EXIT.input)
    expect(out.stderr).toContain(`--previous ${glob}: no files match`)
  })
})

describe('hyperdelta load', () => {
  beforeEach(async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [{ id: 1n, body: 'v1' }] })
    await mkdir(join(fx.dir, 'exports'))
    await writeParquetSql(fx.dir, 'exports/b.parquet', `SELECT 3::BIGINT AS id, 'v3' AS body`)
    await writeParquetSql(
      fx.dir,
      'exports/a.parquet',
      `SELECT 1::BIGINT AS id, 'new1' AS body UNION ALL SELECT 2, 'v2'`,
    )
  })
  const load = (...args: string[]) => cli(['load', '--datasource', 'Items', '--quiet', ...args])

  it('insert from a folder: every file, in name order', async () => {
    const out = await load('--files', join(fx.dir, 'exports'), '--mode', 'insert', '--json')
    expect(out.code).toBe(EXIT.ok)
    expect(JSON.parse(out.stdout).outcome).toBe('succeeded')
    expect(await rows()).toEqual(['1:new1', '1:v1', '2:v2', '3:v3'])
  })

  it('upsert by --key from a glob', async () => {
    expect((await load('--files', join(fx.dir, 'exports/*.parquet'), '--mode', 'upsert', '--key', 'id')).code).toBe(0)
    expect(await rows()).toEqual(['1:new1', '2:v2', '3:v3'])
  })

  it('replace, with --verify count', async () => {
    const out = await load('--files', join(fx.dir, 'exports/a.*'), '--mode', 'replace', '--verify', 'count=2', '--json')
    expect(out.code).toBe(EXIT.ok)
    expect(JSON.parse(out.stdout).verification).toMatchObject({ status: 'verified', queries: { planned: 2, sent: 2 } })
    expect(await rows()).toEqual(['1:new1', '2:v2'])
  })

  it.each([
    [['--mode', 'insert'], '--files <dir|glob> is required'],
    [['--files', 'x', '--mode', 'merge'], '--mode merge'],
    [['--files', 'x', '--mode', 'upsert'], '--mode upsert needs --key'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const out = await load(...args)
    expect(out.code).toBe(EXIT.usage)
    expect(out.stderr).toContain(message)
  })

  it('a folder without Parquet files, and a glob in the folder part: exit 3 naming them', async () => {
    await mkdir(join(fx.dir, 'empty'))
    const empty = await load('--files', join(fx.dir, 'empty'), '--mode', 'insert')
    expect(empty.code).toBe(EXIT.input)
    expect(empty.stderr).toContain(`--files ${join(fx.dir, 'empty')}: the folder holds no *.parquet files`)
    const deep = await load('--files', join(fx.dir, '*/a.parquet'), '--mode', 'insert')
    expect(deep.code).toBe(EXIT.input)
    expect(deep.stderr).toContain('a glob may use * and ? in the file name only')
  })

  it('an empty glob: exit 3 naming it', async () => {
    const out = await load('--files', join(fx.dir, 'exports/z*.parquet'), '--mode', 'insert')
    expect(out.code).toBe(EXIT.input)
    expect(out.stderr).toContain('z*.parquet: no files match')
    expect(await rows()).toEqual(['1:v1'])
  })
})

describe('push --input with folders and globs', () => {
  it('a glob and a folder expand to their files, sorted; a glob that matches nothing is exit 3 naming it', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: [] })
    await mkdir(join(fx.dir, 'in'))
    await writeParquetSql(fx.dir, 'in/2.parquet', `SELECT 2::BIGINT AS id, 'v2' AS body`)
    await writeParquetSql(fx.dir, 'in/1.parquet', `SELECT 1::BIGINT AS id, 'v1' AS body`)
    const batch = join(fx.dir, 'batch.json')
    await writeFile(
      batch,
      JSON.stringify({
        actions: [
          { action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' },
        ],
      }),
    )
    const push = (input: string) =>
      cli(['push', '--batch', batch, '--input', input, '--datasource', 'Items', '--quiet', '--new-run'])
    expect((await push(`changes=${join(fx.dir, 'in/*.parquet')}`)).code).toBe(EXIT.ok)
    expect((await push(`changes=${join(fx.dir, 'in')}`)).code).toBe(EXIT.ok)
    expect(await rows()).toEqual(['1:v1', '1:v1', '2:v2', '2:v2'])
    const none = await push(`changes=${join(fx.dir, 'in/x*.parquet')}`)
    expect(none.code).toBe(EXIT.input)
    expect(none.stderr).toContain(`--input ${join(fx.dir, 'in/x*.parquet')}: no files match`)
  })
})
