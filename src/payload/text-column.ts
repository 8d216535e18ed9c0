const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * A text column of a row batch, stored as Parquet PLAIN bytes: each non-null value is a 4-byte
 * little-endian length and its UTF-8 bytes, back to back. Row `i` occupies `[starts[i], starts[i+1])`:
 * an empty range is NULL (an empty string still has its 4-byte length).
 *
 * Why not an array of strings: values are encoded as each row is read, so the caller's strings die
 * young instead of being kept (and copied by the garbage collector) until the batch is written,
 * which cost a quarter of packaging time; and a data page is then one slice of these bytes.
 */
export class TextColumn {
  /** PLAIN bytes of rows [0, length). */
  bytes: Uint8Array
  /** Byte offset where each row starts, `length + 1` entries. */
  readonly starts: Int32Array
  length = 0

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(1024, capacity * 32))
    this.starts = new Int32Array(capacity + 1)
  }

  #ensure(size: number): void {
    if (size <= this.bytes.length) return
    const next = new Uint8Array(Math.max(size, this.bytes.length * 2))
    next.set(this.bytes.subarray(0, this.starts[this.length]))
    this.bytes = next
  }

  /** Appends one value (validated: a well-formed string, or null); returns its UTF-8 length. */
  push(value: string | null): number {
    const i = this.length
    let p = this.starts[i]!
    let n = 0
    if (value !== null) {
      const length = value.length
      this.#ensure(p + 4 + length * 3)
      const bytes = this.bytes
      // ASCII is copied by hand: a native call per short string costs more than the copy itself.
      while (n < length) {
        const c = value.charCodeAt(n)
        if (c >= 0x80) break
        bytes[p + 4 + n] = c
        n++
      }
      if (n < length) n = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(value, p + 4, 'utf8')
      bytes[p] = n & 0xff
      bytes[p + 1] = (n >>> 8) & 0xff
      bytes[p + 2] = (n >>> 16) & 0xff
      bytes[p + 3] = n >>> 24
      p += 4 + n
    }
    this.length = i + 1
    this.starts[i + 1] = p
    return n
  }

  isNull(i: number): boolean {
    return this.starts[i] === this.starts[i + 1]
  }

  /** The value of row `i` as a string (decodes; for the slow paths only). */
  get(i: number): string | null {
    const start = this.starts[i]!
    const end = this.starts[i + 1]!
    return start === end ? null : decoder.decode(this.bytes.subarray(start + 4, end))
  }

  /** Every value of rows [start, end) as strings (for the slow paths only). */
  values(start = 0, end = this.length): (string | null)[] {
    const out = new Array<string | null>(end - start)
    for (let i = start; i < end; i++) out[i - start] = this.get(i)
    return out
  }
}
