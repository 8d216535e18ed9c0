import fc from 'fast-check'
import { compress as compressJs, uncompress as uncompressJs } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { resolveSnappy, snappyCompress } from '../../../../src/payload/parquet/snappy.js'
import { snappyAsciiFrom } from '../../../../src/payload/parquet/snappy-ascii.js'

/** Where the values of a decompressed page start (after the 4-byte length and the levels), as valuesValid reads it. */
function valuesFrom(plain: Uint8Array, levelsFirst: boolean): number {
  if (!levelsFirst) return 0
  return 4 + plain[0]! + plain[1]! * 0x100 + plain[2]! * 0x10000 + plain[3]! * 0x1000000
}

/** The truth the proof must never contradict: the block decompresses to `expected` bytes, ASCII from the values on. */
function reallyAscii(block: Uint8Array, expected: number, levelsFirst: boolean): boolean {
  let plain: Uint8Array
  try {
    plain = uncompressJs(block)
  } catch {
    return false
  }
  if (plain.length !== expected) return false
  const from = valuesFrom(plain, levelsFirst)
  if (from > plain.length) return false
  return plain.subarray(from).every((b) => b < 0x80)
}

/** A page: optional levels (4-byte length, then bytes of any value), then text values behind 4-byte lengths. */
const page = fc
  .record({
    levels: fc.option(fc.uint8Array({ min: 0x80, minLength: 6, maxLength: 40 }), { nil: undefined }),
    values: fc.array(
      fc.oneof(
        fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.constantFrom('c000000000000000001', 'c000000000000000002', 'abcabcabcabc'),
        // A value repeating the levels' bytes (not ASCII): SNAPPY encodes it as a copy from before the values.
        fc.constant(null),
      ),
      { maxLength: 200 },
    ),
  })
  .map(({ levels, values }) => {
    const parts: number[] = []
    if (levels) parts.push(levels.length, 0, 0, 0, ...levels)
    for (const v of values) {
      const bytes = v === null ? (levels ?? new Uint8Array()) : new TextEncoder().encode(v)
      parts.push(bytes.length & 0xff, (bytes.length >>> 8) & 0xff, 0, 0, ...bytes)
    }
    return { plain: Uint8Array.from(parts), levelsFirst: levels !== undefined }
  })

const compressors = [
  (plain: Uint8Array) => snappyCompress(resolveSnappy('auto'), plain),
  (plain: Uint8Array) => compressJs(plain),
]

describe('SNAPPY text proven ASCII without decompressing', () => {
  it('never says ASCII where the decompressed values are not, on real and corrupted blocks', () => {
    fc.assert(
      fc.property(
        page,
        fc.constantFrom(0, 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.integer({ min: -2, max: 2 }),
        ({ plain, levelsFirst }, which, flips, sizeDelta) => {
          const block = Uint8Array.from(compressors[which]!(plain))
          for (const [at, value] of flips) if (block.length > 0) block[at % block.length] = value
          const expected = plain.length + sizeDelta
          if (snappyAsciiFrom(block, expected, levelsFirst)) {
            expect(reallyAscii(block, expected, levelsFirst)).toBe(true)
          }
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('proves pages of ASCII values, with and without levels in front', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `c0${String(i).padStart(18, '0')}`)
    const plainOf = (levels: number[]) => {
      const parts: number[] = levels.length ? [levels.length, 0, 0, 0, ...levels] : []
      for (const v of values) parts.push(v.length, 0, 0, 0, ...new TextEncoder().encode(v))
      return Uint8Array.from(parts)
    }
    for (const compress of compressors) {
      // Levels of an all-present page: an RLE run header (varint, not ASCII) and the value 1.
      expect(
        snappyAsciiFrom(compress(plainOf([0xa0, 0x9c, 0x01, 0x01])), plainOf([0xa0, 0x9c, 0x01, 0x01]).length, true),
      ).toBe(true)
      expect(snappyAsciiFrom(compress(plainOf([])), plainOf([]).length, false)).toBe(true)
    }
  })

  it('refuses a non-ASCII value, a wrong declared size and a truncated block', () => {
    const ascii = Uint8Array.from([5, 0, 0, 0, ...new TextEncoder().encode('hello')])
    const accented = Uint8Array.from([6, 0, 0, 0, ...new TextEncoder().encode('héllo')])
    const block = compressJs(ascii)
    expect(snappyAsciiFrom(block, ascii.length, false)).toBe(true)
    expect(snappyAsciiFrom(compressJs(accented), accented.length, false)).toBe(false)
    expect(snappyAsciiFrom(block, ascii.length + 1, false)).toBe(false)
    expect(snappyAsciiFrom(block.subarray(0, block.length - 1), ascii.length, false)).toBe(false)
    // Levels said to run past the end of the page: not proven.
    expect(snappyAsciiFrom(block, ascii.length, true)).toBe(true) // 5 bytes of levels, no values
    const long = Uint8Array.from([50, 0, 0, 0, ...new TextEncoder().encode('hello')])
    expect(snappyAsciiFrom(compressJs(long), long.length, true)).toBe(false)
  })
})
