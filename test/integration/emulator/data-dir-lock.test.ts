import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator } from '../../../src/emulator/index.js'
import { isHyperdeltaError } from '../../../src/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-emu-lock-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('one emulator per data dir', () => {
  it('a second emulator in the same process is refused; after close the dir is free again', async () => {
    const first = await startEmulator({ dataDir: dir, port: 0 })
    const lock = JSON.parse(await readFile(join(dir, 'emulator.lock'), 'utf8'))
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname() })
    const error = await startEmulator({ dataDir: dir, port: 0 }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'EMULATOR_DATA_DIR_IN_USE')).toBe(true)
    expect((error as Error).message).toMatch(/already used by an emulator in this process/)
    await first.close()
    const again = await startEmulator({ dataDir: dir, port: 0 })
    await again.close()
  })

  it('a lock left by a dead process on this host is taken over', async () => {
    await writeFile(join(dir, 'emulator.lock'), JSON.stringify({ pid: 2 ** 22 + 1, hostname: hostname(), since: '' }))
    const emu = await startEmulator({ dataDir: dir, port: 0 })
    expect(JSON.parse(await readFile(join(dir, 'emulator.lock'), 'utf8')).pid).toBe(process.pid)
    await emu.close()
  })

  it('a lock held on another host is never taken over, and its holder is named', async () => {
    await writeFile(join(dir, 'emulator.lock'), JSON.stringify({ pid: 4242, hostname: 'elsewhere', since: '' }))
    const error = await startEmulator({ dataDir: dir, port: 0 }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'EMULATOR_DATA_DIR_IN_USE')).toBe(true)
    expect((error as Error).message).toMatch(/process 4242 on elsewhere/)
  })
})
