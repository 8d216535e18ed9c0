import type { ByteWriter } from 'hyparquet-writer'
import type { ColumnType } from '../../schema/column-types.js'
import type { ColumnVector } from '../payload-format.js'
import { TextColumn } from '../text-column.js'
import { DECIMAL_BYTES, fixedWidth } from './parquet-leaf-types.js'
import { encodeDefinitionLevels } from './parquet-levels.js'
import { type ChunkLayout, CODEC, ENCODING, type GroupLayout } from './parquet-metadata.js'
import { dataPageV2Header } from './parquet-page-header.js'

/**
 * Our flat columns' data pages, encoded straight from the batch's typed arrays and strings.
 *
 * Why not `ParquetWriter.write`: for flat PLAIN pages it converts every value on its own (one
 * `Uint8Array` per string, twice; one `DataView` call per number), which was several times slower
 * than DuckDB's COPY on the benchmark change set (bench/results.md, "Measurements behind design choices"). Here
 * fixed-width columns are one memory copy and text is written into one buffer per page. Page headers, levels and
 * the footer are ours too (parquet-metadata.ts, parquet-levels.ts), so no other package's internals decide a file's
 * size. The output is the same layout as before: data
 * page v2, PLAIN values, RLE definition levels, one column chunk per column.
 *
 * Pages are encoded independently of where they land in the file, so a row group can be encoded
 * (and compressed, even on another thread) before the file it goes into is known.
 */

/** Target bytes of PLAIN values per data page (hyparquet-writer's default, and parquet-mr's). */
const PAGE_BYTES = 1 << 20
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** One data page before it is placed in a file. `values` is replaced by its compressed form. */
export interface EncodedPage {
  readonly rows: number
  readonly nulls: number
  /** RLE/bit-packed definition levels (stored uncompressed in a v2 page); empty for REQUIRED. */
  readonly levels: Uint8Array
  /**
   * PLAIN values — for text, the UTF-8 without the 4-byte lengths, which `lengths` holds and
   * `finishPage` interleaves — then, once finished, the compressed PLAIN bytes.
   */
  values: Uint8Array
  lengths: Int32Array | undefined
  /** Length of the PLAIN values before compression. */
  readonly plainBytes: number
}

/** A row group's pages, column by column, in table order. */
export interface EncodedRowGroup {
  readonly rows: number
  readonly columns: readonly (readonly EncodedPage[])[]
}

/** PLAIN bytes of a fixed-width typed array slice (a copy: pages may be transferred to a worker). */
function fixedBytes(vector: BigInt64Array | Int32Array | Float64Array, start: number, end: number): Uint8Array {
  const width = vector.BYTES_PER_ELEMENT
  if (LITTLE_ENDIAN)
    return new Uint8Array(vector.buffer, vector.byteOffset + start * width, (end - start) * width).slice()
  const out = new Uint8Array((end - start) * width)
  const view = new DataView(out.buffer)
  for (let i = start; i < end; i++) {
    const v = vector[i]!
    if (typeof v === 'bigint') view.setBigInt64((i - start) * 8, v, true)
    else if (width === 8) view.setFloat64((i - start) * 8, v, true)
    else view.setInt32((i - start) * 4, v, true)
  }
  return out
}

/** Non-null unscaled decimals as 16-byte big-endian two's complement (FIXED_LEN_BYTE_ARRAY). */
function packWideDecimals(values: readonly unknown[], start: number, end: number, count: number): Uint8Array {
  const out = new Uint8Array(count * DECIMAL_BYTES)
  const view = new DataView(out.buffer)
  let k = 0
  for (let i = start; i < end; i++) {
    const v = values[i]
    if (v === null || v === undefined) continue
    const n = BigInt.asUintN(128, v as bigint)
    view.setBigUint64(k * DECIMAL_BYTES, n >> 64n)
    view.setBigUint64(k * DECIMAL_BYTES + 8, BigInt.asUintN(64, n))
    k++
  }
  return out
}

/** Non-null values of a nullable column slice packed into a typed array of the column's kind. */
function packFixed(column: ColumnType, values: readonly unknown[], start: number, end: number, count: number) {
  const width = fixedWidth(column)
  if (width === DECIMAL_BYTES) return packWideDecimals(values, start, end, count)
  const out =
    column.kind === 'float64' ? new Float64Array(count) : width === 8 ? new BigInt64Array(count) : new Int32Array(count)
  let k = 0
  for (let i = start; i < end; i++) {
    const v = values[i]
    if (v !== null && v !== undefined) (out as unknown as unknown[])[k++] = v
  }
  // `out` is ours alone: on little-endian machines its memory already is the PLAIN bytes.
  return LITTLE_ENDIAN ? new Uint8Array(out.buffer) : fixedBytes(out, 0, count)
}

function packBooleans(values: ArrayLike<unknown>, start: number, end: number, count: number): Uint8Array {
  const out = new Uint8Array((count + 7) >>> 3)
  let k = 0
  for (let i = start; i < end; i++) {
    const v = values[i]
    if (v === null || v === undefined) continue
    if (v) out[k >>> 3]! |= 1 << (k & 7)
    k++
  }
  return out
}

/** End of the page that starts at `start`: about PAGE_BYTES of values, at least one row. */
function pageEnd(column: ColumnType, vector: ColumnVector, start: number, end: number): number {
  if (column.kind === 'bool') return Math.min(end, start + PAGE_BYTES * 8)
  if (!(vector instanceof TextColumn)) {
    return Math.min(end, start + Math.max(1, Math.floor(PAGE_BYTES / fixedWidth(column))))
  }
  const starts = vector.starts
  const limit = starts[start]! + PAGE_BYTES
  let i = start + 1
  while (i < end && starts[i]! < limit) i++
  return i
}

function encodePage(column: ColumnType, vector: ColumnVector, start: number, end: number): EncodedPage {
  const rows = end - start
  let levels: Uint8Array = new Uint8Array(0)
  let nulls = 0
  if (column.nullable) {
    const defined = new Uint8Array(rows)
    for (let i = start; i < end; i++) {
      const isNull = vector instanceof TextColumn ? vector.isNull(i) : (vector as readonly unknown[])[i] == null
      if (isNull) nulls++
      else defined[i - start] = 1
    }
    levels = encodeDefinitionLevels(defined)
  }
  const count = rows - nulls
  let values: Uint8Array
  if (vector instanceof TextColumn) {
    const { bytes, lengths } = vector.slice(start, end)
    return { rows, nulls, levels, values: bytes, lengths, plainBytes: bytes.length + 4 * lengths.length }
  }
  if (column.kind === 'bool') values = packBooleans(vector as ArrayLike<unknown>, start, end, count)
  else if (!Array.isArray(vector)) values = fixedBytes(vector as BigInt64Array | Int32Array | Float64Array, start, end)
  else values = packFixed(column, vector, start, end, count)
  return { rows, nulls, levels, values, lengths: undefined, plainBytes: values.length }
}

/** Encodes rows [start, end) of a batch's columns as data pages (uncompressed). */
export function encodeRowGroup(
  types: readonly ColumnType[],
  columns: readonly ColumnVector[],
  start: number,
  end: number,
): EncodedRowGroup {
  return {
    rows: end - start,
    columns: types.map((column, j) => {
      const vector = columns[j]!
      const pages: EncodedPage[] = []
      for (let from = start; from < end; ) {
        const to = pageEnd(column, vector, from, end)
        pages.push(encodePage(column, vector, from, to))
        from = to
      }
      return pages
    }),
  }
}

/**
 * Appends an encoded and SNAPPY-compressed (`compressGroup`) row group at `out`'s current end and
 * returns where its column chunks lie, relative to the group's first byte (for the footer).
 */
export function appendRowGroup(out: ByteWriter, group: EncodedRowGroup): GroupLayout {
  const groupStart = out.offset
  const columns: ChunkLayout[] = group.columns.map((pages) => {
    const chunkStart = out.offset
    let uncompressed = 0
    let optional = false
    for (const page of pages) {
      const header = dataPageV2Header({
        rows: page.rows,
        nulls: page.nulls,
        levelBytes: page.levels.length,
        plainBytes: page.plainBytes,
        compressedBytes: page.values.length,
      })
      out.appendBytes(header)
      uncompressed += header.length + page.levels.length + page.plainBytes
      if (page.levels.length > 0) {
        optional = true
        out.appendBytes(page.levels)
      }
      out.appendBytes(page.values)
    }
    return {
      start: chunkStart - groupStart,
      dataPageStart: chunkStart - groupStart,
      dictionaryPageStart: undefined,
      compressedBytes: out.offset - chunkStart,
      uncompressedBytes: uncompressed,
      encodings: optional ? [ENCODING.PLAIN, ENCODING.RLE] : [ENCODING.PLAIN],
      codec: CODEC.SNAPPY,
      numValues: group.rows,
    }
  })
  return { rows: group.rows, bytes: out.offset - groupStart, columns }
}
