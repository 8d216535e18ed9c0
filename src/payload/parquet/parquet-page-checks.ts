import { isAscii, isUtf8 } from 'node:buffer'
import { CODEC, ENCODING, PAGE } from './parquet-metadata.js'
import { snappyUncompressAny } from './snappy.js'
import { snappyAsciiFrom } from './snappy-ascii.js'
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
 *
 * It runs in two steps: {@link pageJobs} walks the page headers and lists the pages whose values
 * need a look; {@link pagesValid} decompresses and checks them. Both stay on the calling thread:
 * decompressing on the thread pool or a worker measured faster but multiplied peak RSS (each thread's
 * malloc arena keeps what it once held), and packaging's peak RSS is bounded.
 */

export type ValueCheck = 'utf8' | 'finite'

/**
 * One page's values to check: where its bytes lie in the buffer, its size once decompressed, whether
 * they are SNAPPY (1) or plain (0), whether definition levels come first (data page v1 of an OPTIONAL
 * column: a 4-byte length, then the levels), and the check (0 UTF-8 text, 1 finite doubles).
 */
export type PageJob = [start: number, length: number, size: number, snappy: 0 | 1, levels: 0 | 1, check: 0 | 1]

const SPACE = 0x20

/**
 * A page of PLAIN BYTE_ARRAY values that is all ASCII (lengths included) holds valid text whatever
 * its lengths say: one native scan. Otherwise the values must be valid UTF-8 each: the 4-byte lengths
 * between values act as ASCII separators (so no sequence can span two values) when all their bytes
 * are below 0x80, and then the page is checked as it is; otherwise the lengths become spaces in a copy.
 */
function textValid(values: Uint8Array): boolean {
  if (isAscii(values)) return true
  const n = values.length
  let p = 0
  let ascii = true
  while (p + 4 <= n) {
    const a = values[p]!
    const b = values[p + 1]!
    const c = values[p + 2]!
    const d = values[p + 3]!
    if ((a | b | c | d) & 0x80) {
      ascii = false
      break
    }
    p += 4 + (a | (b << 8) | (c << 16) | (d << 24))
  }
  if (ascii) return p === n && isUtf8(values)
  const copy = values.slice()
  p = 0
  while (p + 4 <= n) {
    const length = copy[p]! + copy[p + 1]! * 0x100 + copy[p + 2]! * 0x10000 + copy[p + 3]! * 0x1000000
    copy.fill(SPACE, p, p + 4)
    p += 4 + length
  }
  return p === n && isUtf8(copy)
}

function doublesFinite(values: Uint8Array): boolean {
  if (values.length % 8 !== 0) return false
  const aligned = values.byteOffset % 8 === 0 ? values : values.slice()
  const doubles = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.length / 8)
  for (let i = 0; i < doubles.length; i++) if (!Number.isFinite(doubles[i]!)) return false
  return true
}

function valuesValid(plain: Uint8Array, job: PageJob): boolean {
  if (plain.length !== job[2]) return false
  let from = 0
  if (job[4]) {
    if (plain.length < 4) return false
    from = 4 + plain[0]! + plain[1]! * 0x100 + plain[2]! * 0x10000 + plain[3]! * 0x1000000
    if (from > plain.length) return false
  }
  const values = plain.subarray(from)
  return job[5] === 0 ? textValid(values) : doublesFinite(values)
}

/** Whether the job is a SNAPPY text page, which may be proven ASCII without decompressing it (snappy-ascii.ts). */
export function asciiProvable(job: PageJob): boolean {
  return job[3] === 1 && job[5] === 0
}

/**
 * True when every job's page is valid (SNAPPY pages decompressed one at a time). `proven` marks the
 * pages already proven ASCII elsewhere (see ascii-check-thread.ts); without it, text pages are first
 * tried here the same way.
 */
export function pagesValid(buffer: Uint8Array, jobs: readonly PageJob[], proven?: readonly boolean[]): boolean {
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!
    if (proven?.[i]) continue
    const body = buffer.subarray(job[0], job[0] + job[1])
    if (body.length !== job[1]) return false
    if (!proven && asciiProvable(job) && snappyAsciiFrom(body, job[2], job[4] === 1)) continue
    let plain: Uint8Array
    try {
      plain = job[3] ? snappyUncompressAny(body) : body
    } catch {
      return false // not SNAPPY after all: not proven
    }
    if (!valuesValid(plain, job)) return false
  }
  return true
}

const DICTIONARY_ENCODINGS: readonly number[] = [ENCODING.RLE_DICTIONARY, ENCODING.PLAIN_DICTIONARY]

/**
 * The pages of the chunk in `buffer[start, end)` whose values `check` must look at, appended to
 * `jobs`; false when the chunk cannot be proven valid (a page type, encoding or codec we do not walk,
 * or headers that do not add up to the chunk). `optional` says whether data pages carry definition levels.
 */
export function pageJobs(
  buffer: Uint8Array,
  start: number,
  end: number,
  codec: number,
  optional: boolean,
  check: ValueCheck,
  jobs: PageJob[],
): boolean {
  if (codec !== CODEC.SNAPPY && codec !== CODEC.UNCOMPRESSED) return false
  const snappy = codec === CODEC.SNAPPY ? 1 : 0
  const kind = check === 'utf8' ? 0 : 1
  try {
    let offset = start
    while (offset < end) {
      const reader = new ThriftReader(buffer, offset)
      const header = reader.struct()
      const type = header[1] as number
      const uncompressed = header[2] as number
      const compressed = header[3] as number
      const body = reader.offset
      offset = body + compressed
      if (offset > end) return false
      if (type === PAGE.DICTIONARY_PAGE) {
        jobs.push([body, compressed, uncompressed, snappy, 0, kind])
      } else if (type === PAGE.DATA_PAGE) {
        const encoding = (header[5] as Record<number, unknown>)[2] as number
        if (DICTIONARY_ENCODINGS.includes(encoding)) continue // indexes into the dictionary checked above
        if (encoding !== ENCODING.PLAIN) return false
        jobs.push([body, compressed, uncompressed, snappy, optional ? 1 : 0, kind])
      } else if (type === PAGE.DATA_PAGE_V2) {
        const v2 = header[8] as Record<number, unknown>
        const encoding = v2[4] as number
        if (DICTIONARY_ENCODINGS.includes(encoding)) continue
        if (encoding !== ENCODING.PLAIN) return false
        const levels = ((v2[5] as number | undefined) ?? 0) + ((v2[6] as number | undefined) ?? 0)
        if (levels > compressed) return false
        const values: PageJob = [body + levels, compressed - levels, uncompressed - levels, snappy, 0, kind]
        if (v2[7] === false) values[3] = 0
        jobs.push(values)
      } else if (type !== PAGE.INDEX_PAGE) {
        return false
      }
    }
    return offset === end
  } catch {
    return false
  }
}
