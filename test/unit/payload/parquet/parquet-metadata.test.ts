import { parquetMetadata } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { bool, defineTable, int64, text, timestamp } from '../../../../src/index.js'
import { encodeDefinitionLevels } from '../../../../src/payload/parquet/parquet-levels.js'
import { FooterBuilder, MAGIC, tableLeaves } from '../../../../src/payload/parquet/parquet-metadata.js'
import { chunkValuesValid } from '../../../../src/payload/parquet/parquet-page-checks.js'
import { parseFooter } from '../../../../src/payload/parquet/parquet-source.js'
import { resolveSnappy, snappyCompress } from '../../../../src/payload/parquet/snappy.js'
import { ThriftWriter } from '../../../../src/payload/parquet/thrift-compact.js'

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

describe('chunkValuesValid', () => {
  function plainPage(values: Uint8Array): Uint8Array {
    const w = new ThriftWriter()
    w.begin()
    w.i32(1, 0) // DATA_PAGE
    w.i32(2, values.length)
    w.i32(3, values.length)
    w.begin(5)
    w.i32(1, 2)
    w.i32(2, 0) // PLAIN
    w.i32(3, 3)
    w.i32(4, 3)
    w.end()
    w.end()
    const header = w.result()
    const page = new Uint8Array(header.length + values.length)
    page.set(header)
    page.set(values, header.length)
    return page
  }
  const byteArrays = (...parts: number[][]) => Uint8Array.from(parts.flatMap((p) => [p.length, 0, 0, 0, ...p]))

  it('accepts well-formed UTF-8 values and refuses one invalid or split sequence', () => {
    const euro = [0xe2, 0x82, 0xac]
    expect(chunkValuesValid(plainPage(byteArrays(euro, [0x41], [])), 0, false, 'utf8')).toBe(true)
    // A sequence split across two values is valid as concatenated bytes, but not as values.
    expect(chunkValuesValid(plainPage(byteArrays(euro.slice(0, 1), euro.slice(1))), 0, false, 'utf8')).toBe(false)
    // A UTF-16 surrogate encoded as UTF-8 (CESU) is what a lone surrogate would become.
    expect(chunkValuesValid(plainPage(byteArrays([0xed, 0xa0, 0x80])), 0, false, 'utf8')).toBe(false)
  })

  it('checks SNAPPY pages with definition levels before the values (misaligned doubles after decompression)', () => {
    const levels = Uint8Array.of(3, 0, 0, 0, 0x06, 0x01, 0x00) // 4-byte length, then 3 level bytes
    const check = (...v: number[]) => {
      const plain = new Uint8Array(levels.length + v.length * 8)
      plain.set(levels)
      plain.set(new Uint8Array(new Float64Array(v).buffer), levels.length)
      const body = snappyCompress(resolveSnappy('auto'), plain)
      const w = new ThriftWriter()
      w.begin()
      w.i32(1, 0)
      w.i32(2, plain.length)
      w.i32(3, body.length)
      w.begin(5)
      w.i32(1, v.length)
      w.i32(2, 0)
      w.i32(3, 3)
      w.i32(4, 3)
      w.end()
      w.end()
      const page = new Uint8Array(w.length + body.length)
      page.set(w.result())
      page.set(body, w.length)
      return chunkValuesValid(page, 1, true, 'finite')
    }
    expect(check(1.5, -2, 3)).toBe(true)
    expect(check(1.5, Number.NaN, 3)).toBe(false)
  })

  it('refuses NaN and infinities, accepts finite doubles', () => {
    const doubles = (...v: number[]) => new Uint8Array(new Float64Array(v).buffer)
    expect(chunkValuesValid(plainPage(doubles(1, -2.5, 1e308)), 0, false, 'finite')).toBe(true)
    expect(chunkValuesValid(plainPage(doubles(1, Number.NaN)), 0, false, 'finite')).toBe(false)
    expect(chunkValuesValid(plainPage(doubles(Number.NEGATIVE_INFINITY)), 0, false, 'finite')).toBe(false)
  })
})
