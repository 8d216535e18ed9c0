import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { writeChangeFiles } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { type Fixture, itemRows, items, PAT, startFixture } from '../plan/emulator-fixture.js'

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
  await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 10) })
})
afterEach(async () => {
  await fx.close()
})

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCliInProcess(args, {
    TABLEAU_SERVER: fx.emu.url,
    TABLEAU_SITE: '',
    TABLEAU_PAT_NAME: PAT.name,
    TABLEAU_PAT_SECRET: PAT.secret,
    ...env,
  })
}

const upsertAndDelete = {
  actions: [
    {
      action: 'upsert',
      'source-table': 'changes',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    },
    {
      action: 'delete',
      'source-table': 'gone',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    },
  ],
}

describe('hyperdelta CLI', () => {
  it('push: a JSON batch with Parquet, CSV and NDJSON inputs, report as JSON; the table equals the expected rows', async () => {
    const batchFile = join(fx.dir, 'batch.json')
    await writeFile(batchFile, JSON.stringify(upsertAndDelete))
    const files = await writeChangeFiles(items.as('changes'), itemRows(5, 10, 'new-'), { dir: fx.dir })
    const gone = join(fx.dir, 'gone.csv')
    await writeFile(gone, 'id\n1\n2\n')
    const schema = join(fx.dir, 'tables.json')
    await writeFile(schema, JSON.stringify({ gone: { id: 'int64' } }))
    const journal = join(fx.dir, 'push.journal')
    const out = await cli([
      'push',
      '--batch',
      batchFile,
      '--input',
      `changes=${files.files[0]!.path}`,
      '--input',
      `gone=${gone}`,
      '--schema',
      schema,
      '--datasource',
      'Items',
      '--journal',
      journal,
      '--json',
      '--run-id',
      'cli-1',
    ])
    expect(out.stderr).toBe('')
    expect(out.code).toBe(EXIT.ok)
    const report = JSON.parse(out.stdout)
    expect(report).toMatchObject({ outcome: 'succeeded', runId: 'cli-1', rows: 12 })
    const expected = new Map(itemRows(1, 10).map((r) => [r.id, r]))
    for (const r of itemRows(5, 10, 'new-')) expected.set(r.id, r)
    expected.delete(1n)
    expected.delete(2n)
    expect(await fx.rows('Items')).toEqual([...expected.values()].sort((a, b) => (a.id < b.id ? -1 : 1)))

    // NDJSON input and the plan command (no server needed).
    const nd = join(fx.dir, 'gone.ndjson')
    await writeFile(nd, '{"id":"9007199254740993"}\n')
    const plan = await cli(
      [
        'plan',
        '--batch',
        batchFile,
        '--input',
        `changes=${files.files[0]!.path}`,
        '--input',
        `gone=${nd}`,
        '--schema',
        schema,
        '--json',
      ],
      { TABLEAU_SERVER: '' },
    )
    expect(plan.code).toBe(EXIT.ok)
    expect(JSON.parse(plan.stdout).requests.map((r: { payload: { rows: number } }) => r.payload.rows)).toEqual([10, 1])
    await files.dispose()
  })

  it('prints plain progress lines and a human report without --json', async () => {
    const batchFile = join(fx.dir, 'insert.json')
    await writeFile(
      batchFile,
      JSON.stringify({
        actions: [
          { action: 'insert', 'source-table': 'changes', 'target-table': 'Extract', 'target-schema': 'Extract' },
        ],
      }),
    )
    const csv = join(fx.dir, 'changes.csv')
    await writeFile(csv, 'id,body\n100,"hello, world"\n101,""\n')
    await writeFile(join(fx.dir, 'tables.json'), JSON.stringify({ changes: { id: 'int64', body: 'text' } }))
    const out = await cli([
      'push',
      '--batch',
      batchFile,
      '--input',
      `changes=${csv}`,
      '--schema',
      join(fx.dir, 'tables.json'),
      '--datasource',
      'Items',
    ])
    expect(out.code).toBe(EXIT.ok)
    expect(out.stderr).toMatch(/^planned: 1 request\(s\)/m)
    expect(out.stderr).toMatch(/^#0 applied \(job /m)
    expect(out.stdout).toMatch(/succeeded \(1 request\(s\), 2 row\(s\)/)
    expect((await fx.rows('Items')).slice(-2)).toEqual([
      { id: 100n, body: 'hello, world' },
      { id: 101n, body: '' },
    ])
  })

  it.each([
    ['an unknown command', ['frobnicate'], EXIT.usage, /unknown command "frobnicate"/],
    [
      'two files for one emulator data source',
      ['emulator', '--publish', 'A=x.parquet', '--publish', 'A=y.parquet'],
      EXIT.usage,
      /--publish A: one Parquet file/,
    ],
    ['a missing --batch', ['push', '--datasource', 'Items'], EXIT.usage, /--batch/],
    ['a malformed batch', ['plan', '--batch', 'BAD_BATCH'], EXIT.input, /WIRE_INVALID: actions: actions\[0\]\.action/],
    [
      'an unknown data source',
      ['push', '--batch', 'GOOD_BATCH', '--input', 'changes=CSV', '--schema', 'SCHEMA', '--datasource', 'Nope'],
      EXIT.server,
      /DATASOURCE_NOT_FOUND/,
    ],
  ])('exits with a documented code for %s', async (_, args, code, message) => {
    await writeFile(join(fx.dir, 'bad.json'), '{"actions":[{"action":"merge","target-table":"Extract"}]}')
    await writeFile(
      join(fx.dir, 'good.json'),
      JSON.stringify({ actions: [{ action: 'insert', 'source-table': 'changes', 'target-table': 'Extract' }] }),
    )
    await writeFile(join(fx.dir, 'c.csv'), 'id,body\n1,x\n')
    await writeFile(join(fx.dir, 's.json'), JSON.stringify({ changes: { id: 'int64', body: 'text' } }))
    const resolved = args.map((a) =>
      a
        .replace('BAD_BATCH', join(fx.dir, 'bad.json'))
        .replace('GOOD_BATCH', join(fx.dir, 'good.json'))
        .replace('CSV', join(fx.dir, 'c.csv'))
        .replace('SCHEMA', join(fx.dir, 's.json')),
    )
    const out = await cli(resolved)
    expect(out.code).toBe(code)
    expect(out.stderr).toMatch(message)
    expect(await fx.rows('Items')).toEqual(itemRows(1, 10))
  })

  it('refuses to start without credentials and never prints the PAT secret', async () => {
    const out = await cli(['job', 'wait', 'x'], { TABLEAU_PAT_SECRET: '' })
    expect(out.code).toBe(EXIT.usage)
    expect(out.stderr).toMatch(/no credentials/)
    const wrong = await cli(['job', 'wait', 'x'], { TABLEAU_PAT_SECRET: 'wrong-secret-123' })
    expect(wrong.code).toBe(EXIT.server)
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong-secret-123')
  })
})
