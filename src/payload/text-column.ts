const decoder = new TextDecoder('utf-8', { fatal: true })

/** Strings encoded together: one join and one native write per chunk instead of one per value. */
const CHUNK = 256

/**
 * A text column of a row batch, held as UTF-8: the non-null values back to back in `data`, row `i`
 * at `[starts[i], starts[i+1])`, NULL marked in `nulls` (an empty string is an empty range).
 *
 * Why not an array of strings: values are encoded as rows are read, so the caller's strings die
 * young instead of being kept (and copied by the garbage collector) until the batch is written,
 * which cost a large share of packaging time. Why in chunks: copying a short string character by
 * character, or one native call per string, costs far more per value than joining a chunk and writing
 * it with one call (bench/results.md, "Measurements behind design choices").
 */
export class TextColumn {
  #data: Uint8Array
  #buffer: Buffer
  #starts: Int32Array
  #nulls: Uint8Array | undefined
  /** Values not yet encoded: a fixed array and a count (emptying an array by `length = 0` frees its memory, refilling it allocates anew). */
  readonly #pending: (string | null)[] = Array.from({ length: CHUNK }, () => null)
  #pendingCount = 0
  #written = 0
  length = 0

  constructor(capacity: number) {
    this.#data = new Uint8Array(Math.max(1024, capacity * 24))
    this.#buffer = Buffer.from(this.#data.buffer)
    this.#starts = new Int32Array(capacity + 1)
  }

  /**
   * A column over UTF-8 that is already encoded (Arrow's value offsets and data), without a copy:
   * row `i` is `data[starts[i], starts[i+1])`; `nulls[i] === 1` marks a NULL, whose range must be empty.
   */
  static fromUtf8(data: Uint8Array, starts: Int32Array, nulls: Uint8Array | undefined): TextColumn {
    const column = new TextColumn(0)
    column.#data = data
    column.#buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    column.#starts = starts
    column.#nulls = nulls
    column.#written = starts.length - 1
    column.length = starts.length - 1
    return column
  }

  /**
   * Share of the bytes of up to `sample` values, spread over the column, that belong to distinct
   * values: low when values repeat, i.e. when a dictionary would shrink the column.
   */
  distinctShare(sample = 512): number {
    const data = this.data
    const starts = this.#starts
    const n = this.length
    const step = Math.max(1, Math.floor(n / sample))
    const seen = new Set<string>()
    let total = 0
    let distinct = 0
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    for (let i = 0; i < n; i += step) {
      const size = starts[i + 1]! - starts[i]! + 4
      const key = bytes.toString('latin1', starts[i], starts[i + 1])
      total += size
      if (!seen.has(key)) {
        seen.add(key)
        distinct += size
      }
    }
    return total === 0 ? 1 : distinct / total
  }

  /** Empties the column, keeping its memory. */
  clear(): void {
    this.#pending.fill(null, 0, this.#pendingCount)
    this.#pendingCount = 0
    this.#nulls?.fill(0)
    this.#written = 0
    this.length = 0
  }

  /** Appends one value (validated: a well-formed string, or null); returns its length in UTF-16 units. */
  push(value: string | null): number {
    this.#pending[this.#pendingCount++] = value
    this.length++
    if (this.#pendingCount === CHUNK) this.#flush()
    return value === null ? 0 : value.length
  }

  #ensure(size: number): void {
    if (size <= this.#data.length) return
    const next = new Uint8Array(Math.max(size, this.#data.length * 2))
    next.set(this.#data.subarray(0, this.#starts[this.#written]))
    this.#data = next
    this.#buffer = Buffer.from(next.buffer)
  }

  #flush(): void {
    const count = this.#pendingCount
    if (count === 0) return
    const pending = this.#pending
    const first = this.#written
    const starts = this.#starts
    let p = starts[first]!
    // null joins as ''; a partial chunk (the end of a batch) is joined from a copy of its part.
    const joined = count === CHUNK ? pending.join('') : pending.slice(0, count).join('')
    this.#ensure(p + joined.length * 3)
    const bytes = this.#buffer.write(joined, p, 'utf8')
    if (bytes === joined.length) {
      // All ASCII: each value's byte length is its string length.
      for (let k = 0; k < count; k++) {
        const v = pending[k]!
        if (v === null) this.#markNull(first + k)
        else p += v.length
        starts[first + k + 1] = p
      }
    } else {
      for (let k = 0; k < count; k++) {
        const v = pending[k]!
        if (v === null) this.#markNull(first + k)
        else p += Buffer.byteLength(v, 'utf8')
        starts[first + k + 1] = p
      }
    }
    this.#written += count
    // The caller's strings are not kept past their encoding (they die young).
    pending.fill(null, 0, count)
    this.#pendingCount = 0
  }

  #markNull(i: number): void {
    this.#nulls ??= new Uint8Array(this.#starts.length)
    this.#nulls[i] = 1
  }

  /** UTF-8 of every value so far, back to back (flushes pending values first). */
  get data(): Uint8Array {
    this.#flush()
    return this.#data
  }

  /** Offsets into `data`: row `i` is `[starts[i], starts[i+1])` (flushes pending values first). */
  get starts(): Int32Array {
    this.#flush()
    return this.#starts
  }

  /** Per row, 1 where NULL; undefined when no row is NULL (flushes pending values first). */
  get nulls(): Uint8Array | undefined {
    this.#flush()
    return this.#nulls
  }

  isNull(i: number): boolean {
    this.#flush()
    return this.#nulls !== undefined && this.#nulls[i] === 1
  }

  /** The value of row `i` as a string (decodes; for the slow paths only). */
  get(i: number): string | null {
    if (this.isNull(i)) return null
    return decoder.decode(this.#data.subarray(this.#starts[i], this.#starts[i + 1]))
  }

  /** Every value of rows [start, end) as strings (for the slow paths only). */
  values(start = 0, end = this.length): (string | null)[] {
    const out = new Array<string | null>(end - start)
    for (let i = start; i < end; i++) out[i - start] = this.get(i)
    return out
  }

  /**
   * The UTF-8 of the non-null values of rows [start, end) back to back, and their byte lengths: the
   * parts of a Parquet PLAIN page, which interleaves 4-byte lengths (see `finishPage`, run where
   * the page is compressed).
   */
  slice(start: number, end: number): { bytes: Uint8Array; lengths: Int32Array } {
    const data = this.data
    const starts = this.#starts
    const nulls = this.#nulls
    let count = end - start
    if (nulls) for (let i = start; i < end; i++) count -= nulls[i]!
    const lengths = new Int32Array(count)
    let k = 0
    for (let i = start; i < end; i++) if (nulls?.[i] !== 1) lengths[k++] = starts[i + 1]! - starts[i]!
    return { bytes: data.slice(starts[start], starts[end]), lengths }
  }
}
