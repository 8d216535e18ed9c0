import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { writeChangeFiles } from '../../../src/index.js'
import { stateDirLayout } from '../../../src/plan/state-dir.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { type Fixture, itemRows, items, startFixture } from '../plan/emulator-fixture.js'

// `push --state-dir` / `--journal` at the edges an orchestrator meets: a journal this version cannot resume is
// bad input (exit 3, never "interrupted, retry"), an unfinished run meeting other inputs says what to do.

let fx: Fixture
let batchFile: string
beforeEach(async () => {
  fx = await startFixture()
  await fx.emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 5) })
  batchFile = join(fx.dir, 'batch.json')
  await writeFile(
    batchFile,
    JSON.stringify({
      actions: [{ action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' }],
    }),
  )
})
afterEach(async () => {
  await fx.close()
})

const cli = (args: string[]) => runCliInProcess(args, fx.cliEnv)
const input = async (from: number) =>
  (await writeChangeFiles(items.as('changes'), itemRows(from, 3), { dir: fx.dir })).files[0]!.path
const push = (file: string, ...more: string[]) =>
  cli(['push', '--batch', batchFile, '--input', `changes=${file}`, '--datasource', 'Items', '--quiet', ...more])

describe('push with a journal or state dir', () => {
  it.each([
    ['an unknown request state', { state: 'applying' }, 'requests.0.state'],
    ['an unknown field', { extra: 1 }, 'requests.0'],
  ])('a journal with %s is JOURNAL_INVALID, exit 3, naming file and field; nothing sent', async (_, odd, field) => {
    const stateDir = join(fx.dir, 'lane')
    const journal = stateDirLayout(stateDir).journal
    await mkdir(stateDir, { recursive: true })
    const request = { index: 0, state: 'pending', attempt: 0, requestId: 'r', updatedAt: 'x', ...odd }
    await writeFile(
      journal,
      JSON.stringify({
        version: 1,
        runId: 'r',
        fingerprint: 'f',
        datasourceId: 'd',
        createdAt: 'x',
        requests: [request],
      }),
    )
    const out = await push(await input(100), '--state-dir', stateDir)
    expect(out.code).toBe(EXIT.input)
    expect(out.stderr).toContain('JOURNAL_INVALID')
    expect(out.stderr).toContain(journal)
    expect(out.stderr).toContain(field)
    expect(out.stderr).not.toMatch(/\n\s+at /)
    expect(await fx.rows('Items')).toHaveLength(5)
  })

  it('an unfinished run meeting other inputs: exit 3 saying what to do; --abandon-unfinished goes on', async () => {
    const journal = join(fx.dir, 'items.journal')
    fx.emu.faults.failJobs({ times: 1, notes: 'no such column (errorCode=410012)' })
    expect((await push(await input(100), '--journal', journal)).code).toBe(EXIT.failed)
    const other = await input(200)
    const refused = await push(other, '--journal', journal)
    expect(refused.code).toBe(EXIT.input)
    expect(refused.stderr).toContain('JOURNAL_MISMATCH')
    expect(refused.stderr).toContain('rerun with the inputs it was started with')
    expect(refused.stderr).toContain('--abandon-unfinished')
    const abandoned = await push(other, '--journal', journal, '--abandon-unfinished')
    expect(abandoned.code, abandoned.stderr).toBe(EXIT.ok)
    expect((await fx.rows('Items')).map((r) => r.id)).toEqual([1n, 2n, 3n, 4n, 5n, 200n, 201n, 202n])
  })

  it('--journal with --state-dir, --new-run with --run-id, and a bad --keep are usage errors', async () => {
    const file = await input(100)
    for (const flags of [
      ['--journal', join(fx.dir, 'j'), '--state-dir', join(fx.dir, 's')],
      ['--new-run', '--run-id', 'x'],
      ['--state-dir', join(fx.dir, 's'), '--keep', '-1'],
    ]) {
      expect((await push(file, ...flags)).code, flags.join(' ')).toBe(EXIT.usage)
    }
  })
})
