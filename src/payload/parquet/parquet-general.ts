import type { SchemaElement } from 'hyparquet'
import type { ByteWriter } from 'hyparquet-writer'
import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer'
import type { GroupLayout } from './parquet-metadata.js'
import { encodeStatistics } from './parquet-page-header.js'
import { parseFooter } from './parquet-source.js'

/**
 * A row group written by hyparquet-writer's general path (dictionary pages, statistics), through its
 * public API only: the rows become a one-group Parquet buffer, whose column chunks are copied into
 * our file and described in our own footer. No private field of any writer is touched, and the
 * size of what lands in the file is known exactly before the group is kept.
 */
export function appendGeneralGroup(
  out: ByteWriter,
  schema: SchemaElement[],
  columnData: ColumnSource[],
  rows: number,
  statistics: boolean,
): GroupLayout {
  const buffer = new Uint8Array(
    parquetWriteBuffer({
      columnData: columnData.map((c) => ({ ...c, offsetIndex: false, columnIndex: false })),
      schema,
      statistics,
      rowGroupSize: rows,
    }),
  )
  const length = new DataView(buffer.buffer, buffer.byteOffset + buffer.length - 8, 4).getUint32(0, true)
  const footer = parseFooter(buffer.subarray(buffer.length - 8 - length, buffer.length - 8))
  const group = footer.groups[0]
  if (footer.groups.length !== 1 || !group || group.rows !== rows) {
    throw new Error(`internal: expected one row group of ${rows} rows from hyparquet-writer`)
  }
  const base = Math.min(...group.chunks.map((c) => c.start))
  const end = Math.max(...group.chunks.map((c) => c.start + c.bytes))
  out.appendBytes(buffer.subarray(base, end))
  return {
    rows,
    bytes: end - base,
    columns: group.chunks.map((c) => ({
      start: c.start - base,
      dataPageStart: c.dataPageOffset - base,
      dictionaryPageStart: c.dictionaryPageOffset === undefined ? undefined : c.dictionaryPageOffset - base,
      compressedBytes: c.bytes,
      uncompressedBytes: c.uncompressedBytes,
      encodings: c.encodings,
      codec: c.codec,
      numValues: c.numValues,
      ...(statistics && c.statistics && { statistics: encodeStatistics(c.statistics) }),
    })),
  }
}
