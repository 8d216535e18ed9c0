/**
 * Proves that a SNAPPY block decompresses to ASCII (from a given point on) without decompressing it.
 *
 * A SNAPPY block is a run of literals (bytes stored as they are) and copies (a length and an offset
 * back into what was already produced). Every output byte is therefore a literal byte or a copy of
 * an earlier output byte, so when every literal byte from position `from` on is below 0x80 and no
 * copy that writes there reads from before `from`, every output byte from `from` on is ASCII. The
 * walk also checks what a decoder would: the declared length, offsets inside the output, and a
 * block that ends exactly where its output does.
 *
 * Why: a text page that is all ASCII is valid UTF-8 whatever its value lengths say, and proving it
 * this way reads the compressed bytes once instead of allocating and filling the decompressed page
 * (the largest cost of copying a Parquet file's row groups). The answer is only ever "proven" or "not
 * proven"; the caller decompresses and checks every page this does not prove.
 */

/** The block's declared output length (its varint preamble) and where its elements start; undefined when malformed. */
function preamble(block: Uint8Array): { length: number; at: number } | undefined {
  let length = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!
    length += (byte & 0x7f) * 2 ** (7 * i)
    if (byte < 0x80) return { length, at: i + 1 }
  }
  return undefined
}

/** Where the values start when the output opens with levels: 4 + the little-endian length in the first literal's first 4 bytes. */
function valuesStart(block: Uint8Array, at: number, expected: number): number | undefined {
  const tag = block[at]
  if (tag === undefined || (tag & 3) !== 0) return undefined
  const short = (tag >>> 2) + 1
  const extra = short > 60 ? short - 60 : 0
  // A literal of up to 60 bytes says so in its tag; a longer one (stored length at least 60) is long enough.
  if (extra === 0 && short < 4) return undefined
  const p = at + 1 + extra
  if (p + 4 > block.length) return undefined
  const from = 4 + (block[p]! | (block[p + 1]! << 8) | (block[p + 2]! << 16)) + block[p + 3]! * 0x1000000
  return from <= expected ? from : undefined
}

/**
 * True when `block` is a well-formed SNAPPY block of `expected` bytes whose output from the values on
 * is all ASCII. With `levelsFirst`, the output opens with levels (data page v1 of an OPTIONAL column):
 * 4 bytes giving their length (little-endian), which must lie in the block's first literal, then the
 * levels, then the values; otherwise the values start at byte 0.
 */
export function snappyAsciiFrom(block: Uint8Array, expected: number, levelsFirst: boolean): boolean {
  const head = preamble(block)
  if (!head || head.length !== expected) return false
  const n = block.length
  let at = head.at
  const from = levelsFirst ? valuesStart(block, at, expected) : 0
  if (from === undefined) return false
  let pos = 0
  let bits = 0
  while (at < n) {
    const tag = block[at++]!
    const kind = tag & 3
    if (kind === 0) {
      let length = (tag >>> 2) + 1
      if (length > 60) {
        // 1 to 4 bytes (little-endian) hold the length minus one.
        const extra = length - 60
        if (at + extra > n) return false
        length = block[at]!
        if (extra > 1) length |= block[at + 1]! << 8
        if (extra > 2) length |= block[at + 2]! << 16
        if (extra > 3) length = (length | 0) + block[at + 3]! * 0x1000000
        length += 1
        at += extra
      }
      const end = at + length
      if (end > n) return false
      let k = pos < from ? at + from - pos : at
      pos += length
      if (pos > expected) return false
      while (k < end) bits |= block[k++]!
      at = end
      continue
    }
    let length: number
    let offset: number
    if (kind === 1) {
      length = ((tag >>> 2) & 7) + 4
      offset = ((tag & 0xe0) << 3) | block[at++]!
    } else if (kind === 2) {
      length = (tag >>> 2) + 1
      offset = block[at]! | (block[at + 1]! << 8)
      at += 2
    } else {
      length = (tag >>> 2) + 1
      offset = (block[at]! | (block[at + 1]! << 8) | (block[at + 2]! << 16)) + block[at + 3]! * 0x1000000
      at += 4
    }
    // Past the end of the block, the reads above gave undefined (0 here); `at === n` below fails then.
    if (offset === 0 || offset > pos) return false
    const end = pos + length
    if (end > expected) return false
    // The first byte this copy writes at or after `from` must be read from at or after `from`.
    if (end > from && Math.max(pos, from) - offset < from) return false
    pos = end
  }
  return at === n && pos === expected && (bits & 0x80) === 0
}

/**
 * The source text of {@link snappyAsciiFrom} and the helpers it calls, as this build compiled them, for a
 * thread to run the very same proof (see ascii-check-thread.ts). None of them refers to anything else.
 */
export function snappyAsciiSource(): string {
  return [preamble, valuesStart, snappyAsciiFrom].map((f) => f.toString()).join('\n')
}
