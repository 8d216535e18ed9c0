/**
 * Row objects as users build them (bigint id, text, number, a `Date` timestamp, boolean) → change
 * files, against DuckDB COPY of the same rows, interleaved rounds: from an array, and the same rows
 * from an async generator (one `yield` per row, as a stream parser hands them over; and arrays of
 * rows, as a database cursor's pages). The rows are built once before timing (the caller's cost).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { writeChangeFiles } from '../src/index.js'
import { benchRowsSql, benchTable } from './bench-data.js'
import { fmt } from './cdc-section.js'
import { type LineResult, line } from './columnar.js'

const BASE_MS = 1_700_000_000_000

export interface RowObjectsResult {
  array: LineResult
  asyncGenerator: LineResult
  /** The same rows from an async generator yielding arrays of PAGE_ROWS (a cursor's pages). */
  asyncPages: LineResult
}

const PAGE_ROWS = 1000

export async function benchRowObjects(rows: number, rounds: number): Promise<RowObjectsResult> {
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
    async function* generated() {
      for (const row of input) yield row
    }
    async function* pages() {
      for (let i = 0; i < input.length; i += PAGE_ROWS) yield input.slice(i, i + PAGE_ROWS)
    }
    const table = benchTable.as('changes')
    const ref = join(dir, 'ref.parquet')
    const ours = (source: () => Parameters<typeof writeChangeFiles>[1]) => async () => {
      const files = await writeChangeFiles(table, source(), { dir, maxSizeInMb: 100 })
      const out = { bytes: files.bytes, files: files.files.length }
      await files.dispose()
      return out
    }
    const reference = async () => {
      await c.run(`COPY (${benchRowsSql(0, rows)}) TO '${ref}' (FORMAT parquet, COMPRESSION snappy)`)
    }
    return {
      array: await line(
        rows,
        rounds,
        ours(() => input),
        reference,
      ),
      asyncGenerator: await line(rows, rounds, ours(generated), reference),
      asyncPages: await line(rows, rounds, ours(pages), reference),
    }
  } finally {
    c.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The results.md section: each line with its reference, ratio and per-round ratios. */
export function rowObjectsSection(r: RowObjectsResult): string[] {
  const med = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!
  const row = (label: string, l: LineResult, target: number) =>
    `| ${label} | ${fmt(l.rows)} | ${fmt(med(l.hyperdeltaAll))} ms | ${fmt(med(l.duckdbAll))} ms | **${fmt(l.ratio, 2)}×** (target ≥ ${target}×: ${l.ratio >= target ? 'met' : 'NOT met'}) | ${l.hyperdeltaAll.map((ms, i) => fmt(l.duckdbAll[i]! / ms, 2)).join(', ')} |`
  return [
    '## Row objects',
    '',
    `Rows as users build them (bigint id, 20-char text, number, \`Date\` timestamp, boolean) → change files (SNAPPY, 100 MB limit), against DuckDB \`COPY (SELECT … FROM range(…)) TO 'x.parquet'\` of the same rows in the same round. ${r.array.rounds} interleaved rounds; ratio = median over the rounds of DuckDB's time / hyperdelta's time.`,
    '',
    '| input | rows | hyperdelta, median | DuckDB COPY, median | ratio | per round |',
    '|---|---:|---:|---:|---:|---|',
    row('an array of row objects', r.array, 1),
    row('the same rows from an async generator (one `yield` per row)', r.asyncGenerator, 0.5),
    row(
      `the same rows from an async generator yielding arrays of ${fmt(PAGE_ROWS)} (a cursor's pages)`,
      r.asyncPages,
      0.5,
    ),
    '',
  ]
}
