/**
 * A Parquet footer or Thrift structure that cannot be read. Internal: the splice path catches it and
 * lets the row reader (which names the file in a PAYLOAD_PARQUET_INPUT error) handle the file.
 */
export class MalformedParquet extends Error {
  override readonly name = 'MalformedParquet'
}

/**
 * The Thrift compact protocol, as far as Parquet's footer and page headers need it. Parquet
 * metadata is a handful of structs of integers, strings, lists and nested structs: owning this
 * small encoder keeps the change-file format (and its exact size accounting) independent of any
 * writer library's internals.
 */

/** Compact-protocol type codes. */
export const T = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const

const encoder = new TextEncoder()

/** A growable byte buffer with compact-protocol primitives. Field ids are tracked per open struct. */
export class ThriftWriter {
  bytes = new Uint8Array(256)
  length = 0
  #lastField: number[] = [0]

  #ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n))
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  byte(b: number): void {
    this.#ensure(1)
    this.bytes[this.length++] = b
  }

  raw(data: Uint8Array): void {
    this.#ensure(data.length)
    this.bytes.set(data, this.length)
    this.length += data.length
  }

  varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      let v = value
      while (v > 0x7f) {
        this.byte((v & 0x7f) | 0x80)
        v >>>= 7
      }
      this.byte(v)
      return
    }
    let v = BigInt.asUintN(64, BigInt(value))
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.byte(Number(v))
  }

  zigzag(value: number | bigint): void {
    const v = BigInt(value)
    this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)))
  }

  fieldHeader(id: number, type: number): void {
    const last = this.#lastField[this.#lastField.length - 1]!
    const delta = id - last
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type)
    else {
      this.byte(type)
      this.zigzag(id)
    }
    this.#lastField[this.#lastField.length - 1] = id
  }

  i32(id: number, value: number): void {
    this.fieldHeader(id, T.I32)
    this.zigzag(value)
  }

  i64(id: number, value: number | bigint): void {
    this.fieldHeader(id, T.I64)
    this.zigzag(value)
  }

  bool(id: number, value: boolean): void {
    this.fieldHeader(id, value ? T.TRUE : T.FALSE)
  }

  binary(id: number, value: string | Uint8Array): void {
    this.fieldHeader(id, T.BINARY)
    this.#binaryValue(value)
  }

  #binaryValue(value: string | Uint8Array): void {
    const data = typeof value === 'string' ? encoder.encode(value) : value
    this.varint(data.length)
    this.raw(data)
  }

  listHeader(id: number, elementType: number, size: number): void {
    this.fieldHeader(id, T.LIST)
    if (size < 15) this.byte((size << 4) | elementType)
    else {
      this.byte(0xf0 | elementType)
      this.varint(size)
    }
  }

  i32List(id: number, values: readonly number[]): void {
    this.listHeader(id, T.I32, values.length)
    for (const v of values) this.zigzag(v)
  }

  stringList(id: number, values: readonly string[]): void {
    this.listHeader(id, T.BINARY, values.length)
    for (const v of values) this.#binaryValue(v)
  }

  /** Opens a struct (as a field when `id` is given, as a list element otherwise); close with {@link end}. */
  begin(id?: number): void {
    if (id !== undefined) this.fieldHeader(id, T.STRUCT)
    this.#lastField.push(0)
  }

  end(): void {
    this.byte(0)
    this.#lastField.pop()
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }
}

/** Reads compact-protocol structs into `{ fieldId: value }` objects (nested structs likewise, lists as arrays). */
export class ThriftReader {
  offset: number
  readonly #bytes: Uint8Array

  constructor(bytes: Uint8Array, offset = 0) {
    this.#bytes = bytes
    this.offset = offset
  }

  #byte(): number {
    if (this.offset >= this.#bytes.length) throw new MalformedParquet('thrift data ends early')
    return this.#bytes[this.offset++]!
  }

  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.#byte()
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
      if (shift > 70n) throw new MalformedParquet('thrift varint too long')
    }
  }

  #zigzag(): bigint {
    const v = this.varint()
    return (v >> 1n) ^ -(v & 1n)
  }

  #value(type: number): unknown {
    switch (type) {
      case T.TRUE:
        return true
      case T.FALSE:
        return false
      case T.BYTE:
        return this.#byte()
      case T.I16:
      case T.I32:
        return Number(this.#zigzag())
      case T.I64:
        return this.#zigzag()
      case T.DOUBLE:
        this.offset += 8
        return undefined
      case T.BINARY: {
        const n = Number(this.varint())
        const start = this.offset
        this.offset += n
        return this.#bytes.subarray(start, this.offset)
      }
      case T.LIST:
      case T.SET: {
        const header = this.#byte()
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4
        const elementType = header & 0x0f
        const out: unknown[] = []
        for (let i = 0; i < size; i++) out.push(elementType === T.TRUE ? this.#byte() === 1 : this.#value(elementType))
        return out
      }
      case T.STRUCT:
        return this.struct()
      default:
        throw new MalformedParquet(`unsupported thrift type ${type}`)
    }
  }

  struct(): Record<number, unknown> {
    const out: Record<number, unknown> = {}
    let last = 0
    for (;;) {
      const header = this.#byte()
      if (header === 0) return out
      const type = header & 0x0f
      const delta = header >> 4
      const id = delta === 0 ? Number(this.#zigzag()) : last + delta
      out[id] = this.#value(type)
      last = id
    }
  }
}
