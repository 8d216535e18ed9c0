/**
 * Row objects as users build them (bigint id, text, number, a `Date` timestamp, boolean), from an
 * array → change files, against DuckDB COPY of the same rows, interleaved rounds. The array is built
 * once before timing (the caller's cost, not ours).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { writeChangeFiles } from '../src/index.js'
import { benchRowsSql, benchTable } from './bench-data.js'
import { type LineResult, line } from './columnar.js'

const BASE_MS = 1_700_000_000_000

export async function benchRowObjects(rows: number, rounds: number): Promise<LineResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-rows-'))
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    await c.run(`SET TimeZone='UTC'`)
    const input = Array.from({ length: rows }, (_, i) => ({
      id: BigInt(i),
      name: `c0${String(i).padStart(18, '0')}`,
      amount: (i % 10_000) / 100,
      updated_at: new Date(BASE_MS + i * 1001),
      flag: (i & 1) === 0,
    }))
    const table = benchTable.as('changes')
    const ref = join(dir, 'ref.parquet')
    return await line(
      rows,
      rounds,
      async () => {
        const files = await writeChangeFiles(table, input, { dir, maxSizeInMb: 100 })
        const out = { bytes: files.bytes, files: files.files.length }
        await files.dispose()
        return out
      },
      async () => {
        await c.run(`COPY (${benchRowsSql(0, rows)}) TO '${ref}' (FORMAT parquet, COMPRESSION snappy)`)
      },
    )
  } finally {
    c.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  }
}
