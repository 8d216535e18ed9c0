import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openRunTemp } from '../../../src/internal.js'
import { sweepStaleRunTemps } from '../../../src/plan/run-temp.js'

let base: string
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hd-run-temp-'))
})
afterEach(async () => {
  await rm(base, { recursive: true, force: true })
})

/** A pid that certainly ended: a child that ran and exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

async function leftBy(name: string, owner: Record<string, unknown> | undefined): Promise<string> {
  const dir = join(base, name)
  await mkdir(dir)
  await writeFile(join(dir, 'change-00001.parquet'), 'x')
  if (owner) await writeFile(join(dir, 'owner.json'), JSON.stringify(owner))
  return dir
}

describe('run temp folders', () => {
  it('the next run removes folders whose owner died on this host, and only those', async () => {
    await leftBy('hyperdelta-run-dead', { pid: deadPid(), hostname: hostname(), since: 'x' })
    await leftBy('hyperdelta-run-alive', { pid: process.ppid, hostname: hostname(), since: 'x' })
    await leftBy('hyperdelta-run-elsewhere', { pid: deadPid(), hostname: `${hostname()}-other`, since: 'x' })
    await leftBy('hyperdelta-run-unowned', undefined)
    await leftBy('not-ours', { pid: deadPid(), hostname: hostname(), since: 'x' })
    const temp = await openRunTemp(base)
    expect((await readdir(base)).sort()).toEqual(
      [
        'hyperdelta-run-alive',
        'hyperdelta-run-elsewhere',
        'hyperdelta-run-unowned',
        'not-ours',
        temp.dir.slice(base.length + 1),
      ].sort(),
    )
    await temp.dispose()
    expect(await readdir(base)).not.toContain(temp.dir.slice(base.length + 1))
  })

  it('never sweeps this process’s own folder and tolerates a base that does not exist', async () => {
    const temp = await openRunTemp(base)
    expect(await sweepStaleRunTemps(base)).toEqual([])
    expect(await sweepStaleRunTemps(join(base, 'missing'))).toEqual([])
    await temp.dispose()
  })
})
