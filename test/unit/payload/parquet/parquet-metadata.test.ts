import { parquetMetadata } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { bool, defineTable, int64, text, timestamp } from '../../../../src/index.js'
import { encodeDefinitionLevels } from '../../../../src/payload/parquet/parquet-levels.js'
import { FooterBuilder, MAGIC, tableLeaves } from '../../../../src/payload/parquet/parquet-metadata.js'
import { parseFooter } from '../../../../src/payload/parquet/parquet-source.js'

const table = defineTable(
  { schema: 'Extract', name: 'footer' },
  {
    i: int64(),
    [`long_${'n'.repeat(200)}`]: text({ nullable: true }),
    größe_東京: bool(),
    ts: timestamp({ nullable: true }),
  },
)

describe('FooterBuilder', () => {
  it('knows its exact size as row groups are added and removed (past 15 groups, growing varints), and hyparquet reads it', () => {
    const leaves = tableLeaves(table)
    const footer = new FooterBuilder(leaves)
    let offset = MAGIC.length
    let rows = 1
    for (let g = 0; g < 40; g++) {
      rows = Math.min(rows * 3, 2_000_000)
      const chunk = { encodings: [0, 3], codec: 1, numValues: rows, dictionaryPageStart: undefined }
      const columns = leaves.map((_, j) => ({
        ...chunk,
        start: j * rows,
        dataPageStart: j * rows,
        compressedBytes: rows,
        uncompressedBytes: rows * 2,
      }))
      footer.add({ rows, bytes: rows * leaves.length, columns }, offset)
      expect(footer.bytes().length, `group ${g}`).toBe(footer.length)
      if (g % 7 === 3) {
        footer.removeLast(rows)
        expect(footer.bytes().length).toBe(footer.length)
        footer.add({ rows, bytes: rows * leaves.length, columns }, offset)
      }
      offset += rows * leaves.length
    }
    const bytes = footer.bytes()
    const file = new Uint8Array(offset + bytes.length)
    file.set(MAGIC)
    file.set(bytes, offset)
    const metadata = parquetMetadata(file.buffer)
    expect(metadata.row_groups.length).toBe(40)
    expect(metadata.schema.map((e) => e.name)).toEqual(['schema', ...table.columnNames])
    expect(metadata.schema[4]).toMatchObject({
      type: 'INT64',
      repetition_type: 'OPTIONAL',
      converted_type: 'TIMESTAMP_MICROS',
    })
    const ours = parseFooter(bytes.subarray(0, bytes.length - 8))
    expect(ours.groups.map((g) => g.rows)).toEqual(metadata.row_groups.map((g) => Number(g.num_rows)))
    expect(ours.leaves.map((l) => l.optional)).toEqual([false, true, false, true])
  })
})

describe('encodeDefinitionLevels', () => {
  it('round-trips any pattern through a decoder of the RLE / bit-packed hybrid', () => {
    const decode = (bytes: Uint8Array, n: number) => {
      const out: number[] = []
      let p = 0
      while (out.length < n) {
        let header = 0
        let shift = 0
        for (;;) {
          const b = bytes[p++]!
          header |= (b & 0x7f) << shift
          shift += 7
          if (b < 0x80) break
        }
        if (header & 1) {
          for (let g = 0; g < header >>> 1; g++) {
            const byte = bytes[p++]!
            for (let k = 0; k < 8; k++) out.push((byte >> k) & 1)
          }
        } else {
          const v = bytes[p++]!
          for (let k = 0; k < header >>> 1; k++) out.push(v)
        }
      }
      return out.slice(0, n)
    }
    for (const pattern of [
      () => 1,
      (i: number) => i % 2,
      (i: number) => (i % 100 < 40 ? 1 : 0),
      (i: number) => ((i * 2654435761) >>> 31) & 1,
      (i: number) => (i < 17 ? 0 : 1),
    ]) {
      for (const n of [1, 7, 8, 9, 15, 16, 17, 100, 1000]) {
        const defined = Uint8Array.from({ length: n }, (_, i) => pattern(i))
        expect(decode(encodeDefinitionLevels(defined), n)).toEqual([...defined])
      }
    }
  })
})
