import type { Table } from '../../schema/define-table.js'
import { DECIMAL_BYTES, type LeafType, PHYSICAL, physicalType, writeLeafAnnotations } from './parquet-leaf-types.js'
import { T, ThriftWriter } from './thrift-compact.js'

/**
 * Parquet's footer (FileMetaData) and data page v2 headers, written by us: the enum codes and field
 * ids below are the Parquet format's (parquet.thrift). Row groups are placed with offsets relative
 * to where they land in the file, so the same group can be tried in a file and rolled back, and the
 * footer's size is known exactly at every step.
 */

export { PHYSICAL, physicalType } from './parquet-leaf-types.js'
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, LZO: 3, BROTLI: 4, LZ4: 5, ZSTD: 6, LZ4_RAW: 7 } as const
export const ENCODING = {
  PLAIN: 0,
  PLAIN_DICTIONARY: 2,
  RLE: 3,
  BIT_PACKED: 4,
  DELTA_BINARY_PACKED: 5,
  DELTA_LENGTH_BYTE_ARRAY: 6,
  DELTA_BYTE_ARRAY: 7,
  RLE_DICTIONARY: 8,
  BYTE_STREAM_SPLIT: 9,
} as const
export const PAGE = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const
const REQUIRED = 0
const OPTIONAL = 1

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]) // "PAR1"
const CREATED_BY = 'hyperdelta'

/** One leaf column of a change file. */
export interface LeafSchema extends LeafType {
  readonly name: string
  readonly optional: boolean
}

/** The leaves of a table's change files; `optional` overrides the table's nullability (passthrough keeps the source's). */
export function tableLeaves(table: Table, optional?: readonly boolean[]): LeafSchema[] {
  return table.columnNames.map((name, j) => {
    const column = table.columns[name]!
    const decimal = column.kind === 'decimal' ? { precision: column.precision, scale: column.scale } : {}
    return { name, kind: column.kind, ...decimal, optional: optional?.[j] ?? column.nullable } as LeafSchema
  })
}

function writeSchemaElement(w: ThriftWriter, leaf: LeafSchema): void {
  w.begin()
  const physical = physicalType(leaf)
  w.i32(1, physical)
  if (physical === PHYSICAL.FIXED) w.i32(2, DECIMAL_BYTES)
  w.i32(3, leaf.optional ? OPTIONAL : REQUIRED)
  w.binary(4, leaf.name)
  writeLeafAnnotations(w, leaf)
  w.end()
}

/** A column chunk of a row group, its offsets relative to the start of the group's bytes. */
export interface ChunkLayout {
  /** Where the chunk starts (its first page header) within the group. */
  readonly start: number
  readonly dataPageStart: number
  readonly dictionaryPageStart: number | undefined
  readonly compressedBytes: number
  readonly uncompressedBytes: number
  readonly encodings: readonly number[]
  readonly codec: number
  readonly numValues: number
  /** Statistics struct as written (already compact-encoded, field id 12), if kept. */
  readonly statistics?: Uint8Array
}

export interface GroupLayout {
  readonly rows: number
  readonly bytes: number
  readonly columns: readonly ChunkLayout[]
}

/** Serializes one RowGroup struct for a group whose bytes start at file offset `at`. */
export function rowGroupBytes(leaves: readonly LeafSchema[], group: GroupLayout, at: number): Uint8Array {
  const w = new ThriftWriter()
  w.begin()
  w.listHeader(1, T.STRUCT, group.columns.length)
  let uncompressed = 0
  group.columns.forEach((chunk, j) => {
    const leaf = leaves[j]!
    uncompressed += chunk.uncompressedBytes
    w.begin()
    w.i64(2, at + chunk.start)
    w.begin(3)
    w.i32(1, physicalType(leaf))
    w.i32List(2, chunk.encodings)
    w.stringList(3, [leaf.name])
    w.i32(4, chunk.codec)
    w.i64(5, chunk.numValues)
    w.i64(6, chunk.uncompressedBytes)
    w.i64(7, chunk.compressedBytes)
    w.i64(9, at + chunk.dataPageStart)
    if (chunk.dictionaryPageStart !== undefined) w.i64(11, at + chunk.dictionaryPageStart)
    if (chunk.statistics) {
      w.fieldHeader(12, T.STRUCT)
      w.raw(chunk.statistics)
    }
    w.end()
    w.end()
  })
  w.i64(2, uncompressed)
  w.i64(3, group.rows)
  w.i64(5, at)
  w.i64(6, group.bytes)
  w.end()
  return w.result().slice()
}

/** Bytes of an unsigned varint. */
function varintLength(value: number): number {
  let v = value
  let n = 1
  while (v >= 128) {
    v = Math.floor(v / 128)
    n++
  }
  return n
}

/**
 * The footer of one change file being written: schema fixed, row groups added (and removed again)
 * one at a time, its exact size known in constant time.
 */
export class FooterBuilder {
  readonly leaves: readonly LeafSchema[]
  readonly #head: Uint8Array
  readonly #tail: Uint8Array
  readonly #groups: Uint8Array[] = []
  #groupBytes = 0
  #rows = 0

  constructor(leaves: readonly LeafSchema[]) {
    this.leaves = leaves
    const head = new ThriftWriter()
    head.begin()
    head.i32(1, 1)
    head.listHeader(2, T.STRUCT, leaves.length + 1)
    head.begin()
    head.binary(4, 'schema')
    head.i32(5, leaves.length)
    head.end()
    for (const leaf of leaves) writeSchemaElement(head, leaf)
    this.#head = head.result().slice()
    // created_by (field 6, two after row_groups) and the end of FileMetaData.
    const tail = new ThriftWriter()
    const name = new TextEncoder().encode(CREATED_BY)
    tail.byte((2 << 4) | T.BINARY)
    tail.varint(name.length)
    tail.raw(name)
    tail.byte(0)
    this.#tail = tail.result().slice()
  }

  get rows(): number {
    return this.#rows
  }

  get groups(): number {
    return this.#groups.length
  }

  add(group: GroupLayout, at: number): void {
    const bytes = rowGroupBytes(this.leaves, group, at)
    this.#groups.push(bytes)
    this.#groupBytes += bytes.length
    this.#rows += group.rows
  }

  /** Forgets the last row group added. */
  removeLast(rows: number): void {
    const bytes = this.#groups.pop()
    if (!bytes) return
    this.#groupBytes -= bytes.length
    this.#rows -= rows
  }

  #listHeaderLength(): number {
    const n = this.#groups.length
    return n < 15 ? 1 : 1 + varintLength(n)
  }

  /** Bytes that {@link bytes} returns: metadata, its 4-byte length and the closing magic. */
  get length(): number {
    return this.#metadataLength() + 8
  }

  #metadataLength(): number {
    // num_rows (field 3: 1 header byte + zigzag varint), row_groups (field 4: 1 header byte + list header).
    return (
      this.#head.length +
      1 +
      varintLength(this.#rows * 2) +
      1 +
      this.#listHeaderLength() +
      this.#groupBytes +
      this.#tail.length
    )
  }

  /** The complete footer: FileMetaData, its length (little-endian uint32) and "PAR1". */
  bytes(): Uint8Array {
    const w = new ThriftWriter()
    w.raw(this.#head)
    w.byte((1 << 4) | T.I64) // field 3 num_rows after field 2
    w.zigzag(this.#rows)
    w.byte((1 << 4) | T.LIST) // field 4 row_groups after field 3
    const n = this.#groups.length
    if (n < 15) w.byte((n << 4) | T.STRUCT)
    else {
      w.byte(0xf0 | T.STRUCT)
      w.varint(n)
    }
    for (const g of this.#groups) w.raw(g)
    w.raw(this.#tail)
    const length = w.length
    w.raw(new Uint8Array(new Uint32Array([length]).buffer))
    w.raw(MAGIC)
    if (length !== this.#metadataLength()) throw new Error('internal: footer size accounting is off')
    return w.result()
  }
}
