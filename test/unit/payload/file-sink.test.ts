import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { FileSink, type SinkHashing } from '../../../src/payload/file-sink.js'
import { ReadBackSha256 } from '../../../src/payload/read-back-sha256.js'

const dir = await mkdtemp(join(tmpdir(), 'hd-file-sink-'))
afterAll(() => rm(dir, { recursive: true, force: true }))
afterEach(() => vi.restoreAllMocks())

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

/** Writes `sizes` chunks of random bytes and returns what close() said. */
async function write(
  name: string,
  sizes: number[],
  hashing: SinkHashing = 'read-back',
): Promise<{ path: string; bytes: number; sha256: string }> {
  const sink = await FileSink.create(join(dir, name), hashing)
  for (const size of sizes) await sink.write(randomBytes(size))
  return { path: sink.path, ...(await sink.close()) }
}

describe('FileSink: size and sha256 of what it wrote', () => {
  it('hashes small files and files large enough for the hashing thread alike', async () => {
    const cases: [string, number[]][] = [
      ['empty', []],
      ['small', [4, 1000, 70_000]],
      // Crosses the point where hashing moves to the thread in the middle of a chunk, then grows.
      ['large', [4, 1_500_000, 1_500_000, 3_000_000, 17, 2_000_000]],
    ]
    for (const hashing of ['inline', 'read-back'] as const) {
      for (const [name, sizes] of cases) {
        const closed = await write(`${hashing}-${name}`, sizes, hashing)
        expect(closed.bytes).toBe(sizes.reduce((a, b) => a + b, 0))
        expect(closed.sha256).toBe(await sha256(closed.path))
      }
    }
  })

  it('hashes several large files written at the same time', async () => {
    const closed = await Promise.all(['a', 'b', 'c'].map((n) => write(`parallel-${n}`, [3_000_000, 1_000_000, 5])))
    for (const file of closed) expect(file.sha256).toBe(await sha256(file.path))
  })

  it('hashes the file itself when the hashing thread fails', async () => {
    vi.spyOn(ReadBackSha256.prototype, 'digest').mockRejectedValue(new Error('thread gone'))
    const closed = await write('fallback', [3_000_000, 10])
    expect(closed.sha256).toBe(await sha256(closed.path))
  })

  it('the hashing thread reports a file it cannot read instead of answering', async () => {
    const stream = ReadBackSha256.start(join(dir, 'does-not-exist'))
    expect(stream).toBeDefined()
    stream!.written(10)
    await expect(stream!.digest(10)).rejects.toThrow(/ENOENT/)
  })
})
