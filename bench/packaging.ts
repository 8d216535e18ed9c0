/**
 * Packaging speed: rows/s of writeChangeFiles on the bench change set vs DuckDB `COPY (…) TO 'x.parquet'`
 * of the same rows, plus a breakdown of where hyperdelta's time goes: producing the row objects (the
 * caller's cost, measured alone), and hyparquet-writer encoding pre-built columns (the encoder's floor).
 * What is left is row → column conversion and validation.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { writeChangeFiles } from '../src/index.js'
import { parquetSchema } from '../src/payload/parquet-schema.js'
import { benchRow, benchRows, benchRowsSql, benchTable } from './bench-data.js'

export interface PackagingResult {
  rows: number
  hyperdeltaMs: number
  duckdbMs: number
  generateMs: number
  encodeOnlyMs: number
  bytes: number
  duckdbBytes: number
  files: number
}

const GROUP = 32_768

/** Time of hyparquet-writer alone on columns built beforehand (same row-group size as the payload layer). */
function encodeOnly(count: number): number {
  const columns: {
    id: BigInt64Array
    name: string[]
    amount: Float64Array
    updated_at: BigInt64Array
    flag: boolean[]
  }[] = []
  for (let start = 0; start < count; start += GROUP) {
    const n = Math.min(GROUP, count - start)
    const c = {
      id: new BigInt64Array(n),
      name: new Array<string>(n),
      amount: new Float64Array(n),
      updated_at: new BigInt64Array(n),
      flag: new Array<boolean>(n),
    }
    for (let k = 0; k < n; k++) {
      const r = benchRow(start + k)
      c.id[k] = r.id
      c.name[k] = r.name
      c.amount[k] = r.amount
      c.updated_at[k] = r.updated_at
      c.flag[k] = r.flag
    }
    columns.push(c)
  }
  const t0 = performance.now()
  let out = new ByteWriter(1 << 20)
  let writer = new ParquetWriter({ writer: out, schema: parquetSchema(benchTable), statistics: false })
  for (const c of columns) {
    writer.write({
      columnData: Object.entries(c).map(([name, data]) => ({ name, data: data as never })),
      rowGroupSize: c.id.length,
    })
    // Drop bytes as the payload layer does after each group (it commits them to disk).
    if (out.index > 64 << 20) {
      writer.finish()
      out = new ByteWriter(1 << 20)
      writer = new ParquetWriter({ writer: out, schema: parquetSchema(benchTable), statistics: false })
    }
  }
  writer.finish()
  return performance.now() - t0
}

export async function benchPackaging(count: number): Promise<PackagingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-pack-'))
  try {
    // Warm-up (JIT) on a small set, not timed.
    await (await writeChangeFiles(benchTable.as('changes'), benchRows(0, 50_000), { dir })).dispose()

    let t0 = performance.now()
    let sink = 0
    for await (const r of benchRows(0, count)) sink += r.name.length
    const generateMs = performance.now() - t0
    if (sink === 0) throw new Error('unreachable')

    t0 = performance.now()
    const files = await writeChangeFiles(benchTable.as('changes'), benchRows(0, count), { dir })
    const hyperdeltaMs = performance.now() - t0
    const { bytes } = files
    const fileCount = files.files.length
    await files.dispose()

    const encodeOnlyMs = encodeOnly(count)

    const instance = await DuckDBInstance.create(':memory:')
    const c = await instance.connect()
    await c.run(`SET TimeZone='UTC'`)
    const target = join(dir, 'ref.parquet')
    t0 = performance.now()
    await c.run(`COPY (${benchRowsSql(0, count)}) TO '${target}' (FORMAT parquet, COMPRESSION snappy)`)
    const duckdbMs = performance.now() - t0
    const [row] = (
      await c.runAndReadAll(`SELECT sum(total_compressed_size) AS b FROM parquet_metadata('${target}')`)
    ).getRowObjects() as { b: bigint }[]
    c.closeSync()
    instance.closeSync()
    return {
      rows: count,
      hyperdeltaMs,
      duckdbMs,
      generateMs,
      encodeOnlyMs,
      bytes,
      duckdbBytes: Number(row?.b ?? 0),
      files: fileCount,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
