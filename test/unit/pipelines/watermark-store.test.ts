import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WatermarkStore } from '../../../pipelines/nightly-cdc/watermark-store.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-wm-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('WatermarkStore', () => {
  it('keeps one exact watermark per pipeline across instances', async () => {
    const path = join(dir, 'nested', 'w.json')
    const store = new WatermarkStore(path)
    expect(await store.get('orders')).toBeUndefined()
    await store.set('orders', 2n ** 62n + 1n, 'run-1')
    await store.set('events', new Date('1969-12-31T23:59:59.999Z'), 'run-2')
    await store.set('names', 'lsn/0042', 'run-3')
    const again = new WatermarkStore(path)
    expect(await again.get('orders')).toBe(2n ** 62n + 1n)
    expect(await again.get('events')).toEqual(new Date('1969-12-31T23:59:59.999Z'))
    expect(await again.get('names')).toBe('lsn/0042')
  })

  it('names the file when it cannot be read', async () => {
    const path = join(dir, 'w.json')
    await writeFile(path, '{oops')
    await expect(new WatermarkStore(path).get('x')).rejects.toMatchObject({
      code: 'WATERMARK_INVALID',
      message: expect.stringContaining(path),
    })
  })
})
