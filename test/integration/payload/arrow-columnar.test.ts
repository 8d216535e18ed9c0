import * as arrow from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { defineTable, float64, int64, isHyperdeltaError, text, writeChangeFiles } from '../../../src/index.js'
import { arrowRowBatches } from '../../../src/payload/arrow-columns.js'
import { readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { everyKind } from './fixtures.js'

/**
 * Arrow inputs taken column by column from the vectors' buffers: values exact (int64 over its whole
 * range, µs timestamps, NULLs, any Unicode), files within the limit, bad values refused with their
 * row and column — read back with DuckDB and hyparquet.
 */

const table = defineTable({ name: 'arrow' }, everyKind)

const WORDS = ['', 'plain', 'ü東京😀', 'a\u0000b', '𝄞 music', 'x'.repeat(300)]
const N = 70_000 // more than one row group (32,768 rows)

function expectedRow(i: number) {
  return {
    id: BigInt(i) - 2n ** 63n + (i === N - 1 ? 2n ** 64n - BigInt(N) : 0n),
    n64: i % 3 === 0 ? null : i % 7 === 0 ? 2n ** 63n - 1n : BigInt(-i) * 1_000_000_007n,
    i32: i % 4 === 0 ? null : i % 11 === 0 ? -(2 ** 31) : i,
    f: i % 5 === 0 ? null : i / 7,
    s: i % 6 === 0 ? null : `${WORDS[i % WORDS.length]}${i}`,
    b: i % 8 === 0 ? null : i % 3 === 1,
    d: i % 9 === 0 ? null : (i % 20_000) - 10_000,
    ts: i % 10 === 0 ? null : -62_135_596_800_000_000n + BigInt(i) * 123_456_789_001n,
  }
}

function arrowTable(from: number, to: number, batchRows: number): arrow.Table {
  const batches: arrow.RecordBatch[] = []
  for (let start = from; start < to; start += batchRows) {
    const rows = Array.from({ length: Math.min(batchRows, to - start) }, (_, k) => expectedRow(start + k))
    const col = <T>(name: keyof ReturnType<typeof expectedRow>, type: arrow.DataType) =>
      arrow.vectorFromArray(
        rows.map((r) => r[name] as T),
        type,
      )
    batches.push(
      new arrow.Table({
        id: col('id', new arrow.Int64()),
        n64: col('n64', new arrow.Int64()),
        i32: col('i32', new arrow.Int32()),
        f: col('f', new arrow.Float64()),
        s: col('s', new arrow.Utf8()),
        b: col('b', new arrow.Bool()),
        d: arrow.vectorFromArray(
          rows.map((r) => (r.d === null ? null : new Date(r.d * 86_400_000))),
          new arrow.DateDay(),
        ),
        ts: arrow.makeVector(
          arrow.makeData({
            type: new arrow.TimestampMicrosecond('UTC'),
            length: rows.length,
            nullCount: rows.filter((r) => r.ts === null).length,
            nullBitmap: Uint8Array.from({ length: Math.ceil(rows.length / 8) }, (_, byte) => {
              let bits = 0
              for (let k = 0; k < 8; k++) if (rows[byte * 8 + k] && rows[byte * 8 + k]!.ts !== null) bits |= 1 << k
              return bits
            }),
            data: BigInt64Array.from(rows.map((r) => r.ts ?? 0n)),
          }),
        ),
      }).batches[0]!,
    )
  }
  return new arrow.Table(batches)
}

const expected = Array.from({ length: N }, (_, i) => expectedRow(i))

describe('Arrow inputs, columnar', { timeout: 120_000 }, () => {
  it('takes every column of these batches from the buffers (no row path)', () => {
    const t = arrowTable(0, 100, 100)
    const batches = arrowRowBatches(t.batches[0]!, table, 'error', 0, 32_768)
    expect(batches?.length).toBe(1)
    expect(batches![0]!.columns[0]).toBeInstanceOf(BigInt64Array)
  })

  it('keeps every value exact across batches larger and smaller than a row group, within the byte limit', async () => {
    const t = arrowTable(0, N, 50_000)
    const maxBytes = 1_500_000
    await using files = await writeChangeFiles(table, t, { maxBytes })
    expect(files.files.length).toBeGreaterThan(1)
    for (const f of files.files) expect(f.bytes).toBeLessThanOrEqual(maxBytes)
    const paths = files.files.map((f) => f.path)
    expect(await readWithDuckDB(paths)).toEqual(expected)
    expect(await readWithHyparquet(paths)).toEqual(expected)
  })

  it('refuses a NULL in a non-nullable column, a non-finite double and broken UTF-8, naming row and column', async () => {
    const strict = defineTable({ name: 'strict' }, { id: int64(), f: float64(), s: text() })
    const batch = (ids: (bigint | null)[], fs: number[], ss: Uint8Array[]) => {
      const offsets = new Int32Array(ss.length + 1)
      ss.forEach((s, i) => {
        offsets[i + 1] = offsets[i]! + s.length
      })
      const data = new Uint8Array(offsets[ss.length]!)
      for (const [i, s] of ss.entries()) data.set(s, offsets[i])
      return new arrow.Table({
        id: arrow.vectorFromArray(ids, new arrow.Int64()),
        f: arrow.vectorFromArray(fs, new arrow.Float64()),
        s: arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: ss.length, valueOffsets: offsets, data })),
      })
    }
    const ok = new TextEncoder().encode('ok')
    const cases = [
      { t: batch([1n, null, 3n], [1, 2, 3], [ok, ok, ok]), column: 'id', row: 1 },
      { t: batch([1n, 2n, 3n], [1, 2, Number.POSITIVE_INFINITY], [ok, ok, ok]), column: 'f', row: 2 },
      // A character cut between two values: valid as concatenated bytes, not as values.
      { t: batch([1n, 2n], [1, 2], [Uint8Array.of(0xe2), Uint8Array.of(0x82, 0xac)]), column: 's', row: 0 },
      { t: batch([1n, 2n], [1, 2], [ok, Uint8Array.of(0xed, 0xa0, 0x80)]), column: 's', row: 1 },
    ]
    for (const c of cases) {
      const error = await writeChangeFiles(strict, c.t).catch((e: unknown) => e)
      expect(isHyperdeltaError(error, 'PAYLOAD_VALUE_INVALID'), String(error)).toBe(true)
      expect((error as { details: object }).details).toMatchObject({ column: c.column, row: c.row })
    }
  })

  it('finds duplicate keys across Arrow batches', async () => {
    const keyed = defineTable({ name: 'keyed' }, { id: int64(), s: text() })
    const t = new arrow.Table({
      id: arrow.vectorFromArray(BigInt64Array.from({ length: 40_000 }, (_, i) => BigInt(i === 39_000 ? 5 : i))),
      s: arrow.vectorFromArray(
        Array.from({ length: 40_000 }, (_, i) => `v${i}`),
        new arrow.Utf8(),
      ),
    })
    const error = await writeChangeFiles(keyed, t, { keys: ['id'] }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')).toBe(true)
    expect((error as { details: { duplicates: { rows: number[] }[] } }).details.duplicates[0]!.rows).toEqual([
      5, 39_000,
    ])
  })
})
