import { describe, expect, it } from 'vitest'
import {
  type PageJob,
  pageJobs,
  pagesValid,
  type ValueCheck,
} from '../../../../src/payload/parquet/parquet-page-checks.js'
import { resolveSnappy, snappyCompress } from '../../../../src/payload/parquet/snappy.js'
import { ThriftWriter } from '../../../../src/payload/parquet/thrift-compact.js'

function pageHeader(values: number, plainLength: number, bodyLength: number): Uint8Array {
  const w = new ThriftWriter()
  w.begin()
  w.i32(1, 0) // DATA_PAGE
  w.i32(2, plainLength)
  w.i32(3, bodyLength)
  w.begin(5)
  w.i32(1, values)
  w.i32(2, 0) // PLAIN
  w.i32(3, 3)
  w.i32(4, 3)
  w.end()
  w.end()
  return w.result()
}

/** A one-page chunk: PLAIN values, optionally behind definition levels, optionally SNAPPY. */
function chunk(plain: Uint8Array, snappy: boolean): Uint8Array {
  const body = snappy ? snappyCompress(resolveSnappy('auto'), plain) : plain
  const header = pageHeader(1, plain.length, body.length)
  const out = new Uint8Array(header.length + body.length)
  out.set(header)
  out.set(body, header.length)
  return out
}

const byteArrays = (...parts: number[][]) => Uint8Array.from(parts.flatMap((p) => [p.length, 0, 0, 0, ...p]))
const doubles = (...v: number[]) => new Uint8Array(new Float64Array(v).buffer)
/** A 4-byte length and 3 level bytes before the values: doubles land misaligned once decompressed. */
const withLevels = (values: Uint8Array) => Uint8Array.from([3, 0, 0, 0, 0x06, 0x01, 0x00, ...values])

describe('page value checks', () => {
  async function valid(bytes: Uint8Array, codec: number, optional: boolean, check: ValueCheck): Promise<boolean> {
    const jobs: PageJob[] = []
    if (!pageJobs(bytes, 0, bytes.length, codec, optional, check, jobs)) return false
    return pagesValid(bytes, jobs)
  }

  it('accepts well-formed UTF-8 values and refuses one invalid or split sequence', async () => {
    const euro = [0xe2, 0x82, 0xac]
    for (const snappy of [false, true]) {
      const codec = snappy ? 1 : 0
      expect(await valid(chunk(byteArrays(euro, [0x41], []), snappy), codec, false, 'utf8')).toBe(true)
      expect(await valid(chunk(byteArrays([0x41, 0x42], [0x43]), snappy), codec, false, 'utf8')).toBe(true)
      // A sequence split across two values is valid as concatenated bytes, but not as values.
      expect(await valid(chunk(byteArrays(euro.slice(0, 1), euro.slice(1)), snappy), codec, false, 'utf8')).toBe(false)
      // A UTF-16 surrogate encoded as UTF-8 (CESU) is what a lone surrogate would become.
      expect(await valid(chunk(byteArrays([0xed, 0xa0, 0x80]), snappy), codec, false, 'utf8')).toBe(false)
      // Behind definition levels (whose bytes are not text): only the values count.
      expect(await valid(chunk(withLevels(byteArrays(euro)), snappy), codec, true, 'utf8')).toBe(true)
      expect(await valid(chunk(withLevels(byteArrays([0xff])), snappy), codec, true, 'utf8')).toBe(false)
    }
  })

  it('refuses NaN and infinities, accepts finite doubles, also misaligned after decompression behind levels', async () => {
    for (const snappy of [false, true]) {
      const codec = snappy ? 1 : 0
      expect(await valid(chunk(doubles(1, -2.5, 1e308), snappy), codec, false, 'finite')).toBe(true)
      expect(await valid(chunk(doubles(1, Number.NaN), snappy), codec, false, 'finite')).toBe(false)
      expect(await valid(chunk(doubles(Number.NEGATIVE_INFINITY), snappy), codec, false, 'finite')).toBe(false)
      expect(await valid(chunk(withLevels(doubles(1.5, -2, 3)), snappy), codec, true, 'finite')).toBe(true)
      expect(await valid(chunk(withLevels(doubles(1.5, Number.NaN, 3)), snappy), codec, true, 'finite')).toBe(false)
    }
  })

  it('is not proven for a page whose SNAPPY body does not decompress to its declared size, or another codec', async () => {
    const plain = byteArrays([0x41])
    const body = snappyCompress(resolveSnappy('auto'), plain)
    const page = (declared: number) => Uint8Array.from([...pageHeader(1, declared, body.length), ...body])
    expect(await valid(page(plain.length), 1, false, 'utf8')).toBe(true)
    expect(await valid(page(plain.length + 1), 1, false, 'utf8')).toBe(false)
    expect(await valid(page(plain.length), 6, false, 'utf8')).toBe(false) // ZSTD: not walked
  })
})
