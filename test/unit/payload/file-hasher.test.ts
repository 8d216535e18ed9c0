import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashFile, hashWorker } from '../../../src/payload/file-hasher.js'
import { FileSink } from '../../../src/payload/file-sink.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-hasher-test-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sha = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256')
  for (const p of parts) hash.update(p)
  return hash.digest('hex')
}

describe('file hashing off the calling thread', () => {
  it('runs on a worker where there are two cores or more', () => {
    // The CI machines and this one have at least two: a null here would leave the worker path untested.
    expect(hashWorker()).not.toBeNull()
  })

  it('hashes what was written, across many writes and larger than the worker buffer, for files written side by side', async () => {
    const parts = [randomBytes(3), randomBytes(1 << 20), randomBytes(0), randomBytes((1 << 20) + 17), randomBytes(5)]
    const a = await FileSink.create(join(dir, 'a'))
    const b = await FileSink.create(join(dir, 'b'))
    for (const p of parts) {
      await a.write(p)
      await b.write(p.subarray(0, 2))
    }
    const empty = await FileSink.create(join(dir, 'empty'))
    expect(await a.close()).toEqual({ bytes: parts.reduce((n, p) => n + p.length, 0), sha256: sha(...parts) })
    expect(await b.close()).toEqual({ bytes: 8, sha256: sha(...parts.map((p) => p.subarray(0, 2))) })
    expect(await empty.close()).toEqual({ bytes: 0, sha256: sha() })
  })

  it('the worker answers undefined for a file it cannot hash (then the sink hashes on its own thread)', async () => {
    const worker = hashWorker()!
    expect(await worker.digest(worker.open(join(dir, 'missing', 'file')), 10)).toBeUndefined()
    expect(await worker.digest(12345678, 10)).toBeUndefined() // never opened
    expect(worker.usable).toBe(true)
  })

  it('hashFile reads exactly the given length and refuses a file shorter than that', async () => {
    const sink = await FileSink.create(join(dir, 'x'))
    const bytes = randomBytes(3000)
    await sink.write(bytes)
    await sink.close()
    expect(await hashFile(sink.path, 3000)).toBe(sha(bytes))
    expect(await hashFile(sink.path, 1000)).toBe(sha(bytes.subarray(0, 1000)))
    await expect(hashFile(sink.path, 3001)).rejects.toThrow(/ends at byte 3000/)
  })
})
