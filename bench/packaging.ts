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
import { parquetFormat, parquetSchema, resolveSnappy, type SnappyImplementation } from '../src/format.js'
import { writeChangeFiles } from '../src/index.js'
import { benchRow, benchRows, benchRowsSql, benchRowsSync, benchTable } from './bench-data.js'

export interface PackagingResult {
  rows: number
  rounds: number
  /** Medians over the rounds (each round times every variant once, interleaved). */
  hyperdeltaMs: number
  inThreadMs: number
  /** Default settings but SNAPPY from snappyjs (what runs where the native binding is missing). */
  jsSnappyMs: number
  /** Default settings, the same rows from a synchronous generator (no await per row). */
  syncInputMs: number
  /** The SNAPPY implementation the default settings use here. */
  snappy: SnappyImplementation
  duckdbMs: number
  generateMs: number
  /** Every round's hyperdelta / DuckDB times, for the spread. */
  hyperdeltaAll: number[]
  duckdbAll: number[]
  /** Median over the rounds of DuckDB's time / hyperdelta's time in the same round (the target ratio). */
  ratio: number
  encodeOnlyMs: number
  bytes: number
  duckdbBytes: number
  files: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
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

/**
 * Each round times, in turn: the caller's generator alone, writeChangeFiles (default: compression on
 * worker threads), writeChangeFiles with compression on the calling thread, writeChangeFiles with
 * snappyjs instead of the native binding, writeChangeFiles on the same rows from a synchronous
 * generator, and DuckDB's COPY. This VM's timings vary by ±30 % from one run to the next, so every
 * figure is the median of the rounds.
 */
export async function benchPackaging(count: number, rounds: number): Promise<PackagingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-pack-'))
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    // Warm-up (JIT, worker start) on a small set, not timed.
    await (await writeChangeFiles(benchTable.as('changes'), benchRows(0, 50_000), { dir })).dispose()
    await c.run(`SET TimeZone='UTC'`)
    const target = join(dir, 'ref.parquet')
    const times = {
      generate: [] as number[],
      hyperdelta: [] as number[],
      inThread: [] as number[],
      jsSnappy: [] as number[],
      syncInput: [] as number[],
      duckdb: [] as number[],
    }
    let bytes = 0
    let fileCount = 0
    for (let round = 0; round < rounds; round++) {
      let t0 = performance.now()
      let sink = 0
      for await (const r of benchRows(0, count)) sink += r.name.length
      times.generate.push(performance.now() - t0)
      if (sink === 0) throw new Error('unreachable')

      const variants = [
        [times.hyperdelta, undefined, benchRows],
        [times.inThread, parquetFormat({ compressionThreads: 0 }), benchRows],
        [times.jsSnappy, parquetFormat({ snappy: 'js' }), benchRows],
        [times.syncInput, undefined, benchRowsSync],
      ] as const
      for (const [into, format, rows] of variants) {
        t0 = performance.now()
        const files = await writeChangeFiles(benchTable.as('changes'), rows(0, count), {
          dir,
          ...(format && { format }),
        })
        into.push(performance.now() - t0)
        if (into === times.hyperdelta) {
          bytes = files.bytes
          fileCount = files.files.length
        }
        await files.dispose()
      }

      t0 = performance.now()
      await c.run(`COPY (${benchRowsSql(0, count)}) TO '${target}' (FORMAT parquet, COMPRESSION snappy)`)
      times.duckdb.push(performance.now() - t0)
    }
    const [row] = (
      await c.runAndReadAll(`SELECT sum(total_compressed_size) AS b FROM parquet_metadata('${target}')`)
    ).getRowObjects() as { b: bigint }[]
    return {
      rows: count,
      rounds,
      hyperdeltaMs: median(times.hyperdelta),
      inThreadMs: median(times.inThread),
      jsSnappyMs: median(times.jsSnappy),
      syncInputMs: median(times.syncInput),
      snappy: resolveSnappy('auto'),
      duckdbMs: median(times.duckdb),
      generateMs: median(times.generate),
      hyperdeltaAll: times.hyperdelta,
      duckdbAll: times.duckdb,
      // Each round's pair ran back to back, so a slow stretch of the VM affects both sides of a ratio.
      ratio: median(times.hyperdelta.map((ms, i) => times.duckdb[i]! / ms)),
      encodeOnlyMs: encodeOnly(count),
      bytes,
      duckdbBytes: Number(row?.b ?? 0),
      files: fileCount,
    }
  } finally {
    c.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  }
}
