import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isHyperdeltaError } from '../../../src/index.js'
import { TempFileStore } from '../../../src/payload/temp-file-store.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-store-test-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const exists = async (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  )

describe('TempFileStore', () => {
  it('numbers files after the table name, writes them, and reports size and sha256 on close', async () => {
    const store = await TempFileStore.create('my orders/2026', dir)
    const a = await store.open('.parquet')
    const b = await store.open('.parquet')
    expect(a.path).toMatch(/[/\\]my_orders_2026-[0-9a-f]{8}-00001\.parquet$/)
    expect(b.path).toMatch(/-00002\.parquet$/)
    await a.write(new TextEncoder().encode('abc'))
    expect(store.openBytes).toBe(3)
    const closed = await store.close(a)
    expect(closed).toEqual({
      path: a.path,
      bytes: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    })
    expect(store.openBytes).toBe(0)
    expect(await readFile(a.path, 'utf8')).toBe('abc')
    await store.dispose()
  })

  it('in a shared folder, dispose removes only what it created (open ones too), and is idempotent', async () => {
    await writeFile(join(dir, 'keep.txt'), 'mine')
    const store = await TempFileStore.create('t', dir)
    const closed = await store.open('.x')
    await store.close(closed)
    await store.open('.x') // still open at dispose
    await store.dispose()
    await store.dispose()
    expect(await readdir(dir)).toEqual(['keep.txt'])
  })

  it('without a folder, makes one under the temp dir and removes it whole', async () => {
    const store = await TempFileStore.create('t')
    expect(store.dir.startsWith(tmpdir())).toBe(true)
    const sink = await store.open('.x')
    await store.close(sink)
    await writeFile(join(store.dir, 'stray'), '')
    await store.dispose()
    expect(await exists(sink.path)).toBe(false)
    expect(await readdir(store.dir).catch(() => 'gone')).toBe('gone')
  })

  it('remove() deletes one file and forgets it', async () => {
    const store = await TempFileStore.create('t', dir)
    const sink = await store.open('.x')
    await store.close(sink)
    await store.remove(sink.path)
    expect(await readdir(dir)).toEqual([])
    await store.dispose()
  })

  it('typed PAYLOAD_IO errors: a folder that is not there, a sink it did not open, use after dispose', async () => {
    const missing = await TempFileStore.create('t', join(dir, 'no', 'such'))
    const error = await missing.open('.x').catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_IO') && error.details.path).toContain(join(dir, 'no', 'such'))

    const store = await TempFileStore.create('t', dir)
    const other = await TempFileStore.create('t', dir)
    const foreign = await other.open('.x')
    await expect(store.close(foreign)).rejects.toMatchObject({ code: 'PAYLOAD_IO' })
    await store.dispose()
    await expect(store.open('.x')).rejects.toMatchObject({ code: 'PAYLOAD_IO' })
    await other.dispose()
  })
})
