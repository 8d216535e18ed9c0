import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { parquetWriteFile } from 'hyparquet-writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parquetFormat } from '../../../src/format.js'
import {
  defineTable,
  float64,
  fromParquet,
  int64,
  isHyperdeltaError,
  text,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { parquetFooter, readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { everyKind, tempDir } from './fixtures.js'

/**
 * Parquet inputs written by DuckDB, packaged by splicing (row groups copied as bytes), by
 * re-encoding (groups that need conversion or checks value by value) or both, and read back by
 * DuckDB and hyparquet: the values must equal what DuckDB reads from the input itself.
 */

const table = defineTable({ name: 'splice' }, everyKind)

/** Every kind, NULLs, int64 extremes, µs timestamps, Unicode beyond the BMP, empty strings. */
const SELECT = `SELECT i::BIGINT AS id,
  CASE WHEN i % 3 = 0 THEN NULL WHEN i % 7 = 0 THEN -9223372036854775808 WHEN i % 11 = 0 THEN 9223372036854775807 ELSE i * 7 END::BIGINT AS n64,
  (i % 1000 - 500)::INTEGER AS i32,
  CASE WHEN i % 13 = 0 THEN NULL ELSE i / 3.0 END::DOUBLE AS f,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 17 = 0 THEN '' ELSE 'ü😀東京 ' || (i % 5000) END AS s,
  CASE WHEN i % 19 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
  CASE WHEN i % 23 = 0 THEN NULL ELSE DATE '1900-01-01' + (i % 70000)::INTEGER END AS d,
  CASE WHEN i % 29 = 0 THEN NULL ELSE TIMESTAMPTZ '1960-01-01 00:00:00.000001+00' + to_microseconds(i * 1000003) END AS ts
FROM range(ROWS) t(i)`

let instance: DuckDBInstance
let duck: DuckDBConnection
let dir: string
let cleanup: () => Promise<void>

async function copy(select: string, path: string, options = ''): Promise<string> {
  await duck.run(`COPY (${select}) TO '${path}' (FORMAT parquet${options})`)
  return path
}

async function readBack(paths: readonly string[]) {
  return { duck: await readWithDuckDB(paths), hyparquet: await readWithHyparquet(paths) }
}

/** Whether a file holds pages only a splice can have put there (we never write dictionary pages ourselves). */
async function spliced(path: string): Promise<boolean> {
  const footer = await parquetFooter(path)
  return footer.row_groups.some((g) => g.columns.some((c) => c.meta_data?.dictionary_page_offset !== undefined))
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  duck = await instance.connect()
  const tmp = await tempDir()
  dir = tmp.dir
  cleanup = () => tmp[Symbol.asyncDispose]()
})

afterAll(async () => {
  duck.closeSync()
  instance.closeSync()
  await cleanup()
})

describe('Parquet inputs spliced into change files', { timeout: 120_000 }, () => {
  it('copies DuckDB row groups as bytes, cuts files at row-group boundaries under the limit, values exact', async () => {
    const input = await copy(SELECT.replace('ROWS', '60000'), `${dir}/every-kind.parquet`, ', ROW_GROUP_SIZE 10240')
    const expected = await readWithDuckDB(input)
    const maxBytes = 500_000
    await using files = await writeChangeFiles(table, fromParquet([input, input]), { maxBytes })
    expect(files.files.length).toBeGreaterThan(2)
    for (const f of files.files) {
      expect(f.bytes).toBeLessThanOrEqual(maxBytes)
      expect(await spliced(f.path)).toBe(true)
    }
    // Full files: the next row group would not have fitted.
    expect(Math.max(...files.files.map((f) => f.bytes))).toBeGreaterThan(maxBytes * 0.8)
    expect(files.files.map((f) => f.firstRow)).toEqual(
      files.files.map((_, i) => files.files.slice(0, i).reduce((n, f) => n + f.rows, 0)),
    )
    const back = await readBack(files.files.map((f) => f.path))
    expect(back.duck).toEqual([...expected, ...expected])
    expect(back.hyparquet).toEqual([...expected, ...expected])
  })

  it('re-encodes a row group larger than the limit on its own, cut on rows, next to spliced files', async () => {
    const big = await copy(SELECT.replace('ROWS', '60000'), `${dir}/one-group.parquet`, ', ROW_GROUP_SIZE 100000')
    const small = await copy(SELECT.replace('ROWS', '5000'), `${dir}/small.parquet`)
    const expected = [
      ...(await readWithDuckDB(small)),
      ...(await readWithDuckDB(big)),
      ...(await readWithDuckDB(small)),
    ]
    const maxBytes = 400_000
    await using files = await writeChangeFiles(table, fromParquet([small, big, small]), { maxBytes })
    for (const f of files.files) expect(f.bytes).toBeLessThanOrEqual(maxBytes)
    const kinds = await Promise.all(files.files.map((f) => spliced(f.path)))
    expect(kinds[0]).toBe(true)
    expect(kinds.at(-1)).toBe(true)
    expect(kinds.filter((k) => !k).length).toBeGreaterThan(1)
    const back = await readBack(files.files.map((f) => f.path))
    expect(back.duck).toEqual(expected)
    expect(back.hyparquet).toEqual(expected)
  })

  it('splices files whose columns are in another order, and REQUIRED columns into nullable ones (hyparquet-writer input)', async () => {
    const path = `${dir}/required.parquet`
    const n = 5000
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: 's', data: Array.from({ length: n }, (_, i) => `ü${i % 50}`), type: 'STRING', nullable: false },
        {
          name: 'id',
          data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -3n),
          type: 'INT64',
          nullable: false,
        },
      ],
      rowGroupSize: 1000,
    })
    const loose = defineTable({ name: 'loose' }, { id: int64(), s: text({ nullable: true }) })
    await using files = await writeChangeFiles(loose, fromParquet(path))
    expect(await spliced(files.files[0]!.path)).toBe(true)
    const footer = await parquetFooter(files.files[0]!.path)
    expect(footer.schema.find((e) => e.name === 's')?.repetition_type).toBe('REQUIRED')
    const expected = Array.from({ length: n }, (_, i) => ({ id: BigInt(i) * -3n, s: `ü${i % 50}` }))
    const back = await readBack(files.files.map((f) => f.path))
    expect(back.duck).toEqual(expected)
    expect(back.hyparquet).toEqual(expected)
  })

  it('a file that needs conversion (ms and ns timestamps) is re-encoded exactly', async () => {
    const ms = await copy(
      `SELECT i::BIGINT AS id, (TIMESTAMP '2001-02-03 04:05:06.789' + to_milliseconds(i))::TIMESTAMP_MS AS ts FROM range(3000) t(i)`,
      `${dir}/ms.parquet`,
    )
    const ns = await copy(
      `SELECT i::BIGINT AS id, (TIMESTAMP '2001-02-03 04:05:06.789123' + to_microseconds(i))::TIMESTAMP_NS AS ts FROM range(3000) t(i)`,
      `${dir}/ns.parquet`,
    )
    const narrow = defineTable({ name: 'narrow' }, { id: int64(), ts: timestamp() })
    await using files = await writeChangeFiles(narrow, fromParquet([ms, ns]))
    const back = await readBack(files.files.map((f) => f.path))
    const base = 981173106789000n
    const expected = [
      ...Array.from({ length: 3000 }, (_, i) => ({ id: BigInt(i), ts: base + BigInt(i) * 1000n })),
      ...Array.from({ length: 3000 }, (_, i) => ({ id: BigInt(i), ts: base + 123n + BigInt(i) })),
    ]
    expect(back.duck).toEqual(expected)
    expect(back.hyparquet).toEqual(expected)
  })

  it('projects away columns the table does not define with extraColumns: ignore, and refuses them otherwise', async () => {
    const input = await copy(
      `SELECT 'x' || i AS extra, i::BIGINT AS id, (i * 2.5)::DOUBLE AS g FROM range(20000) t(i)`,
      `${dir}/extra.parquet`,
    )
    const narrow = defineTable({ name: 'narrow' }, { id: int64(), g: float64() })
    const error = await writeChangeFiles(narrow, fromParquet(input)).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_COLUMN_UNKNOWN')).toBe(true)
    await using files = await writeChangeFiles(narrow, fromParquet(input), { extraColumns: 'ignore' })
    const back = await readBack(files.files.map((f) => f.path))
    const expected = Array.from({ length: 20000 }, (_, i) => ({ id: BigInt(i), g: i * 2.5 }))
    expect(back.duck).toEqual(expected)
    expect(back.hyparquet).toEqual(expected)
  })

  it('refuses a non-nullable column whose file has NULLs, naming the row and the column', async () => {
    const input = await copy(
      `SELECT i::BIGINT AS id, CASE WHEN i = 12345 THEN NULL ELSE 'v' || i END AS s FROM range(20000) t(i)`,
      `${dir}/nulls.parquet`,
      ', ROW_GROUP_SIZE 4096',
    )
    const strict = defineTable({ name: 'strict' }, { id: int64(), s: text() })
    const error = await writeChangeFiles(strict, fromParquet([input])).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_VALUE_INVALID')).toBe(true)
    expect((error as Error).message).toContain('row 12345')
    expect((error as { details: { column: string; row: number } }).details).toMatchObject({ column: 's', row: 12345 })
  })

  it('checks float64 values on the pages: a non-finite value is refused with its row, allowed where the column allows it', async () => {
    const input = await copy(
      `SELECT i::BIGINT AS id, CASE WHEN i = 777 THEN 'NaN'::DOUBLE ELSE i / 2 END AS f FROM range(3000) t(i)`,
      `${dir}/nan.parquet`,
    )
    const strict = defineTable({ name: 'strict' }, { id: int64(), f: float64() })
    const error = await writeChangeFiles(strict, fromParquet(input)).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_VALUE_INVALID')).toBe(true)
    expect((error as { details: { column: string; row: number } }).details).toMatchObject({ column: 'f', row: 777 })
    const lax = defineTable({ name: 'lax' }, { id: int64(), f: float64({ allowNonFinite: true }) })
    await using files = await writeChangeFiles(lax, fromParquet(input))
    const back = await readWithDuckDB(files.files.map((f) => f.path))
    expect(Number.isNaN(back[777]!.f)).toBe(true)
    expect(back[778]!.f).toBe(389)
  })

  it('finds duplicate keys across spliced row groups', async () => {
    const input = await copy(
      `SELECT (CASE WHEN i = 15000 THEN 3 ELSE i END)::BIGINT AS id, 'v' || i AS s FROM range(20000) t(i)`,
      `${dir}/dups.parquet`,
      ', ROW_GROUP_SIZE 4096',
    )
    const keyed = defineTable({ name: 'keyed' }, { id: int64(), s: text() })
    const error = await writeChangeFiles(keyed, fromParquet(input), { keys: ['id'] }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')).toBe(true)
    expect((error as { details: { duplicates: { rows: number[] }[] } }).details.duplicates[0]!.rows).toEqual([3, 15000])
  })

  it('with statistics asked for, re-encodes (so every chunk carries min/max) and keeps the values', async () => {
    const input = await copy(SELECT.replace('ROWS', '5000'), `${dir}/stats.parquet`)
    await using files = await writeChangeFiles(table, fromParquet(input), {
      format: parquetFormat({ statistics: true }),
    })
    const footer = await parquetFooter(files.files[0]!.path)
    expect(footer.row_groups[0]!.columns[0]!.meta_data?.statistics?.min_value).toBe(0n)
    expect((await readWithDuckDB(files.files.map((f) => f.path))).length).toBe(5000)
  })
})
