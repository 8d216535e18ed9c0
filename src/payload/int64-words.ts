import { endianness } from 'node:os'

/**
 * int64 arithmetic on the 32-bit words of a BigInt64Array, without a BigInt per value: creating one
 * per value was the largest cost of widening timestamps. Values within ±2^53 are exact as doubles;
 * anything beyond (or a big-endian machine) takes the BigInt path.
 */

const TWO_32 = 4_294_967_296
const INT64_MAX = 2n ** 63n - 1n
const LITTLE_ENDIAN = endianness() === 'LE'

/** `values × factor` as int64, or undefined when a non-NULL product overflows int64. */
export function scaleInt64(
  values: BigInt64Array,
  n: number,
  factor: number,
  nulls: Uint8Array | undefined,
): BigInt64Array | undefined {
  const out = new BigInt64Array(n)
  const big = BigInt(factor)
  const bound = INT64_MAX / big
  const words = LITTLE_ENDIAN ? new Int32Array(values.buffer, values.byteOffset, n * 2) : undefined
  const outWords = new Int32Array(out.buffer)
  for (let i = 0; i < n; i++) {
    if (words) {
      const x = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0)
      const y = x * factor
      if (Number.isSafeInteger(y)) {
        outWords[2 * i] = y >>> 0
        outWords[2 * i + 1] = Math.floor(y / TWO_32)
        continue
      }
    }
    const v = values[i]!
    if (v <= bound && v >= -bound) out[i] = v * big
    else if (!nulls?.[i]) return
  }
  return out
}

/** Whole numbers (safe integers) as int64, or undefined when a non-NULL value is not one. */
export function numbersToInt64(
  values: ArrayLike<number>,
  n: number,
  nulls: Uint8Array | undefined,
): BigInt64Array | undefined {
  const out = new BigInt64Array(n)
  const outWords = LITTLE_ENDIAN ? new Int32Array(out.buffer) : undefined
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (!Number.isSafeInteger(v)) {
      if (nulls?.[i]) continue
      return
    }
    if (outWords) {
      outWords[2 * i] = v >>> 0
      outWords[2 * i + 1] = Math.floor(v / TWO_32)
    } else out[i] = BigInt(v)
  }
  return out
}

/** int64 values as doubles where they are exact (±2^53), else NaN; for range checks without a BigInt each. */
export function int64AsNumbers(values: BigInt64Array, n: number): Float64Array {
  const out = new Float64Array(n)
  const words = LITTLE_ENDIAN ? new Int32Array(values.buffer, values.byteOffset, n * 2) : undefined
  for (let i = 0; i < n; i++) {
    const x = words ? words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0) : Number(values[i]!)
    out[i] = Number.isSafeInteger(x) ? x : Number.NaN
  }
  return out
}
