import { describe, expect, it } from 'vitest'
import { defineTable, float64, writeChangeFiles } from '../../../src/index.js'
import { describeWithDuckDB, parquetFooter, readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { everyKind, filesIn, tempDir } from './fixtures.js'

const all = defineTable({ schema: 'Extract', name: 'changes' }, everyKind)

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

// Input rows and the exact values expected back (int64/timestamp bigint, date as epoch days).
const cases: [Record<string, unknown>, Record<string, unknown>][] = [
  [
    { id: INT64_MIN, n64: INT64_MAX, i32: -(2 ** 31), f: 0.1 + 0.2, s: '', b: false, d: '1900-01-01', ts: -1n },
    { id: INT64_MIN, n64: INT64_MAX, i32: -(2 ** 31), f: 0.1 + 0.2, s: '', b: false, d: -25567, ts: -1n },
  ],
  [
    {
      id: 2n ** 53n + 1n,
      n64: 2 ** 53 - 1,
      i32: 2 ** 31 - 1,
      f: 1.7976931348623157e308,
      s: '😀👩‍👩‍👧‍👦 日本語 é',
      b: true,
      d: new Date(Date.UTC(1969, 11, 31)),
      ts: '1969-12-31T23:59:59.999999Z',
    },
    {
      id: 2n ** 53n + 1n,
      n64: 2n ** 53n - 1n,
      i32: 2 ** 31 - 1,
      f: 1.7976931348623157e308,
      s: '😀👩‍👩‍👧‍👦 日本語 é',
      b: true,
      d: -1,
      ts: -1n,
    },
  ],
  [
    { id: 3, f: 5e-324, s: '\n "q" \\ \t', d: '2099-12-31', ts: '2024-02-29T12:34:56.123456+02:00' },
    { id: 3n, n64: null, i32: null, f: 5e-324, s: '\n "q" \\ \t', b: null, d: 47481, ts: 1709202896123456n },
  ],
  [
    { id: 4, n64: null, i32: null, f: null, s: null, b: null, d: null, ts: new Date(Date.UTC(1900, 0, 1, 0, 0, 0, 1)) },
    { id: 4n, n64: null, i32: null, f: null, s: null, b: null, d: null, ts: -2208988799999000n },
  ],
  [
    { id: 5, ts: 1700000000123456n, d: new Date(0) },
    { id: 5n, n64: null, i32: null, f: null, s: null, b: null, d: 0, ts: 1700000000123456n },
  ],
]

describe('writeChangeFiles round trip (DuckDB and hyparquet read back exactly)', () => {
  it('keeps every type exact: int64 min/max and 2^53+1, pre-1970, µs, NULLs, unicode, empty strings', async () => {
    await using tmp = await tempDir()
    await using files = await writeChangeFiles(
      all,
      cases.map(([input]) => input),
      { dir: tmp.dir },
    )
    expect(files.files).toHaveLength(1)
    const [file] = files.files
    expect(file).toMatchObject({ rows: cases.length, firstRow: 0, table: all, format: 'parquet' })
    const expected = cases.map(([, out]) => out)
    expect(await readWithDuckDB(file!.path)).toEqual(expected)
    expect(await readWithHyparquet(file!.path)).toEqual(expected)
  })

  it('writes the column types Tableau expects and compresses with SNAPPY', async () => {
    await using files = await writeChangeFiles(all, [cases[0]![0]])
    const path = files.files[0]!.path
    expect(await describeWithDuckDB(path)).toEqual({
      id: 'BIGINT',
      n64: 'BIGINT',
      i32: 'INTEGER',
      f: 'DOUBLE',
      s: 'VARCHAR',
      b: 'BOOLEAN',
      d: 'DATE',
      ts: 'TIMESTAMP WITH TIME ZONE',
    })
    const footer = await parquetFooter(path)
    const ts = footer.schema.find((e) => e.name === 'ts')
    expect(ts?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' })
    expect(footer.schema.find((e) => e.name === 'id')?.repetition_type).toBe('REQUIRED')
    expect(footer.schema.find((e) => e.name === 'n64')?.repetition_type).toBe('OPTIONAL')
    for (const group of footer.row_groups) for (const c of group.columns) expect(c.meta_data?.codec).toBe('SNAPPY')
  })

  it('records rows, bytes and sha256 of each file', async () => {
    const { createHash } = await import('node:crypto')
    const { readFile, stat } = await import('node:fs/promises')
    await using files = await writeChangeFiles(
      all,
      cases.map(([i]) => i),
    )
    for (const f of files.files) {
      const bytes = await readFile(f.path)
      expect(f.bytes).toBe((await stat(f.path)).size)
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
    expect(files.rows).toBe(cases.length)
    expect(files.bytes).toBe(files.files.reduce((n, f) => n + f.bytes, 0))
  })

  it('produces no files for an empty input', async () => {
    await using tmp = await tempDir()
    const files = await writeChangeFiles(all, [], { dir: tmp.dir })
    expect(files.files).toEqual([])
    expect(files.rows).toBe(0)
    expect(await filesIn(tmp.dir)).toEqual([])
    await files.dispose()
  })

  it('accepts NaN and ±Infinity only where the table allows them', async () => {
    const t = defineTable({ name: 'f' }, { x: float64({ allowNonFinite: true }) })
    await using files = await writeChangeFiles(t, [{ x: Number.NaN }, { x: Number.POSITIVE_INFINITY }, { x: -0 }])
    const back = await readWithHyparquet(files.files[0]!.path)
    expect(back.map((r) => r.x)).toEqual([Number.NaN, Number.POSITIVE_INFINITY, -0])
    expect((await readWithDuckDB(files.files[0]!.path)).map((r) => r.x)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
    ])
  })
})
