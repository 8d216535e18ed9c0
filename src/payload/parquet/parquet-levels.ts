/**
 * Definition levels of a flat OPTIONAL column (bit width 1) in Parquet's RLE / bit-packed hybrid
 * encoding, as a data page v2 stores them (no length prefix). Long runs of equal levels (the common
 * case: no NULLs at all) become RLE runs of two or so bytes; mixed stretches are bit-packed eight
 * levels to a byte. Bit-packed groups are padded to eight levels; the page's own row count tells
 * readers where the levels end.
 */

/** A run at least this long is written as an RLE run, not bit-packed. */
const MIN_RUN = 16

function runLength(defined: Uint8Array, from: number, cap: number): number {
  const v = defined[from]
  let j = from + 1
  while (j < defined.length && j - from < cap && defined[j] === v) j++
  return j - from
}

class Bytes {
  bytes: Uint8Array
  length = 0
  constructor(size: number) {
    this.bytes = new Uint8Array(Math.max(16, size))
  }
  push(b: number): void {
    if (this.length === this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2)
      next.set(this.bytes)
      this.bytes = next
    }
    this.bytes[this.length++] = b
  }
  varint(value: number): void {
    let v = value
    while (v > 0x7f) {
      this.push((v & 0x7f) | 0x80)
      v = Math.floor(v / 128)
    }
    this.push(v)
  }
}

/** Encodes `defined` (1 = value present, 0 = NULL), one entry per row. */
export function encodeDefinitionLevels(defined: Uint8Array): Uint8Array {
  const n = defined.length
  const out = new Bytes((n >>> 3) + 8)
  let i = 0
  while (i < n) {
    const run = runLength(defined, i, Number.MAX_SAFE_INTEGER)
    if (run >= MIN_RUN || i + run === n) {
      out.varint(run * 2) // RLE run: count << 1, then the value in one byte
      out.push(defined[i]!)
      i += run
      continue
    }
    // Bit-packed groups of eight until a long run starts on a group boundary.
    let end = i
    do end += 8
    while (end < n && runLength(defined, end, MIN_RUN) < MIN_RUN && runLength(defined, end, n) !== n - end)
    const groups = (end - i) >>> 3
    out.varint((groups << 1) | 1)
    for (let g = 0; g < groups; g++) {
      let byte = 0
      for (let b = 0; b < 8; b++) if (defined[i + g * 8 + b] === 1) byte |= 1 << b
      out.push(byte)
    }
    i = end
  }
  return out.bytes.slice(0, out.length)
}
