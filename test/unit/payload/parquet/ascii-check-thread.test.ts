import { compress as compressJs } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { type AsciiJob, asciiCheckThread } from '../../../../src/payload/parquet/ascii-check-thread.js'
import { snappyAsciiFrom } from '../../../../src/payload/parquet/snappy-ascii.js'

/** A PLAIN text page: optional levels (their length first), then each value behind its 4-byte length. */
function page(values: string[], levels?: number[]): Uint8Array {
  const parts: number[] = levels ? [levels.length, 0, 0, 0, ...levels] : []
  for (const v of values) {
    const bytes = new TextEncoder().encode(v)
    parts.push(bytes.length, 0, 0, 0, ...bytes)
  }
  return Uint8Array.from(parts)
}

describe('the ASCII proof on its own thread', () => {
  it('answers as the same proof on this thread does, reading the pages in shared memory', async () => {
    const plains = [
      page(Array.from({ length: 2000 }, (_, i) => `c0${String(i).padStart(18, '0')}`)),
      page(['naïve', 'café']),
      page(['plain', 'text'], [0xa0, 0x9c, 0x01, 0x01]),
      page(['x'.repeat(300)], [0x80, 0x80]),
    ]
    const blocks = plains.map((p) => compressJs(p))
    const shared = new Uint8Array(new SharedArrayBuffer(blocks.reduce((n, b) => n + b.length, 7)))
    const jobs: AsciiJob[] = []
    let at = 7 // not at the start of the buffer: offsets are absolute
    blocks.forEach((block, k) => {
      shared.set(block, at)
      jobs.push([at, block.length, plains[k]!.length, k >= 2])
      at += block.length
    })
    const here = jobs.map(([start, length, size, levels]) =>
      snappyAsciiFrom(shared.subarray(start, start + length), size, levels),
    )
    expect(here).toEqual([true, false, true, true])
    const thread = asciiCheckThread()
    expect(thread).toBeDefined()
    expect(await thread!.prove(shared.buffer as SharedArrayBuffer, jobs)).toEqual(here)
  })
})
