/**
 * Publishes a large Parquet file (default 200 MB) through client.datasources.publish against the emulator in
 * another process: above 64 MB the client uses an upload session (64 MiB parts streamed from disk). Reports the
 * publishing process's peak RSS and checks that DuckDB reads the published table back row for row.
 *
 *   npx tsx bench/publish-large.ts [megabytes]
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { startEmulatorProcess } from './bench-data.js'
import { compileForBench } from './memory.js'

const megabytes = Number(process.argv[2] ?? 200)
const dir = await mkdtemp(join(tmpdir(), 'hd-bench-publish-'))
const file = join(dir, 'large.parquet')
// Two md5 columns per row do not compress: the file is ~ 69 bytes per row.
const rows = Math.round((megabytes * 1e6) / 69)
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
await c.run(
  `COPY (SELECT range AS id, md5(range::VARCHAR) AS a, md5((range * 7 + 1)::VARCHAR) AS b FROM range(${rows})) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`,
)
const fingerprint = async (from: string, query: (sql: string) => Promise<Record<string, unknown>[]>) =>
  (await query(`SELECT count(*)::BIGINT AS n, sum(hash(id, a, b))::HUGEINT::VARCHAR AS h FROM ${from}`))[0]
const expected = await fingerprint(`read_parquet('${file}')`, async (sql) =>
  (await c.runAndReadAll(sql)).getRowObjectsJS(),
)
c.closeSync()
db.closeSync()
const size = (await stat(file)).size
await compileForBench()
const emu = await startEmulatorProcess({ dataDir: join(dir, 'emu') })
try {
  const script = join(fileURLToPath(new URL('..', import.meta.url)), 'bench', 'out', 'bench', 'publish-child.js')
  const out = await new Promise<string>((ok, fail) =>
    execFile(process.execPath, [script, emu.url, file, 'Large'], { maxBuffer: 1 << 20 }, (e, stdout, stderr) =>
      e ? fail(new Error(stderr || e.message)) : ok(stdout),
    ),
  )
  const result = JSON.parse(out.trim().split('\n').pop()!)
  const got = await fingerprint('"Large"."Extract"."Extract"', (sql) => emu.query(sql))
  const same = String(got?.['n']) === String(expected?.['n']) && String(got?.['h']) === String(expected?.['h'])
  console.log(
    JSON.stringify({ fileMB: +(size / 1e6).toFixed(1), rows, ...result, readBack: got, identical: same }, (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    ),
  )
  if (!same) process.exitCode = 1
} finally {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
}
