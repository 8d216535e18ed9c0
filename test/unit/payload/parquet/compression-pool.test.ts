import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { int64, text } from '../../../../src/index.js'
import { compressGroup, compressGroupSync, OutputBuffers } from '../../../../src/payload/parquet/compression-pool.js'
import { type EncodedRowGroup, encodeRowGroup } from '../../../../src/payload/parquet/parquet-pages.js'
import { resolveSnappy } from '../../../../src/payload/parquet/snappy.js'
import { TextColumn } from '../../../../src/payload/text-column.js'

const types = [int64(), text()]

/** A group of `rows` rows whose text is repetitive (compresses well) or random (SNAPPY cannot shrink it). */
function group(rows: number, random: boolean): EncodedRowGroup {
  const ids = new BigInt64Array(rows).map((_, i) => BigInt(i))
  const texts = new TextColumn(rows)
  for (let i = 0; i < rows; i++) texts.push(random ? randomBytes(24).toString('base64') : `row ${i % 50}`)
  return encodeRowGroup(types, [ids, texts], 0, rows)
}

const bytesOf = (g: EncodedRowGroup) =>
  g.columns.map((pages) => pages.map((p) => Buffer.from(p.values).toString('hex')))

/** Buffers that never fit: every group comes back in buffers of its own. */
class TooSmall extends OutputBuffers {
  override take(): ArrayBuffer {
    return new ArrayBuffer(8)
  }
}

describe('compression on a worker with reused output buffers', () => {
  const snappy = resolveSnappy('auto')

  it('gives the same pages as compressing on this thread, and reuses a buffer once given back', async () => {
    const outputs = new OutputBuffers()
    for (const random of [false, true]) {
      const a = group(20_000, random)
      const sync = compressGroupSync(structuredClone(a), snappy)
      const first = await compressGroup(a, 1, snappy, outputs)
      expect(bytesOf(first)).toEqual(bytesOf(sync))
      const lent = first.columns[0]![0]!.values.buffer
      outputs.giveBack(first)
      const b = group(20_000, random)
      const syncB = compressGroupSync(structuredClone(b), snappy)
      const second = await compressGroup(b, 1, snappy, outputs)
      expect(bytesOf(second)).toEqual(bytesOf(syncB))
      // The buffer given back went out again with the next group (a transfer leaves this side empty).
      expect(lent.byteLength).toBe(0)
      expect(second.columns[0]![0]!.values.buffer.byteLength).toBeGreaterThan(0)
      outputs.giveBack(second)
    }
  })

  it('falls back to the worker’s own buffers when the pages do not fit', async () => {
    const g = group(5_000, true)
    const sync = compressGroupSync(structuredClone(g), snappy)
    expect(bytesOf(await compressGroup(g, 1, snappy, new TooSmall()))).toEqual(bytesOf(sync))
  })
})
