/**
 * Runs Tableau's Python client (tableauserverclient) against the emulator for every Data Sources
 * method it implements, as a check made by hand (CI may lack Python or the client):
 *
 *   TSC_PATH=/path/to/server-client-python npx tsx scripts/tsc-datasources.ts
 *
 * Parquet inputs are made here with DuckDB; the Python side prints one line per method.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { startEmulator } from '../src/emulator/index.js'

const tscPath = process.env['TSC_PATH']
if (!tscPath) {
  console.error('set TSC_PATH to a checkout of tableauserverclient')
  process.exit(2)
}
const dir = await mkdtemp(join(tmpdir(), 'hd-tsc-'))
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
const small = join(dir, 'small.parquet')
const more = join(dir, 'more.parquet')
const big = join(dir, 'big.parquet')
await c.run(`COPY (SELECT range AS id, 'r' || range AS name FROM range(10)) TO '${small}' (FORMAT parquet)`)
await c.run(`COPY (SELECT range + 100 AS id, 'm' || range AS name FROM range(5)) TO '${more}' (FORMAT parquet)`)
// Random text does not compress: above 1 MB, so TSC (limit lowered to 1 MB) uses an upload session.
await c.run(
  `COPY (SELECT range AS id, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS name FROM range(40000)) TO '${big}' (FORMAT parquet)`,
)
c.closeSync()
db.closeSync()
const emu = await startEmulator({ users: [{ name: 'admin', password: 'pw' }], jobDelayMs: 5 })
try {
  const script = fileURLToPath(new URL('./tsc_datasources.py', import.meta.url))
  const code = await new Promise<number>((done) => {
    const child = spawn('/usr/bin/python3', [script, emu.url, small, more, big], {
      stdio: 'inherit',
      env: { ...process.env, PYTHONPATH: tscPath, TSC_FILESIZE_LIMIT_MB: '1', TSC_CHUNK_SIZE_MB: '1' },
    })
    child.on('exit', (n) => done(n ?? 1))
  })
  const rows = await emu.query(`SELECT count(*) AS n FROM "TscSales"."Extract"."Extract"`)
  console.log('DuckDB read-back of TscSales:', rows)
  process.exitCode = code
} finally {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
}
