import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import { bool, defineTable, int64, text, timestamp } from '../../../src/index.js'
import { compressGroupSync } from '../../../src/payload/compression-pool.js'
import { footerBytes, groupFooterBound } from '../../../src/payload/parquet-footer.js'
import { appendRowGroup, encodeRowGroup } from '../../../src/payload/parquet-pages.js'
import { parquetSchema } from '../../../src/payload/parquet-schema.js'
import { TextColumn } from '../../../src/payload/text-column.js'

describe('groupFooterBound', () => {
  it('bounds the footer growth of every appended row group (short, long and non-ASCII names; past 15 groups)', () => {
    const table = defineTable(
      { schema: 'Extract', name: 'footer' },
      {
        i: int64(),
        [`long_${'n'.repeat(200)}`]: text({ nullable: true }),
        größe_東京: bool(),
        ts: timestamp({ nullable: true }),
      },
    )
    const names = table.columnNames
    const types = names.map((n) => table.columns[n]!)
    const schema = parquetSchema(table)
    const bound = groupFooterBound(names)
    const writer = new ParquetWriter({ writer: new ByteWriter(), schema, statistics: false })
    let footer = footerBytes(writer)
    let rows = 1
    for (let g = 0; g < 40; g++) {
      // Row counts and offsets growing by orders of magnitude grow every varint in the metadata.
      rows = Math.min(rows * 3, 200_000)
      const text = new TextColumn(rows)
      for (let r = 0; r < rows; r++) text.push(r % 5 === 0 ? null : `v${r}`)
      const columns = [new BigInt64Array(rows), text, new Array(rows).fill(true), new Array(rows).fill(null)]
      appendRowGroup(writer, schema, compressGroupSync(encodeRowGroup(types, columns, 0, rows), 'js'))
      const next = footerBytes(writer)
      expect(next - footer, `group ${g}`).toBeGreaterThan(0)
      expect(next - footer, `group ${g}`).toBeLessThanOrEqual(bound)
      footer = next
    }
  })
})
