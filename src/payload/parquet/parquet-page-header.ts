import { ENCODING, PAGE } from './parquet-metadata.js'
import { ThriftWriter } from './thrift-compact.js'

// Page headers and column statistics of change files, in Thrift compact encoding.

/**
 * A Statistics struct (as `parseFooter` read it) encoded again, body only (the field header is the
 * caller's): 1 max, 2 min, 5 max_value, 6 min_value (bytes); 3 null_count, 4 distinct_count (i64);
 * 7, 8 exactness flags.
 */
export function encodeStatistics(fields: Record<number, unknown>): Uint8Array {
  const w = new ThriftWriter()
  w.begin()
  for (let id = 1; id <= 8; id++) {
    const v = fields[id]
    if (v === undefined) continue
    if (v instanceof Uint8Array) w.binary(id, v)
    else if (typeof v === 'bigint' || typeof v === 'number') w.i64(id, v)
    else if (typeof v === 'boolean') w.bool(id, v)
  }
  w.end()
  return w.result().slice()
}

/** Serialized header of a data page v2 with PLAIN values and RLE definition levels. */
export function dataPageV2Header(page: {
  rows: number
  nulls: number
  levelBytes: number
  plainBytes: number
  compressedBytes: number
}): Uint8Array {
  const w = new ThriftWriter()
  w.begin()
  w.i32(1, PAGE.DATA_PAGE_V2)
  w.i32(2, page.levelBytes + page.plainBytes)
  w.i32(3, page.levelBytes + page.compressedBytes)
  w.begin(8)
  w.i32(1, page.rows)
  w.i32(2, page.nulls)
  w.i32(3, page.rows)
  w.i32(4, ENCODING.PLAIN)
  w.i32(5, page.levelBytes)
  w.i32(6, 0)
  w.bool(7, true)
  w.end()
  w.end()
  return w.result()
}
