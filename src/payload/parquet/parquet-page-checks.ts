import { isUtf8 } from 'node:buffer'
import { CODEC, ENCODING, PAGE } from './parquet-metadata.js'
import { snappyUncompressAny } from './snappy.js'
import { ThriftReader } from './thrift-compact.js'

/**
 * Value checks on a column chunk's own pages, for the columns whose validity metadata cannot prove:
 * text must be well-formed UTF-8 (what `normalizeValue` demands of a string: no lone surrogates)
 * and float64 must be finite unless the column allows otherwise. The loops run over whole pages
 * (one native UTF-8 check per page, one typed-array loop per page), never per row object.
 *
 * A check answers only "provably valid" or "not proven": anything unusual (an encoding we do not
 * walk, a codec we do not decompress) is "not proven", and the caller then decodes the row group
 * value by value, which names the offending row and column.
 */

export type ValueCheck = 'utf8' | 'finite'

const SPACE = 0x20

/**
 * PLAIN BYTE_ARRAY values are valid UTF-8 each. The 4-byte lengths between values act as ASCII
 * separators (so no sequence can span two values) when all their bytes are below 0x80: then the
 * page is checked as it is. Otherwise the lengths become spaces in a copy first.
 */
function plainTextIsUtf8(values: Uint8Array): boolean {
  const view = new DataView(values.buffer, values.byteOffset, values.length)
  let p = 0
  let ascii = true
  while (p + 4 <= values.length) {
    const n = view.getUint32(p, true)
    if ((n & 0x80808080) !== 0) {
      ascii = false
      break
    }
    p += 4 + n
  }
  if (ascii) return p === values.length && isUtf8(values)
  return plainTextIsUtf8Copy(values)
}

function plainTextIsUtf8Copy(values: Uint8Array): boolean {
  const copy = values.slice()
  const view = new DataView(copy.buffer)
  let p = 0
  while (p + 4 <= copy.length) {
    const n = view.getUint32(p, true)
    copy[p] = SPACE
    copy[p + 1] = SPACE
    copy[p + 2] = SPACE
    copy[p + 3] = SPACE
    p += 4 + n
  }
  return p === copy.length && isUtf8(copy)
}

function plainDoublesFinite(values: Uint8Array): boolean {
  if (values.length % 8 !== 0) return false
  const aligned = values.byteOffset % 8 === 0 ? values : values.slice()
  const doubles = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.length / 8)
  for (let i = 0; i < doubles.length; i++) if (!Number.isFinite(doubles[i]!)) return false
  return true
}

function decompress(codec: number, data: Uint8Array, size: number): Uint8Array | undefined {
  if (codec === CODEC.UNCOMPRESSED) return data
  if (codec !== CODEC.SNAPPY) return undefined
  const out = snappyUncompressAny(data)
  return out.length === size ? out : undefined
}

function checkValues(check: ValueCheck, values: Uint8Array): boolean {
  return check === 'utf8' ? plainTextIsUtf8(values) : plainDoublesFinite(values)
}

const DICTIONARY_ENCODINGS: readonly number[] = [ENCODING.RLE_DICTIONARY, ENCODING.PLAIN_DICTIONARY]

/**
 * True when every value in the chunk's pages passes `check`. `chunk` holds the chunk's bytes from
 * its first page; `optional` says whether data pages carry definition levels.
 */
export function chunkValuesValid(chunk: Uint8Array, codec: number, optional: boolean, check: ValueCheck): boolean {
  try {
    let offset = 0
    while (offset < chunk.length) {
      const reader = new ThriftReader(chunk, offset)
      const header = reader.struct()
      const type = header[1] as number
      const uncompressed = header[2] as number
      const compressed = header[3] as number
      const body = chunk.subarray(reader.offset, reader.offset + compressed)
      if (body.length !== compressed) return false
      offset = reader.offset + compressed
      if (type === PAGE.DICTIONARY_PAGE) {
        const plain = decompress(codec, body, uncompressed)
        if (!plain || !checkValues(check, plain)) return false
      } else if (type === PAGE.DATA_PAGE) {
        const encoding = (header[5] as Record<number, unknown>)[2] as number
        if (DICTIONARY_ENCODINGS.includes(encoding)) continue // indexes into the dictionary checked above
        if (encoding !== ENCODING.PLAIN) return false
        const plain = decompress(codec, body, uncompressed)
        if (!plain) return false
        let start = 0
        if (optional) start = 4 + new DataView(plain.buffer, plain.byteOffset, 4).getUint32(0, true)
        if (!checkValues(check, plain.subarray(start))) return false
      } else if (type === PAGE.DATA_PAGE_V2) {
        const v2 = header[8] as Record<number, unknown>
        const encoding = v2[4] as number
        if (DICTIONARY_ENCODINGS.includes(encoding)) continue
        if (encoding !== ENCODING.PLAIN) return false
        const levels = ((v2[5] as number | undefined) ?? 0) + ((v2[6] as number | undefined) ?? 0)
        const values = body.subarray(levels)
        const plain = v2[7] === false ? values : decompress(codec, values, uncompressed - levels)
        if (!plain || !checkValues(check, plain)) return false
      } else if (type !== PAGE.INDEX_PAGE) {
        return false
      }
    }
    return offset === chunk.length
  } catch {
    return false
  }
}
