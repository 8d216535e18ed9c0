/**
 * Columnar inputs → change files, against DuckDB COPY of the same rows, interleaved rounds:
 * - Parquet: a DuckDB-written file of the bench change set (`fromParquet`) vs DuckDB
 *   `COPY (SELECT * FROM read_parquet(…)) TO …` — both read the same file and write Parquet.
 * - Arrow: an apache-arrow Table of the same rows vs DuckDB `COPY (SELECT … FROM range()) TO …`.
 * Peak RSS of each path at a larger size is measured in a child process running the compiled JS
 * (`bench/columnar-child.ts`), where the Arrow rows arrive as a stream of RecordBatches.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { fromParquet, writeChangeFiles } from '../src/index.js'
import { arrowBenchTable, arrowFromArraysTable } from './arrow-data.js'
import { benchRowsSql, benchTable } from './bench-data.js'

export interface LineResult {
  rows: number
  rounds: number
  hyperdeltaAll: number[]
  duckdbAll: number[]
  /** Median over the rounds of DuckDB's time / hyperdelta's time in the same round. */
  ratio: number
  bytes: number
  files: number
}

export interface RssResult {
  path: 'parquet' | 'arrow'
  rows: number
  ms: number
  maxRssMB: number
  files: number
}

export interface ColumnarResult {
  parquet: LineResult | undefined
  /** The same `fromParquet` against a plain copy of the input file (`fs.copyFile`). */
  parquetCopy: LineResult | undefined
  arrow: LineResult | undefined
  /** The same rows from `tableFromArrays` (dictionary text, millisecond timestamps from Dates). */
  arrowArrays: LineResult | undefined
  rss: RssResult[]
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Runs the compiled child (see memory.ts compileForBench) and returns its JSON line. */
function rssChild(path: 'parquet' | 'arrow', rows: number, input: string): Promise<RssResult> {
  const script = join(ROOT, 'bench', 'out', 'bench', 'columnar-child.js')
  return new Promise((ok, fail) =>
    execFile(process.execPath, [script, path, String(rows), input], { maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? fail(error) : ok(JSON.parse(stdout.trim().split('\n').at(-1)!) as RssResult),
    ),
  )
}

export async function line(
  rows: number,
  rounds: number,
  ours: () => Promise<{ bytes: number; files: number }>,
  reference: () => Promise<void>,
): Promise<LineResult> {
  await ours() // warm-up: JIT, workers
  const hyperdeltaAll: number[] = []
  const duckdbAll: number[] = []
  let out = { bytes: 0, files: 0 }
  for (let round = 0; round < rounds; round++) {
    let t0 = performance.now()
    out = await ours()
    hyperdeltaAll.push(performance.now() - t0)
    t0 = performance.now()
    await reference()
    duckdbAll.push(performance.now() - t0)
  }
  const ratio = median(hyperdeltaAll.map((ms, i) => duckdbAll[i]! / ms))
  return { rows, rounds, hyperdeltaAll, duckdbAll, ratio, ...out }
}

/** Which lines of the section run: all (default), only the Arrow lines, or only the Parquet lines (neither with RSS children). */
export type ColumnarLines = 'all' | 'arrow' | 'parquet'

export async function benchColumnar(sizes: {
  parquet: number
  arrow: number
  rss: number
  rounds: number
  lines?: ColumnarLines
}): Promise<ColumnarResult> {
  const lines = sizes.lines ?? 'all'
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-columnar-'))
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    await c.run(`SET TimeZone='UTC'`)
    const input = join(dir, 'input.parquet')
    const ref = join(dir, 'ref.parquet')
    const table = benchTable.as('changes')
    const ours = (rows: Parameters<typeof writeChangeFiles>[1]) => async () => {
      const files = await writeChangeFiles(table, rows, { dir, maxSizeInMb: 100 })
      const out = { bytes: files.bytes, files: files.files.length }
      await files.dispose()
      return out
    }
    let parquet: LineResult | undefined
    let parquetCopy: LineResult | undefined
    if (lines !== 'arrow') {
      await c.run(`COPY (${benchRowsSql(0, sizes.parquet)}) TO '${input}' (FORMAT parquet, COMPRESSION snappy)`)
      parquet = await line(sizes.parquet, sizes.rounds, ours(fromParquet(input)), async () => {
        await c.run(`COPY (SELECT * FROM read_parquet('${input}')) TO '${ref}' (FORMAT parquet, COMPRESSION snappy)`)
      })
      const copied = join(dir, 'copy.parquet')
      parquetCopy = await line(sizes.parquet, sizes.rounds, ours(fromParquet(input)), async () => {
        await copyFile(input, copied)
        await rm(copied)
      })
    }
    let arrow: LineResult | undefined
    let arrowArrays: LineResult | undefined
    if (lines !== 'parquet') {
      const copyArrow = async () => {
        await c.run(`COPY (${benchRowsSql(0, sizes.arrow)}) TO '${ref}' (FORMAT parquet, COMPRESSION snappy)`)
      }
      arrow = await line(sizes.arrow, sizes.rounds, ours(await arrowBenchTable(sizes.arrow)), copyArrow)
      arrowArrays = await line(sizes.arrow, sizes.rounds, ours(arrowFromArraysTable(sizes.arrow)), copyArrow)
    }
    const rss = lines === 'all' ? await benchColumnarRss(sizes.rss) : []
    return { parquet, parquetCopy, arrow, arrowArrays, rss }
  } finally {
    c.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Peak RSS at `rows` rows of the Parquet and the Arrow path, each in a child process of its own running
 * the compiled package (call compileForBench first): the Parquet file is written by DuckDB beforehand.
 */
export async function benchColumnarRss(rows: number): Promise<RssResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-rss-'))
  try {
    const instance = await DuckDBInstance.create(':memory:')
    const c = await instance.connect()
    const big = join(dir, 'big.parquet')
    try {
      await c.run(`SET TimeZone='UTC'`)
      await c.run(`COPY (${benchRowsSql(0, rows)}) TO '${big}' (FORMAT parquet, COMPRESSION snappy)`)
    } finally {
      c.closeSync()
      instance.closeSync()
    }
    return [await rssChild('parquet', rows, big), await rssChild('arrow', rows, dir)]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
