import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { writeChangeFiles } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { itemRows, items, PAT } from '../plan/emulator-fixture.js'

// Orchestrator-facing job commands against an emulator whose jobs take a while: push --no-wait hands back the
// job, `job status` exits by its finish code, `job cancel` on an ended job says so and fails.

let emu: Emulator
let dir: string
let batchFile: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-job-status-'))
  emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), jobDelayMs: 1500, users: [{ name: 'a', pat: PAT }] })
  await emu.createDatasource({ name: 'Items', table: items, rows: itemRows(1, 5) })
  batchFile = join(dir, 'batch.json')
  await writeFile(
    batchFile,
    JSON.stringify({
      actions: [{ action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' }],
    }),
  )
})
afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

const cli = (args: string[]) =>
  runCliInProcess(args, {
    TABLEAU_SERVER: emu.url,
    TABLEAU_SITE: '',
    TABLEAU_PAT_NAME: PAT.name,
    TABLEAU_PAT_SECRET: PAT.secret,
  })

async function input(from: number): Promise<string> {
  return (await writeChangeFiles(items.as('changes'), itemRows(from, 3), { dir })).files[0]!.path
}

const push = (file: string, stateDir: string, ...more: string[]) =>
  cli([
    'push',
    '--batch',
    batchFile,
    '--input',
    `changes=${file}`,
    '--datasource',
    'Items',
    '--state-dir',
    stateDir,
    '--json',
    ...more,
  ])

describe('push --no-wait and job status / cancel', () => {
  it('hands back the submitted job; job status exits 9 while it runs and 0 once it succeeded; the rerun finishes', async () => {
    const stateDir = join(dir, 'lane-a')
    const file = await input(100)
    const submitted = await push(file, stateDir, '--no-wait')
    expect(submitted.code, submitted.stderr).toBe(EXIT.ok)
    const report = JSON.parse(submitted.stdout)
    expect(report.outcome).toBe('submitted')
    expect(report.requests[0]).toMatchObject({ outcome: 'submitted', jobId: expect.any(String) })
    const jobId: string = report.requests[0].jobId
    const running = await cli(['job', 'status', jobId])
    expect(running).toMatchObject({ code: EXIT.running, stdout: `job ${jobId}: running\n` })
    expect((await cli(['job', 'wait', jobId])).code).toBe(EXIT.ok)
    const done = await cli(['job', 'status', jobId, '--json'])
    expect(done.code).toBe(EXIT.ok)
    expect(JSON.parse(done.stdout)).toMatchObject({ id: jobId, state: 'succeeded', finishCode: 0 })
    const ended = await cli(['job', 'cancel', jobId])
    expect(ended.code).toBe(EXIT.failed)
    expect(ended.stderr).toContain('already ended (succeeded); nothing to cancel')
    expect(ended.stdout).not.toContain('cancel requested')
    // The rerun waits for nothing new and finishes the run; another rerun sends nothing.
    const rerun = await push(file, stateDir)
    expect(rerun.code, rerun.stderr).toBe(EXIT.ok)
    expect(JSON.parse(rerun.stdout).requests[0].jobId).toBe(jobId)
    const again = await push(file, stateDir)
    expect(JSON.parse(again.stdout).requests[0].outcome).toBe('already-applied')
    const rows = await emu.query(`SELECT count(*)::INTEGER AS n FROM "Items"."Extract"."Extract" WHERE id >= 100`)
    expect(rows).toEqual([{ n: 3 }])
  })

  it('a cancelled job: job status exits 8; the next night after a no-wait whose job succeeded is not blocked', async () => {
    const stateDir = join(dir, 'lane-b')
    const first = JSON.parse((await push(await input(200), stateDir, '--no-wait')).stdout)
    const jobId: string = first.requests[0].jobId
    expect((await cli(['job', 'cancel', jobId])).code).toBe(EXIT.ok)
    let status = await cli(['job', 'status', jobId])
    for (let i = 0; i < 50 && status.code === EXIT.running; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = await cli(['job', 'status', jobId])
    }
    expect(status).toMatchObject({ code: EXIT.cancelled, stdout: `job ${jobId}: cancelled\n` })

    const lane = join(dir, 'lane-c')
    const night1 = JSON.parse((await push(await input(300), lane, '--no-wait')).stdout)
    expect((await cli(['job', 'wait', night1.requests[0].jobId])).code).toBe(EXIT.ok)
    // Night 2 with new inputs, no rerun of night 1 in between: its job succeeded, so night 1 counts as finished.
    const night2 = await push(await input(400), lane)
    expect(night2.code, night2.stderr).toBe(EXIT.ok)
    expect(JSON.parse(night2.stdout).outcome).toBe('succeeded')
  })
})
