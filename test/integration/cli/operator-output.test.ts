import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { writeChangeFiles } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'
import { type Fixture, itemRows, items, startFixture } from '../plan/emulator-fixture.js'

// Output an operator can read at 3 a.m.: the long steps say what they do on stderr (never with --quiet or --json),
// and a failed job's notes are printed exactly once.

let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

const cli = (args: string[]) => runCliInProcess(args, fx.cliEnv)
const snapshot = (name: string, sql: string) => writeParquetSql(fx.dir, name, sql)

describe('progress of the silent steps', () => {
  it('cdc: the publish of a missing target (bytes) and the diff (start, done with counts); none with --quiet/--json', async () => {
    const previous = await snapshot('prev.parquet', `SELECT 1::BIGINT AS id, 'a' AS body UNION ALL SELECT 2, 'b'`)
    const current = await snapshot('cur.parquet', `SELECT 2::BIGINT AS id, 'B' AS body UNION ALL SELECT 3, 'c'`)
    const args = ['cdc', '--previous', previous, '--current', current, '--key', 'id', '--datasource', 'Items']
    const out = await cli([...args, '--create-if-missing', '--new-run'])
    expect(out.code, out.stderr).toBe(EXIT.ok)
    expect(out.stderr).toMatch(/^upload .*MB/m)
    expect(out.stderr).toContain('diff: running (snapshots)\n')
    expect(out.stderr).toContain('diff: done: 2 upsert(s), 1 delete(s)\n')
    expect(out.stdout).not.toContain('diff:')
    for (const flag of ['--quiet', '--json']) {
      const silent = await cli([...args, '--new-run', flag])
      expect(silent.code, silent.stderr).toBe(EXIT.ok)
      expect(silent.stderr).toBe('')
    }
  })

  it('load: one line per input file, in order', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 2) })
    await mkdir(join(fx.dir, 'exports'))
    await snapshot('exports/a.parquet', `SELECT 10::BIGINT AS id, 'x' AS body UNION ALL SELECT 11, 'y'`)
    await snapshot('exports/b.parquet', `SELECT 12::BIGINT AS id, 'z' AS body`)
    const args = ['load', '--datasource', 'Items', '--files', join(fx.dir, 'exports'), '--mode', 'insert']
    const out = await cli(args)
    expect(out.code, out.stderr).toBe(EXIT.ok)
    const files = out.stderr.split('\n').filter((l) => l.startsWith('file '))
    expect(files).toEqual([
      `file 1/2: ${join(fx.dir, 'exports', 'a.parquet')} (2 rows)`,
      `file 2/2: ${join(fx.dir, 'exports', 'b.parquet')} (1 rows)`,
    ])
    expect((await cli([...args, '--quiet', '--new-run'])).stderr).toBe('')
  })
})

describe('a failed job', () => {
  it('its notes appear exactly once in the output (report and error line together)', async () => {
    await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 5) })
    const batchFile = join(fx.dir, 'batch.json')
    await writeFile(
      batchFile,
      JSON.stringify({
        actions: [
          { action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' },
        ],
      }),
    )
    const file = (await writeChangeFiles(items.as('changes'), itemRows(100, 3), { dir: fx.dir })).files[0]!.path
    const note = 'no such column (errorCode=410012)'
    fx.emu.faults.failJobs({ times: 1, notes: note })
    const out = await cli(['push', '--batch', batchFile, '--input', `changes=${file}`, '--datasource', 'Items'])
    expect(out.code).toBe(EXIT.failed)
    const all = out.stdout + out.stderr
    expect(all.split(note).length - 1, all).toBe(1)
    expect(out.stderr).toContain('PUSH_FAILED')
    expect(out.stderr).toContain("JOB_FAILED (the job's notes are in the report)")
  })
})
