/**
 * Child process of the columnar benchmark (run compiled, see memory.ts): packages N rows from a Parquet
 * file or from a stream of Arrow RecordBatches into change files (100 MB limit) and prints its peak RSS.
 * Usage: node bench/out/bench/columnar-child.js parquet|arrow <rows> <parquet file | temp dir>
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fromParquet, writeChangeFiles } from '../src/index.js'
import { arrowBenchBatches } from './arrow-data.js'
import { benchTable } from './bench-data.js'
import { peakRssBytes } from './peak-rss.js'

const [path, rowsArg, input] = process.argv.slice(2)
const rows = Number(rowsArg)
const dir = await mkdtemp(join(path === 'parquet' ? join(input!, '..') : input!, 'child-'))
async function* batches() {
  yield* arrowBenchBatches(0, rows)
}
const t0 = performance.now()
const files = await writeChangeFiles(benchTable.as('changes'), path === 'parquet' ? fromParquet(input!) : batches(), {
  dir,
  maxSizeInMb: 100,
})
const ms = performance.now() - t0
if (files.rows !== rows) throw new Error(`packaged ${files.rows} rows, expected ${rows}`)
const result = {
  path,
  rows,
  ms: Math.round(ms),
  maxRssMB: Math.round(peakRssBytes() / 2 ** 20),
  files: files.files.length,
}
await files.dispose()
await rm(dir, { recursive: true, force: true })
console.log(JSON.stringify(result))
