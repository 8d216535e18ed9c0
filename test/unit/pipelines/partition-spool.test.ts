import { describe, expect, it } from 'vitest'
import { PartitionSpool } from '../../../pipelines/nightly-cdc/partition-spool.js'

describe('PartitionSpool', () => {
  it('returns every record of a key in its partition, in write order, with exact values', async () => {
    const spool = await PartitionSpool.create(4)
    try {
      const records = Array.from({ length: 500 }, (_, i) => ({
        k: `key-${i % 50}`,
        big: 2n ** 63n - BigInt(i),
        at: new Date(Date.UTC(1900, 0, 1) + i),
        s: '👩‍👩‍👧 東京'.repeat(i % 3),
        n: null,
      }))
      for (const r of records) await spool.write(r.k, r)
      await spool.finish()
      const read: (typeof records)[number][] = []
      for (let p = 0; p < spool.partitions; p++) {
        for await (const r of spool.read<(typeof records)[number]>(p)) {
          expect(spool.partitionOf(r.k)).toBe(p)
          read.push(r)
        }
      }
      expect(read).toHaveLength(records.length)
      for (let p = 0; p < spool.partitions; p++) {
        const expected = records.filter((r) => spool.partitionOf(r.k) === p)
        expect(read.filter((r) => spool.partitionOf(r.k) === p)).toEqual(expected)
      }
    } finally {
      await spool.dispose()
    }
  })
})
