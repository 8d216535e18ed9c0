import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { defineTable, float64, int32, int64, isHyperdeltaError, text, writeChangeFiles } from '../../../src/index.js'
import { countWithDuckDB, readRowsWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { prng } from './fixtures.js'

const MB = 1024 * 1024
const table = defineTable({ name: 'sized' }, { id: int64(), n: int32(), f: float64(), s: text() })

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/😀日']

/** Deterministic rows of a given kind, generated again for comparison instead of being kept. */
function* rowsOf(kind: 'random' | 'incompressible' | 'compressible', count: number, seed: number) {
  const rand = prng(seed)
  for (let i = 0; i < count; i++) {
    if (kind === 'random') {
      const len = Math.floor(rand() * 40)
      let s = ''
      for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]
      yield { id: BigInt(i) * 7919n - 2n ** 62n, n: Math.floor(rand() * 2 ** 32) - 2 ** 31, f: rand() * 1e6, s }
    } else if (kind === 'incompressible') {
      let s = ''
      for (let k = 0; k < 300; k++) s += String.fromCharCode(0x21 + Math.floor(rand() * 94))
      yield { id: BigInt(Math.floor(rand() * 2 ** 53)), n: Math.floor(rand() * 2 ** 31), f: rand(), s }
    } else {
      yield { id: BigInt(i), n: 1, f: 0.5, s: `${'the same words '.repeat(8)}${i}` }
    }
  }
}

/** Rough compressed bytes per row, to generate ~1.4 × the limit of data (two files or more). */
const bytesPerRow = { random: 50, incompressible: 320, compressible: 12 } as const

/** Row-by-row comparison that reports the first mismatch (deep equality of 100k rows is slow in vitest). */
function expectSameRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[]) {
  expect(actual.length).toBe(expected.length)
  const key = (r: Record<string, unknown>) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
  const first = actual.findIndex((r, i) => key(r) !== key(expected[i]!))
  if (first >= 0) expect({ row: first, value: actual[first] }).toEqual({ row: first, value: expected[first] })
}

describe('size limit: every file ≤ the limit, cut on row boundaries, union = input', () => {
  for (const mb of [1, 3]) {
    for (const kind of ['random', 'incompressible', 'compressible'] as const) {
      it(`${mb} MB, ${kind} data`, async () => {
        const count = Math.round((mb * MB * 1.3) / bytesPerRow[kind])
        await using files = await writeChangeFiles(table, rowsOf(kind, count, mb), { maxSizeInMb: mb })
        const limit = mb * MB
        expect(files.files.length).toBeGreaterThanOrEqual(2)
        for (const f of files.files) {
          expect(f.bytes).toBeLessThanOrEqual(limit)
          expect((await stat(f.path)).size).toBe(f.bytes)
        }
        // Files other than the last are filled well (a cut wastes at most a fraction of a row group).
        for (const f of files.files.slice(0, -1)) expect(f.bytes).toBeGreaterThan(limit * 0.7)
        expect(files.rows).toBe(count)
        let next = 0
        for (const f of files.files) {
          expect(f.firstRow).toBe(next)
          next += f.rows
        }
        const paths = files.files.map((f) => f.path)
        const expected = [...rowsOf(kind, count, mb)]
        expectSameRows(await readWithHyparquet(paths), expected)
        // DuckDB: every row counted, and the rows around each cut plus a spread sample compared exactly.
        expect(await countWithDuckDB(paths)).toBe(count)
        const cuts = files.files.flatMap((f) => [f.firstRow, f.firstRow + f.rows - 1])
        const sample = [...new Set([...cuts, ...Array.from({ length: 50 }, (_, k) => Math.floor((k * count) / 50))])]
        sample.sort((a, b) => a - b)
        expect(await readRowsWithDuckDB(paths, sample)).toEqual(sample.map((i) => expected[i]))
      })
    }
  }

  it('holds for tiny rows and a limit of a few KB', async () => {
    const tiny = defineTable({ name: 'tiny' }, { b: int32() })
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ b: i }))
    await using files = await writeChangeFiles(tiny, rows, { maxBytes: 4096 })
    expect(files.files.length).toBeGreaterThan(5)
    for (const f of files.files) expect(f.bytes).toBeLessThanOrEqual(4096)
    expect((await readWithHyparquet(files.files.map((f) => f.path))).map((r) => r.b)).toEqual(rows.map((r) => r.b))
  })

  it('rejects a single row that cannot fit, naming its index', async () => {
    const rows = [
      { id: 1n, n: 1, f: 1, s: 'small' },
      { id: 2n, n: 2, f: 2, s: 'x'.repeat(50_000) + Math.random() },
    ]
    // Incompressible wide value: make it random so SNAPPY cannot shrink it under the limit.
    const rand = prng(7)
    rows[1]!.s = Array.from({ length: 60_000 }, () => String.fromCharCode(0x21 + Math.floor(rand() * 94))).join('')
    const error = await writeChangeFiles(table, rows, { maxBytes: 20_000 }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_ROW_TOO_LARGE')).toBe(true)
    expect((error as { details: { row: number } }).details.row).toBe(1)
    expect((error as Error).message).toMatch(/^payload: row 1 of sized/)
  })
})
