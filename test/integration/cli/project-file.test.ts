import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'
import { type Fixture, items, PAT, startFixture } from '../plan/emulator-fixture.js'

// A project file's jobs (`hyperdelta run`, `hyperdelta jobs`) against the emulator: a job gives the same table as
// the command line it stands for, and every mistake in the file names file, line and column.

let fx: Fixture
let config: string
beforeEach(async () => {
  fx = await startFixture()
  for (const name of ['Items', 'Line']) {
    await fx.emu.createDatasource({
      name,
      table: items,
      rows: [
        { id: 1n, body: 'v1' },
        { id: 2n, body: 'v2' },
      ],
    })
  }
  await mkdir(join(fx.dir, 'exports'))
  await writeParquetSql(fx.dir, 'exports/a.parquet', `SELECT 2::BIGINT AS id, 'new2' AS body UNION ALL SELECT 3, 'v3'`)
  await writeParquetSql(
    fx.dir,
    'log.parquet',
    `SELECT * FROM (VALUES (4::BIGINT, 'v4', 'insert', 1::BIGINT), (1, 'v1', 'delete', 2)) t(id, body, op, lsn)`,
  )
  await writeFile(
    join(fx.dir, 'batch.json'),
    JSON.stringify({
      actions: [{ action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' }],
    }),
  )
  config = join(fx.dir, 'hyperdelta.yaml')
  await writeFile(
    config,
    `# targets and jobs of the tests
default-target: local
targets:
  local:
    server: ${fx.emu.url}
    site: ''
    auth:
      pat-name: ${PAT.name}
      pat-secret-env: LOCAL_PAT
  other:
    server: ${fx.emu.url}
    auth:
      pat-name: ${PAT.name}
      pat-secret-env: OTHER_PAT
jobs:
  bulk:
    pipeline: load
    files: exports
    mode: upsert
    key: id
    datasource: Items
  nightly:
    pipeline: cdc
    log: log.parquet
    order: lsn
    key: [id]
    datasource: Items
    state-dir: lanes/items
  hand:
    pipeline: push
    batch: batch.json
    input: changes=exports/*.parquet
    datasource: Items
`,
  )
})
afterEach(async () => {
  await fx.close()
})

const env = (extra: NodeJS.ProcessEnv = {}) => ({ LOCAL_PAT: PAT.secret, ...extra })
const cli = (args: string[], extra?: NodeJS.ProcessEnv) => runCliInProcess(args, env(extra))
const line = (args: string[]) => runCliInProcess(args, fx.cliEnv)
const table = async (name: string) =>
  (await fx.emu.query(`SELECT id, body FROM "${name}"."Extract"."Extract" ORDER BY id, body`)).map(
    (r) => `${r.id}:${r.body}`,
  )

describe('hyperdelta run', () => {
  it('a load job gives the same table as the load line it stands for', async () => {
    const job = await cli(['run', 'bulk', '--config', config, '--quiet'])
    expect(job.stderr).toBe('')
    expect(job.code).toBe(EXIT.ok)
    const byLine = await line([
      'load',
      '--files',
      join(fx.dir, 'exports'),
      '--mode',
      'upsert',
      '--key',
      'id',
      '--datasource',
      'Line',
      '--quiet',
    ])
    expect(byLine.code).toBe(EXIT.ok)
    expect(await table('Items')).toEqual(['1:v1', '2:new2', '3:v3'])
    expect(await table('Line')).toEqual(await table('Items'))
  })

  it('a push job gives the same table as the push line (paths relative to the project file)', async () => {
    expect((await cli(['run', 'hand', '--config', config, '--quiet'])).code).toBe(EXIT.ok)
    const input = `changes=${join(fx.dir, 'exports/*.parquet')}`
    const batch = join(fx.dir, 'batch.json')
    expect((await line(['push', '--batch', batch, '--input', input, '--datasource', 'Line', '--quiet'])).code).toBe(0)
    expect(await table('Items')).toEqual(['1:v1', '2:new2', '2:v2', '3:v3'])
    expect(await table('Line')).toEqual(await table('Items'))
  })

  it('a cdc job gives the same table as the cdc line; flags on the run line override the file', async () => {
    const job = await cli(['run', 'nightly', '--config', config, '--json'])
    expect(job.code).toBe(EXIT.ok)
    expect(JSON.parse(job.stdout).stats).toMatchObject({ upserts: 1, deletes: 1 })
    const log = join(fx.dir, 'log.parquet')
    const state = join(fx.dir, 'lanes/line')
    const byLine = await line([
      'cdc',
      '--log',
      log,
      '--order',
      'lsn',
      '--key',
      'id',
      '--datasource',
      'Line',
      '--state-dir',
      state,
      '--quiet',
    ])
    expect(byLine.code).toBe(EXIT.ok)
    expect(await table('Items')).toEqual(['2:v2', '4:v4'])
    expect(await table('Line')).toEqual(await table('Items'))
    // --datasource on the run line wins over the job's; --state-dir too (a fresh lane: no watermark yet).
    await fx.emu.createDatasource({ name: 'Third', table: items, rows: [{ id: 1n, body: 'v1' }] })
    const third = ['--datasource', 'Third', '--state-dir', join(fx.dir, 'lanes/third'), '--quiet']
    expect((await cli(['run', 'nightly', '--config', config, ...third])).code).toBe(EXIT.ok)
    expect(await table('Third')).toEqual(['4:v4'])
  })

  it('HYPERDELTA_TARGET picks the target, --target wins over it; a missing secret variable names file:line:column', async () => {
    const viaEnv = await cli(['run', 'bulk', '--config', config], { HYPERDELTA_TARGET: 'other' })
    expect(viaEnv.code).toBe(EXIT.input)
    expect(viaEnv.stderr).toContain(`${config}:14:23: target other: environment variable OTHER_PAT is not set`)
    expect(viaEnv.stderr).not.toContain(PAT.secret)
    const flagWins = await cli(['run', 'bulk', '--config', config, '--target', 'local', '--quiet'], {
      HYPERDELTA_TARGET: 'other',
    })
    expect(flagWins.code).toBe(EXIT.ok)
  })

  it('an unknown target or job', async () => {
    const target = await cli(['run', 'bulk', '--config', config, '--target', 'prod'])
    expect(target.code).toBe(EXIT.input)
    expect(target.stderr).toContain(`${config}:3:1: no target "prod" (targets: local, other)`)
    const job = await cli(['run', 'weekly', '--config', config])
    expect(job.code).toBe(EXIT.usage)
    expect(job.stderr).toContain('no job "weekly"')
    expect(job.stderr).toContain('jobs: bulk, nightly')
  })
})

describe('project file mistakes: exit 3 with file:line:column, nothing sent', () => {
  const bad = async (text: string, name = 'bad.yaml') => {
    const file = join(fx.dir, name)
    await writeFile(file, text)
    const out = await cli(['jobs', '--config', file])
    expect(out.code).toBe(EXIT.input)
    expect(out.stderr).not.toMatch(/\n\s+at /)
    return { out: out.stderr, file }
  }
  const target = `targets:\n  t:\n    server: http://localhost:1\n    auth: { pat-name: n, pat-secret-env: X }\n`

  it('an unknown key of a job', async () => {
    const { out, file } = await bad(`${target}jobs:\n  j:\n    pipeline: load\n    files: x\n    mdoe: insert\n`)
    expect(out).toContain(`${file}:9:5: unknown key "mdoe" in jobs.j`)
  })

  it('an unknown top-level key', async () => {
    const { out, file } = await bad(`${target}job: {}\n`)
    expect(out).toContain(`${file}:5:1: unknown key "job"`)
  })

  it('a wrong type', async () => {
    const { out, file } = await bad(`${target}jobs:\n  j:\n    pipeline: load\n    create-if-missing: "yes"\n`)
    expect(out).toContain(`${file}:8:24: jobs.j.create-if-missing:`)
    expect(out).toMatch(/expected boolean/)
  })

  it('an unknown pipeline, and a secret given where a variable name belongs', async () => {
    const pipeline = await bad(`${target}jobs:\n  j:\n    pipeline: merge\n`)
    expect(pipeline.out).toContain(`${pipeline.file}:7:15: jobs.j.pipeline:`)
    const secret = await bad(`targets:\n  t:\n    server: http://x\n    auth: { pat-name: n, pat-secret: hunter2 }\n`)
    expect(secret.out).toContain(`${secret.file}:4:26: unknown key "pat-secret" in targets.t.auth`)
    expect(secret.out).not.toContain('hunter2')
  })

  it('YAML syntax and JSON files', async () => {
    const { out, file } = await bad(`targets:\n  t: [\n`)
    expect(out).toMatch(new RegExp(`${file}:\\d+:\\d+: not valid YAML/JSON`))
    const json = await bad('{\n  "targets": {\n    "t": { "server": 5 }\n  }\n}\n', 'p.json')
    expect(json.out).toContain(`${json.file}:3:22: targets.t.server:`)
  })
})

describe('hyperdelta jobs', () => {
  it('lists targets and jobs', async () => {
    const out = await cli(['jobs', '--config', config])
    expect(out.code).toBe(EXIT.ok)
    expect(out.stdout.split('\n')[0]).toBe('kind\tname\tserver|pipeline\tsite|datasource')
    expect(out.stdout).toContain('\njob\tbulk\tload\tItems\n')
    expect(out.stdout).toContain('\njob\tnightly\tcdc\tItems\n')
    expect(out.stdout).toContain(`\ntarget\tlocal\t${fx.emu.url}`)
    const json = JSON.parse((await cli(['jobs', '--config', config, '--json'])).stdout)
    expect(json.jobs.map((j: { name: string }) => j.name)).toEqual(['bulk', 'nightly', 'hand'])
  })
})
