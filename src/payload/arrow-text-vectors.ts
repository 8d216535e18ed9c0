import { isUtf8 } from 'node:buffer'
import { ArrowBadValue, type ArrowData } from './arrow-data.js'
import { TextColumn } from './text-column.js'

/**
 * Arrow text columns as a TextColumn from their buffers: Utf8 as it is (no copy), LargeUtf8 with its
 * offsets narrowed, Utf8View (Polars) and dictionary-encoded text (`tableFromArrays`) gathered into
 * one UTF-8 buffer. Undefined sends the column to the row path (a layout not handled here, or a
 * value that is not well-formed UTF-8, which the row path then names).
 */

const UTF8 = 5
const LARGE_UTF8 = 20
const UTF8_VIEW = 24
const DICTIONARY = -1
const INT32_MAX = 2 ** 31 - 1
/** Values up to this many bytes are copied byte by byte: cheaper than a native `set` per value. */
const SHORT = 32

interface Utf8Parts {
  readonly data: Uint8Array
  /** Row `i` is `data[starts[i], starts[i+1])`. */
  readonly starts: Int32Array
}

/** Every value well-formed: valid as a whole, and no value boundary cuts a character. */
function validUtf8({ data, starts }: Utf8Parts, n: number): boolean {
  const end = starts[n]!
  if (!isUtf8(data.subarray(starts[0], end))) return false
  for (let i = 1; i < n; i++) {
    const start = starts[i]!
    if (start < end && (data[start]! & 0xc0) === 0x80) return false
  }
  return true
}

/** Utf8View: 16-byte views, values up to 12 bytes inline, longer ones in the variadic buffers. */
function viewParts(chunk: ArrowData, nulls: Uint8Array | undefined): Utf8Parts | undefined {
  const views = chunk.values
  const buffers = chunk.variadicBuffers ?? []
  const n = chunk.length
  if (!(views instanceof Uint8Array) || views.byteOffset % 4 !== 0) return
  const words = new Int32Array(views.buffer, views.byteOffset, n * 4)
  let total = 0
  for (let i = 0; i < n; i++) if (!nulls?.[i]) total += words[i * 4]!
  if (total > INT32_MAX) return
  const data = new Uint8Array(total)
  const starts = new Int32Array(n + 1)
  let at = 0
  for (let i = 0; i < n; i++) {
    starts[i] = at
    if (nulls?.[i]) continue
    const length = words[i * 4]!
    if (length <= 12) {
      const from = i * 16 + 4
      for (let b = 0; b < length; b++) data[at + b] = views[from + b]!
    } else {
      const buffer = buffers[words[i * 4 + 2]!]
      const from = words[i * 4 + 3]!
      if (!buffer || from + length > buffer.length) return
      data.set(buffer.subarray(from, from + length), at)
    }
    at += length
  }
  starts[n] = at
  return { data, starts }
}

/** Utf8 / LargeUtf8 / Utf8View values of one chunk, NULL rows empty; undefined when not one of them. */
function plainParts(chunk: ArrowData, nulls: Uint8Array | undefined): Utf8Parts | undefined {
  const typeId = chunk.type.typeId
  const n = chunk.length
  if (typeId === UTF8_VIEW) return viewParts(chunk, nulls)
  const data = chunk.values
  const offsets = chunk.valueOffsets
  if (!(data instanceof Uint8Array)) return
  let starts: Int32Array
  if (typeId === UTF8 && offsets instanceof Int32Array) starts = offsets.subarray(0, n + 1)
  else if (typeId === LARGE_UTF8 && offsets instanceof BigInt64Array) {
    if (offsets[n]! > BigInt(INT32_MAX)) return
    starts = new Int32Array(n + 1)
    for (let i = 0; i <= n; i++) starts[i] = Number(offsets[i]!)
  } else return
  // A NULL must be an empty range in a TextColumn (producers write them so).
  if (nulls) for (let i = 0; i < n; i++) if (nulls[i] && starts[i + 1] !== starts[i]) return
  return { data, starts }
}

type Indexes = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array

/** Dictionary-encoded text: each row's value copied from the dictionary (whose validity it reports). */
function gather(chunk: ArrowData, nulls: Uint8Array | undefined): (Utf8Parts & { valid: boolean }) | undefined {
  const dictionaries = chunk.dictionary?.data
  const dictionary = dictionaries?.length === 1 ? dictionaries[0]! : undefined
  const indexes = chunk.values as Indexes | undefined
  if (!dictionary || dictionary.nullCount || dictionary.offset || !ArrayBuffer.isView(indexes)) return
  if (indexes instanceof BigUint64Array) return
  const words = plainParts(dictionary, undefined)
  if (!words) return
  const { data: source, starts: at } = words
  const n = chunk.length
  const size = dictionary.length
  const index = (i: number) => Number(indexes[i]!)
  let total = 0
  for (let i = 0; i < n; i++) {
    if (nulls?.[i]) continue
    const k = index(i)
    if (!(k >= 0 && k < size)) return
    total += at[k + 1]! - at[k]!
  }
  if (total > INT32_MAX) return
  const data = new Uint8Array(total)
  const starts = new Int32Array(n + 1)
  let to = 0
  for (let i = 0; i < n; i++) {
    starts[i] = to
    if (nulls?.[i]) continue
    const k = index(i)
    const from = at[k]!
    const end = at[k + 1]!
    if (end - from <= SHORT) for (let b = from; b < end; b++) data[to++] = source[b]!
    else {
      data.set(source.subarray(from, end), to)
      to += end - from
    }
  }
  starts[n] = to
  return { data, starts, valid: validUtf8(words, size) }
}

/**
 * The text column of one Arrow chunk, or undefined when the row path must take it. A value that is
 * not well-formed UTF-8 is an ArrowBadValue naming its row (the row path's reader would decode it
 * to U+FFFD, silently).
 */
export function arrowTextVector(chunk: ArrowData, nulls: Uint8Array | undefined): TextColumn | undefined {
  const n = chunk.length
  const dictionary = chunk.type.typeId === DICTIONARY
  const parts: (Utf8Parts & { valid?: boolean }) | undefined = dictionary
    ? gather(chunk, nulls)
    : plainParts(chunk, nulls)
  if (!parts) return
  if (!(parts.valid ?? validUtf8(parts, n))) {
    for (let i = 0; i < n; i++) {
      if (!nulls?.[i] && !isUtf8(parts.data.subarray(parts.starts[i], parts.starts[i + 1]))) {
        throw new ArrowBadValue(i, 'is not valid UTF-8 (a lone surrogate or broken byte sequence)')
      }
    }
  }
  return TextColumn.fromUtf8(parts.data, parts.starts, nulls)
}
