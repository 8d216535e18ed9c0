import * as arrow from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bool,
  type ColumnType,
  date,
  decimal,
  defineTable,
  float64,
  int16,
  int32,
  int64,
  text,
  time,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { arrowColumnVector } from '../../../src/payload/arrow-column-vectors.js'
import type { ArrowData } from '../../../src/payload/arrow-data.js'
import { arrowBatchRows } from '../../../src/payload/arrow-input.js'
import { readWithDuckDB } from '../../helpers/read-parquet.js'
import { tempDir } from './fixtures.js'

/**
 * The Arrow fast path (one column at a time, from the buffers) against the row path (the same Arrow
 * values read one by one and converted by `normalizeValue`): for every Arrow type a kind takes, the
 * change files DuckDB reads back hold the same values, and a value one path refuses the other refuses
 * with the same code, column and row. Values sit at and beyond each conversion's edges (int widths,
 * scaled timestamps that overflow, nanoseconds, non-midnight Date64, decimal digits).
 */

type Raw = bigint | number | boolean | string | null
interface Case {
  readonly name: string
  readonly column: ColumnType
  readonly type: arrow.DataType
  readonly values: fc.Arbitrary<Raw>
  /** Builds the vector from raw values (default: vectorFromArray). */
  readonly build?: (values: Raw[]) => arrow.Vector
}

const I64 = 2n ** 63n
/** A vector over raw int64/int32 words (for units whose builders would round), NULLs in the bitmap. */
function raw(type: arrow.DataType, Ctor: BigInt64ArrayConstructor | Int32ArrayConstructor) {
  return (values: Raw[]) => {
    const bitmap = new Uint8Array(Math.ceil(values.length / 8))
    values.forEach((v, i) => {
      if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7)
    })
    const data =
      Ctor === BigInt64Array
        ? BigInt64Array.from(values, (v) => BigInt(v ?? 0))
        : Int32Array.from(values, (v) => Number(v ?? 0))
    const nullCount = values.filter((v) => v === null).length
    return arrow.makeVector(
      arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data } as never),
    )
  }
}
/** Decimal128 from unscaled bigints (four little-endian 32-bit words each). */
function decimal128(scale: number, precision: number) {
  return (values: Raw[]) => {
    const words = new Uint32Array(values.length * 4)
    values.forEach((v, i) => {
      let x = BigInt.asUintN(128, BigInt(v ?? 0))
      for (let w = 0; w < 4; w++, x >>= 32n) words[i * 4 + w] = Number(x & 0xffffffffn)
    })
    const bitmap = new Uint8Array(Math.ceil(values.length / 8))
    values.forEach((v, i) => {
      if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7)
    })
    const type = new arrow.Decimal(scale, precision, 128)
    const nullCount = values.filter((v) => v === null).length
    return arrow.makeVector(arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data: words }))
  }
}

const n = { nullable: true }
const edgy = (...edges: bigint[]) => fc.oneof(fc.constantFrom(...edges), fc.bigInt(edges[0]!, edges.at(-1)!))
const nullable = <T extends Raw>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 6 })
const word = fc.string({ unit: 'grapheme', maxLength: 30 })
const CASES: Case[] = [
  { name: 'Int8→int64', column: int64(), type: new arrow.Int8(), values: fc.integer({ min: -128, max: 127 }) },
  {
    name: 'Uint32→int64',
    column: int64(n),
    type: new arrow.Uint32(),
    values: nullable(fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  },
  { name: 'Uint64→int64', column: int64(), type: new arrow.Uint64(), values: edgy(0n, I64 - 1n, I64, 2n ** 64n - 1n) },
  {
    name: 'Float64→int64',
    column: int64(n),
    type: new arrow.Float64(),
    values: nullable(fc.oneof(fc.integer(), fc.constantFrom(0.5, 2 ** 53, -(2 ** 53) + 1))),
  },
  {
    name: 'Int64→int32',
    column: int32(n),
    type: new arrow.Int64(),
    values: nullable(edgy(-(2n ** 31n) - 1n, -(2n ** 31n), 2n ** 31n - 1n, 2n ** 31n)),
  },
  { name: 'Int32→int16', column: int16(), type: new arrow.Int32(), values: fc.integer({ min: -32_769, max: 32_768 }) },
  {
    name: 'Float32→float64',
    column: float64(n),
    type: new arrow.Float32(),
    values: nullable(fc.float({ noNaN: true })),
  },
  { name: 'Int32→float64', column: float64(), type: new arrow.Int32(), values: fc.integer() },
  {
    name: 'Decimal128(20,3)→decimal(38,6)',
    column: decimal(38, 6, n),
    type: new arrow.Decimal(3, 20, 128),
    values: nullable(edgy(-(10n ** 20n) + 1n, 0n, 10n ** 20n - 1n)),
    build: decimal128(3, 20),
  },
  {
    name: 'Decimal128(12,2)→decimal(14,2)',
    column: decimal(14, 2),
    type: new arrow.Decimal(2, 12, 128),
    values: edgy(-(10n ** 12n) + 1n, 10n ** 12n - 1n),
    build: decimal128(2, 12),
  },
  {
    name: 'Int16→decimal(9,2)',
    column: decimal(9, 2, n),
    type: new arrow.Int16(),
    values: nullable(fc.integer({ min: -32768, max: 32767 })),
  },
  {
    name: 'Timestamp s→timestamp',
    column: timestamp(n),
    type: new arrow.TimestampSecond('UTC'),
    values: nullable(edgy(-(I64 / 1_000_000n) - 1n, 0n, 1_700_000_000n, I64 / 1_000_000n + 1n)),
    build: raw(new arrow.TimestampSecond('UTC'), BigInt64Array),
  },
  {
    name: 'Timestamp ms→timestamp',
    column: timestamp(),
    type: new arrow.TimestampMillisecond(),
    values: edgy(-(I64 / 1000n) - 1n, -(2n ** 53n), 1_700_000_000_000n, 2n ** 53n, I64 / 1000n + 1n),
    build: raw(new arrow.TimestampMillisecond(), BigInt64Array),
  },
  {
    name: 'Timestamp ns→timestamp_ntz',
    column: timestamp({ timeZone: false, nullable: true }),
    type: new arrow.TimestampNanosecond(),
    values: nullable(
      fc.oneof(
        edgy(-I64, I64 - 1n),
        edgy(-(10n ** 15n), 10n ** 15n).map((v) => v * 1000n),
      ),
    ),
    build: raw(new arrow.TimestampNanosecond(), BigInt64Array),
  },
  {
    name: 'Date32→date',
    column: date(n),
    type: new arrow.DateDay(),
    values: nullable(fc.integer({ min: -100_000_001, max: 100_000_001 })),
    build: raw(new arrow.DateDay(), Int32Array),
  },
  {
    name: 'Date64→date',
    column: date(),
    type: new arrow.DateMillisecond(),
    values: fc.oneof(
      fc.integer({ min: -10_000, max: 10_000 }).map((d) => BigInt(d) * 86_400_000n),
      fc.bigInt(-(2n ** 60n), 2n ** 60n),
    ),
    build: raw(new arrow.DateMillisecond(), BigInt64Array),
  },
  {
    name: 'Time ms→time',
    column: time(n),
    type: new arrow.TimeMillisecond(),
    values: nullable(fc.integer({ min: -1, max: 86_400_000 })),
    build: raw(new arrow.TimeMillisecond(), Int32Array),
  },
  {
    name: 'Time ns→time',
    column: time(),
    type: new arrow.TimeNanosecond(),
    values: fc.bigInt(-1000n, 86_400_000_000_000n),
    build: raw(new arrow.TimeNanosecond(), BigInt64Array),
  },
  { name: 'Utf8→text', column: text(n), type: new arrow.Utf8(), values: nullable(word) },
  { name: 'LargeUtf8→text', column: text(), type: new arrow.LargeUtf8(), values: word },
  { name: 'Utf8View→text', column: text(n), type: new arrow.Utf8View(), values: nullable(word) },
  {
    name: 'Dictionary→text',
    column: text(n),
    type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
    values: nullable(fc.constantFrom('a', '', 'ü東京😀', 'x'.repeat(40))),
  },
  { name: 'Bool→bool', column: bool(n), type: new arrow.Bool(), values: nullable(fc.boolean()) },
]

/** The error a write ends in (code, column, row), or the rows DuckDB reads back. */
async function outcome(write: () => Promise<{ files: readonly { path: string }[] }>) {
  try {
    const files = await write()
    return { rows: await readWithDuckDB(files.files.map((f) => f.path)) }
  } catch (error) {
    const e = error as { code?: string; details?: { column?: string; row?: number } }
    if (!e.code) throw error
    return { code: e.code, column: e.details?.column, row: e.details?.row }
  }
}

describe('the Arrow fast path agrees with the row path', () => {
  it.each(CASES)(
    '$name',
    async (c) => {
      const table = defineTable({ name: 'fast' }, { id: int32(), v: c.column })
      await using fx = await tempDir()
      await fc.assert(
        fc.asyncProperty(fc.array(c.values, { minLength: 1, maxLength: 40 }), async (values) => {
          const vector = c.build ? c.build(values) : arrow.vectorFromArray(values, c.type)
          const input = new arrow.Table({ id: arrow.vectorFromArray(Int32Array.from(values, (_, i) => i)), v: vector })
          const rows = () => arrowBatchRows(input.batches[0]!, table, 'error')
          const fast = await outcome(() => writeChangeFiles(table, input, { dir: fx.dir }))
          const slow = await outcome(async () => writeChangeFiles(table, rows(), { dir: fx.dir }))
          expect(fast).toEqual(slow)
          // Values the column takes are taken from the buffers, not converted one by one.
          if ('rows' in fast) expect(arrowColumnVector(c.column, vector.data[0] as ArrowData)).toBeDefined()
        }),
        { numRuns: 8 },
      )
    },
    60_000,
  )
})
