import { ByteWriter, type ParquetWriter } from 'hyparquet-writer'

/**
 * Most bytes one more row group of ours (`appendRowGroup`: no statistics, no page indexes) adds to
 * the footer. Per column chunk: a struct of eleven small fields — each under 12 bytes as a compact
 * thrift varint, plus the column's name once in `path_in_schema` — well under 128 bytes + the name
 * twice; per row group: its own four fields, the list header growing past 15 entries and `num_rows`
 * growing a varint byte, well under 64 bytes.
 */
export function groupFooterBound(names: readonly string[]): number {
  return names.reduce((sum, name) => sum + 128 + 2 * Buffer.byteLength(name, 'utf8'), 64)
}

/** Bytes that `finish()` would append now: page indexes, footer metadata and the closing magic. */
export function footerBytes(writer: ParquetWriter): number {
  const real = writer.writer
  const dry = new ByteWriter(1 << 16)
  dry.offset = real.offset
  writer.writer = dry
  try {
    writer.finish()
  } finally {
    writer.writer = real
  }
  return dry.offset - real.offset
}
