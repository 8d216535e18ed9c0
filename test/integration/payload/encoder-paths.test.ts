import { describe, expect, it } from 'vitest'
import { parquetFormat } from '../../../src/format.js'
import { bool, defineTable, text, writeChangeFiles } from '../../../src/index.js'
import { parquetFooter, readWithDuckDB } from '../../helpers/read-parquet.js'
import { everyKind, prng, tempDir } from './fixtures.js'

// Every kind, plus non-nullable text and bool (typed-array and TextColumn paths without NULLs).
const table = defineTable({ schema: 'Extract', name: 'paths' }, { ...everyKind, t: text(), flag: bool() })

const WORDS = ['', 'a', 'ASCII only', 'émigré', '東京', '👩‍👩‍👧', 'x'.repeat(65), `long ${'ü'.repeat(300)}`]

/** 40,000 rows: NULLs in every nullable column, ASCII-only and non-ASCII text chunks, long values. */
function rows(): Record<string, unknown>[] {
  const random = prng(7)
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!
  return Array.from({ length: 40_000 }, (_, i) => {
    const nulls = random() < 0.2
    const asciiChunk = Math.floor(i / 256) % 2 === 0
    const word = asciiChunk ? `row ${i}` : pick(WORDS)
    return {
      id: BigInt(i) - 20_000n,
      n64: nulls ? null : BigInt(Math.floor(random() * 2 ** 52)) * 1024n - 2n ** 61n,
      i32: nulls ? null : (i * 7919) | 0,
      f: nulls ? null : random() * 1e6 - 5e5,
      s: nulls ? null : word,
      t: word,
      b: nulls ? null : random() < 0.5,
      flag: i % 3 === 0,
      d: nulls ? null : new Date(Date.UTC(1960, 0, 1 + (i % 30_000))),
      ts: nulls ? null : BigInt(i) * 1_000_001n - 10n ** 12n,
    }
  })
}

function normalize(row: Record<string, unknown>): Record<string, unknown> {
  const d = row.d instanceof Date ? Math.round(row.d.getTime() / 86_400_000) : row.d
  return { ...row, d }
}

describe('encoder paths: worker compression, in-thread compression and the statistics path', () => {
  it.each(['js', 'native'] as const)(
    'with %s SNAPPY, write byte-identical files with and without worker threads, read back exactly by DuckDB',
    async (snappy) => {
      const input = rows()
      await using tmp = await tempDir()
      const hashes: string[][] = []
      for (const compressionThreads of [0, 2]) {
        await using files = await writeChangeFiles(table, input, {
          dir: tmp.dir,
          maxSizeInMb: 1,
          format: parquetFormat({ compressionThreads, snappy }),
        })
        expect(files.files.length).toBeGreaterThan(1)
        for (const f of files.files) expect(f.bytes).toBeLessThanOrEqual(950_000)
        hashes.push(files.files.map((f) => f.sha256))
        const back = await readWithDuckDB(files.files.map((f) => f.path))
        expect(back).toEqual(input.map(normalize))
      }
      expect(hashes[1]).toEqual(hashes[0])
    },
  )

  it('sends text that repeats (a dictionary at least halves it) through dictionary pages, in order with fast groups', async () => {
    const random = prng(11)
    const blobs = Array.from(
      { length: 8 },
      (_, k) => `${k}:${Array.from({ length: 400 }, () => random().toString(36).slice(2, 7)).join('')}`,
    )
    // Unique text first (fast path, worker-compressed), then repeated blobs (general path), then unique again.
    const base = rows()[0]!
    const input = Array.from({ length: 30_000 }, (_, i) => {
      const repeated = i >= 10_000 && i < 20_000
      const word = repeated ? blobs[i % blobs.length]! : `unique ${i} ${random()}`
      return { ...base, id: BigInt(i), s: word, t: word }
    })
    await using tmp = await tempDir()
    await using files = await writeChangeFiles(table, input, { dir: tmp.dir, maxSizeInMb: 2 })
    expect(await readWithDuckDB(files.files.map((f) => f.path))).toEqual(input.map(normalize))
    const encodings = new Set<string>()
    for (const f of files.files) {
      for (const group of (await parquetFooter(f.path)).row_groups) {
        for (const c of group.columns) for (const e of c.meta_data?.encodings ?? []) encodings.add(e)
      }
    }
    expect(encodings.has('RLE_DICTIONARY')).toBe(true)
    // 10,000 rows of ~2 KB text twice over would need ~40 MB without the dictionary.
    expect(files.bytes).toBeLessThan(8_000_000)
  })

  it('with statistics, writes min/max per column chunk and the same rows', async () => {
    const input = rows().slice(0, 5_000)
    await using tmp = await tempDir()
    await using files = await writeChangeFiles(table, input, {
      dir: tmp.dir,
      format: parquetFormat({ statistics: true }),
    })
    expect(await readWithDuckDB(files.files.map((f) => f.path))).toEqual(input.map(normalize))
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const stats = (
      await c.runAndReadAll(
        `SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${files.files[0]!.path}') WHERE row_group_id = 0`,
      )
    ).getRowObjectsJS()
    c.closeSync()
    db.closeSync()
    expect(stats.find((r) => r.col === 'id')).toMatchObject({ lo: '-20000', hi: '-15001' })
    for (const r of stats) expect(r.lo, String(r.col)).not.toBeNull()
  })
})
