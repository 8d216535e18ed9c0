import type { NormalizedValue } from '../schema/values.js'

const encoder = new TextEncoder()

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

function finish(h: number, length: number): number {
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * 64-bit hash of a key tuple (normalized values): the values are serialized with a type tag and,
 * for text, a length prefix, then hashed twice with murmur3-32 under two seeds. Equal tuples always
 * hash equal; unequal ones collide with probability ~2^-64, and every hit is verified exactly.
 */
export class KeyHasher {
  #bytes = new Uint8Array(256)
  #view = new DataView(this.#bytes.buffer)
  #length = 0
  hi = 0
  lo = 0

  #ensure(n: number): void {
    if (this.#length + n <= this.#bytes.length) return
    const next = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + n))
    next.set(this.#bytes)
    this.#bytes = next
    this.#view = new DataView(next.buffer)
  }

  /** Starts a new tuple. */
  reset(): void {
    this.#length = 0
  }

  /** Appends one normalized value to the tuple. */
  push(value: NormalizedValue): void {
    const view = this.#view
    this.#ensure(13)
    const at = this.#length
    if (value === null) {
      view.setUint8(at, 0)
      this.#length = at + 1
    } else if (typeof value === 'bigint') {
      view.setUint8(at, 1)
      view.setBigInt64(at + 1, value, true)
      this.#length = at + 9
    } else if (typeof value === 'number') {
      view.setUint8(at, 2)
      // -0 and 0 are the same key; every NaN is the same NaN.
      view.setFloat64(at + 1, value === 0 ? 0 : Number.isNaN(value) ? Number.NaN : value, true)
      this.#length = at + 9
    } else if (typeof value === 'boolean') {
      view.setUint8(at, value ? 3 : 4)
      this.#length = at + 1
    } else {
      this.#ensure(5 + value.length * 3)
      this.#bytes[at] = 5
      const { written } = encoder.encodeInto(value, this.#bytes.subarray(at + 5))
      this.#view.setUint32(at + 1, written, true)
      this.#length = at + 5 + written
    }
  }

  /** Hashes the tuple into `hi`/`lo`. */
  digest(): void {
    const view = this.#view
    const length = this.#length
    let a = 0x9747b28c
    let b = 0x5bd1e995
    let i = 0
    for (; i + 4 <= length; i += 4) {
      const k = view.getUint32(i, true)
      a = mix(a, k)
      b = mix(b, k ^ 0x27d4eb2f)
    }
    if (i < length) {
      let k = 0
      for (let s = 0; i < length; i++, s += 8) k |= this.#bytes[i]! << s
      a = mix(a, k)
      b = mix(b, k ^ 0x27d4eb2f)
    }
    this.hi = finish(a, length)
    this.lo = finish(b, length ^ 0x5f3759df)
  }
}

/** Exact identity of a key tuple, for verifying hash hits. */
export function keyString(values: readonly NormalizedValue[]): string {
  return values
    .map((v) =>
      v === null
        ? 'n'
        : typeof v === 'bigint'
          ? `b${v}`
          : typeof v === 'number'
            ? `d${v === 0 ? 0 : v}`
            : typeof v === 'boolean'
              ? `${v}`
              : JSON.stringify(v),
    )
    .join(',')
}
