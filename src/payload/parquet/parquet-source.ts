import { MalformedParquet, ThriftReader } from './thrift-compact.js'

/**
 * A Parquet file's footer, read with our own Thrift reader into just what splicing needs: the flat
 * schema's leaves with their types, and each row group's column chunks with their byte ranges,
 * codecs, encodings and the statistics that can prove values valid without reading them.
 */

export interface SourceLeaf {
  readonly name: string
  readonly physical: number
  readonly optional: boolean
  readonly converted: number | undefined
  /** LogicalType union: the id of the member set (1 STRING, 6 DATE, 8 TIMESTAMP, 10 INTEGER, ...) and its fields. */
  readonly logical: { readonly id: number; readonly fields: Record<number, unknown> } | undefined
}

export interface SourceChunk {
  /** Absolute offset of the chunk's first byte (dictionary page if any, else first data page). */
  readonly start: number
  readonly bytes: number
  readonly dataPageOffset: number
  readonly dictionaryPageOffset: number | undefined
  readonly uncompressedBytes: number
  readonly codec: number
  readonly encodings: readonly number[]
  readonly numValues: number
  /** Statistics struct fields (3 null_count, 5 max_value, 6 min_value), when written. */
  readonly statistics: Record<number, unknown> | undefined
}

export interface SourceGroup {
  readonly rows: number
  /** Chunks in file schema order. */
  readonly chunks: readonly SourceChunk[]
}

export interface SourceFooter {
  readonly leaves: readonly SourceLeaf[]
  /** False when the schema is not one flat level of leaves (nested columns). */
  readonly flat: boolean
  readonly groups: readonly SourceGroup[]
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0)
const decoder = new TextDecoder()

/** Parses FileMetaData (the compact-Thrift bytes between the data and the 8-byte trailer). */
export function parseFooter(metadata: Uint8Array): SourceFooter {
  const raw = new ThriftReader(metadata).struct()
  const schema = (raw[2] ?? []) as Record<number, unknown>[]
  const root = schema[0]
  const elements = schema.slice(1)
  const flat = root !== undefined && num(root[5]) === elements.length && elements.every((e) => e[5] === undefined)
  const leaves: SourceLeaf[] = elements.map((e) => {
    const logical = e[10] as Record<number, Record<number, unknown>> | undefined
    const id = logical ? Number(Object.keys(logical)[0]) : undefined
    return {
      name: decoder.decode(e[4] as Uint8Array),
      physical: num(e[1]),
      optional: num(e[3]) !== 0,
      converted: e[6] === undefined ? undefined : num(e[6]),
      logical: logical && id !== undefined ? { id, fields: logical[id] ?? {} } : undefined,
    }
  })
  const groups: SourceGroup[] = ((raw[4] ?? []) as Record<number, unknown>[]).map((g) => ({
    rows: num(g[3]),
    chunks: ((g[1] ?? []) as Record<number, unknown>[]).map((c) => {
      const meta = (c[3] ?? {}) as Record<number, unknown>
      const data = num(meta[9])
      const dictionary = meta[11] === undefined ? undefined : num(meta[11])
      // Some writers record a dictionary offset of 0 when there is none: only one before the data counts.
      const hasDictionary = dictionary !== undefined && dictionary > 0 && dictionary < data
      return {
        start: hasDictionary ? dictionary : data,
        bytes: num(meta[7]),
        dataPageOffset: data,
        dictionaryPageOffset: hasDictionary ? dictionary : undefined,
        uncompressedBytes: num(meta[6]),
        codec: num(meta[4]),
        encodings: ((meta[2] ?? []) as number[]).map(num),
        numValues: num(meta[5]),
        statistics: meta[12] as Record<number, unknown> | undefined,
      }
    }),
  }))
  return { leaves, flat, groups }
}

/** Reads the footer of a Parquet file through `read(position, length)`, given the file's size. */
export async function readFooter(
  size: number,
  read: (position: number, length: number) => Promise<Uint8Array>,
): Promise<SourceFooter> {
  if (size < 12) throw new MalformedParquet(`${size} bytes is too small for a Parquet file`)
  const trailer = await read(size - 8, 8)
  const magic = String.fromCharCode(...trailer.subarray(4))
  if (magic !== 'PAR1') throw new MalformedParquet('no Parquet magic at the end (encrypted or not Parquet)')
  const length = new DataView(trailer.buffer, trailer.byteOffset, 8).getUint32(0, true)
  if (length + 12 > size) throw new MalformedParquet(`footer length ${length} exceeds the file`)
  return parseFooter(await read(size - 8 - length, length))
}
