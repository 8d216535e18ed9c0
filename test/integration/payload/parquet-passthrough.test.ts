import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { DuckDBInstance } from '@duckdb/node-api'
import type { FileMetaData } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bool,
  defineTable,
  float64,
  fromParquet,
  int64,
  text,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { parquetFooter, readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { tempDir } from './fixtures.js'

/**
 * A Parquet file whose row groups all fit the limit and need no re-encode passes through as bytes:
 * every column chunk of the change file is byte for byte the input's, and since the table's columns
 * are the file's in the same order, so is everything between the magic and the footer. The file's
 * sha256 (hashed on the hash worker) is that of its bytes; DuckDB and hyparquet read the same rows back.
 */

const table = defineTable(
  { name: 'passthrough' },
  { id: int64(), name: text(), amount: float64({ nullable: true }), updated_at: timestamp(), flag: bool() },
)

/** ASCII text (one native scan per page) or text beyond ASCII (checked value by value on the page). */
const select = (
  rows: number,
  prefix: string,
) => `SELECT i::BIGINT AS id, '${prefix}' || lpad(i::VARCHAR, 18, '0') AS name,
  CASE WHEN i % 97 = 0 THEN NULL ELSE (i % 10000) / 100.0 END::DOUBLE AS amount,
  make_timestamptz(1700000000000000 + i * 1000003) AS updated_at, i % 2 = 0 AS flag FROM range(${rows}) t(i)`

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  const tmp = await tempDir()
  dir = tmp.dir
  cleanup = () => tmp[Symbol.asyncDispose]()
})
afterAll(() => cleanup())

const chunkStart = (c: FileMetaData['row_groups'][number]['columns'][number]) =>
  Number(c.meta_data!.dictionary_page_offset ?? c.meta_data!.data_page_offset)

async function writeInput(name: string, prefix: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  const path = `${dir}/${name}.parquet`
  await duck.run(`SET TimeZone='UTC'`)
  await duck.run(
    `COPY (${select(60_000, prefix)}) TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 10000)`,
  )
  duck.closeSync()
  instance.closeSync()
  return path
}

describe('Parquet passthrough', { timeout: 120_000 }, () => {
  it.each([
    ['ASCII text', 'c0'],
    ['text beyond ASCII', 'ü😀'],
  ])('copies every row group byte for byte (%s), same rows back', async (_, prefix) => {
    const input = await writeInput(prefix === 'c0' ? 'ascii' : 'unicode', prefix)
    const inputBytes = await readFile(input)
    const inputFooter = await parquetFooter(input)
    expect(inputFooter.row_groups.length).toBeGreaterThan(3)
    const expected = await readWithDuckDB(input)
    await using files = await writeChangeFiles(table, fromParquet(input))
    expect(files.files.length).toBe(1)
    const out = files.files[0]!
    const outBytes = await readFile(out.path)
    expect(out.sha256).toBe(createHash('sha256').update(outBytes).digest('hex'))
    const outFooter = await parquetFooter(out.path)
    expect(outFooter.row_groups.length).toBe(inputFooter.row_groups.length)
    let dataEnd = 4
    for (const [g, group] of outFooter.row_groups.entries()) {
      for (const [c, column] of group.columns.entries()) {
        const source = inputFooter.row_groups[g]!.columns[c]!
        const size = Number(column.meta_data!.total_compressed_size)
        expect(size).toBe(Number(source.meta_data!.total_compressed_size))
        const at = chunkStart(column)
        const from = chunkStart(source)
        expect(Buffer.compare(outBytes.subarray(at, at + size), inputBytes.subarray(from, from + size))).toBe(0)
        dataEnd = Math.max(dataEnd, at + size)
      }
    }
    expect(Buffer.compare(outBytes.subarray(0, dataEnd), inputBytes.subarray(0, dataEnd))).toBe(0)
    expect(await readWithDuckDB(out.path)).toEqual(expected)
    expect(await readWithHyparquet(out.path)).toEqual(expected)
  })
})
