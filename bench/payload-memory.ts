/**
 * Packaging memory and speed: N rows from an async iterable → Parquet change files (100 MB limit),
 * in a fresh child process per size, reporting rows/s and peak RSS (the process's own high-water mark, see peak-rss.ts).
 * Also times DuckDB COPY of the same shape as the reference. Usage:
 *   npx tsx bench/payload-memory.ts [rows ...]        (default: 1000000 5000000)
 *   npx tsx bench/payload-memory.ts --keys 5000000    (with duplicate-key tracking on id)
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bool, defineTable, float64, int64, text, timestamp, writeChangeFiles } from '../src/index.js'
import { peakRssBytes } from './peak-rss.js'

const table = defineTable(
  { name: 'bench' },
  { id: int64(), name: text(), amount: float64(), updated_at: timestamp(), flag: bool() },
)

async function* rows(count: number) {
  const base = 1_700_000_000_000_000n
  for (let i = 0; i < count; i++) {
    yield {
      id: BigInt(i),
      name: `customer-${String(i % 1_000_000).padStart(12, '0')}`,
      amount: (i % 10_000) / 100,
      updated_at: base + BigInt(i) * 1_000_003n,
      flag: (i & 1) === 0,
    }
  }
}

async function child(count: number, keys: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hyperdelta-bench-'))
  let peakRss = 0
  const start = performance.now()
  const files = await writeChangeFiles(table, rows(count), {
    dir,
    maxSizeInMb: 100,
    ...(keys && { keys: ['id'] }),
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss())
    },
  })
  const ms = performance.now() - start
  const maxRss = peakRssBytes()
  console.log(
    JSON.stringify({
      rows: count,
      keys,
      ms: Math.round(ms),
      rowsPerSecond: Math.round(count / (ms / 1000)),
      peakRssMB: Math.round(maxRss / 2 ** 20),
      files: files.files.length,
      largestFileMB: Math.max(...files.files.map((f) => f.bytes)) / 2 ** 20,
      limitMB: 100,
      totalMB: files.bytes / 2 ** 20,
    }),
  )
  await files.dispose()
  await rm(dir, { recursive: true, force: true })
}

async function duckdbCopy(count: number): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const dir = await mkdtemp(join(tmpdir(), 'hyperdelta-bench-'))
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  const start = performance.now()
  await c.run(`COPY (SELECT range::BIGINT AS id, 'customer-' || lpad((range % 1000000)::VARCHAR, 12, '0') AS name,
    (range % 10000) / 100.0 AS amount, make_timestamptz(1700000000000000 + range * 1000003) AS updated_at,
    range % 2 = 0 AS flag FROM range(${count})) TO '${dir}/ref.parquet' (FORMAT parquet, COMPRESSION snappy)`)
  const ms = performance.now() - start
  console.log(
    JSON.stringify({
      reference: 'duckdb COPY',
      rows: count,
      ms: Math.round(ms),
      rowsPerSecond: Math.round(count / (ms / 1000)),
    }),
  )
  c.closeSync()
  instance.closeSync()
  await rm(dir, { recursive: true, force: true })
}

const args = process.argv.slice(2)
if (args[0] === '--child') await child(Number(args[1]), args[2] === 'keys')
else if (args[0] === '--duckdb') await duckdbCopy(Number(args[1]))
else {
  const keys = args.includes('--keys')
  const sizes = args.filter((a) => !a.startsWith('--')).map(Number)
  const self = fileURLToPath(import.meta.url)
  for (const n of sizes.length > 0 ? sizes : [1_000_000, 5_000_000]) {
    for (const mode of ['--child', '--duckdb']) {
      const out = execFileSync('npx', ['tsx', self, mode, String(n), keys ? 'keys' : ''], { encoding: 'utf8' })
      process.stdout.write(out)
    }
  }
}
