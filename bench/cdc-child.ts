/**
 * A child process that runs one nightly-CDC task on the bench files and prints one JSON line: its
 * time, CPU time (user + system, all threads: DuckDB's workers too, so it shows the work done however
 * busy the machine is), peak RSS (the process's own high-water mark, see peak-rss.ts) and the row counts it produced. Each task gets a fresh process, so peak
 * RSS is that task's alone.
 * argv: <ours-diff|sql-diff|ours-log|sql-log> <data dir> <memory budget (our memoryLimit)> <work dir>
 */
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { compactChangeLog, diffSnapshots, duckdbMemoryLimit } from '../pipelines/index.js'
import { defineTable, float64, int64, text, timestamp } from '../src/index.js'
import { peakRssBytes } from './peak-rss.js'

const [task, data, memoryLimit, work] = process.argv.slice(2) as [string, string, string, string]
const table = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), body: text(), amount: float64(), updated_at: timestamp() },
)
const file = (name: string) => join(data, name)

/**
 * The bare SQL a DuckDB user writes for the same set work, on an engine with the same settings: the
 * DuckDB `memory_limit` ours derives from the budget `memoryLimit`, and a temp directory.
 */
async function bareSql(statements: (out: string) => string[]): Promise<{ upserts: number; deletes: number }> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: duckdbMemoryLimit(memoryLimit),
    temp_directory: join(work, 'spill'),
  })
  const connection = await instance.connect()
  try {
    for (const sql of statements(work)) await connection.run(sql)
    const count = async (name: string) =>
      Number((await connection.runAndReadAll(`SELECT count(*) FROM '${join(work, name)}'`)).getRows()[0]![0])
    return { upserts: await count('up.parquet'), deletes: await count('del.parquet') }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

const t0 = performance.now()
const cpu0 = process.cpuUsage()
let counts: { upserts: number; deletes: number }
if (task === 'ours-diff') {
  await using diff = await diffSnapshots(table, ['id'], file('previous.parquet'), file('current.parquet'), {
    memoryLimit,
    dir: work,
  })
  counts = diff.stats
} else if (task === 'ours-log') {
  const { changes } = await compactChangeLog(table, file('log.parquet'), {
    keys: ['id'],
    orderColumn: 'lsn',
    since: 0n,
    memoryLimit,
    dir: work,
  })
  await using _ = changes
  counts = changes.stats
} else if (task === 'sql-diff') {
  const [p, c] = [file('previous.parquet'), file('current.parquet')]
  counts = await bareSql((out) => [
    `COPY (SELECT c.* FROM '${c}' c LEFT JOIN '${p}' p ON c.id = p.id
       WHERE p.id IS NULL OR c.body IS DISTINCT FROM p.body OR c.amount IS DISTINCT FROM p.amount OR c.updated_at IS DISTINCT FROM p.updated_at)
     TO '${out}/up.parquet' (FORMAT parquet)`,
    `COPY (SELECT p.id FROM '${p}' p ANTI JOIN '${c}' c ON c.id = p.id) TO '${out}/del.parquet' (FORMAT parquet)`,
  ])
} else if (task === 'sql-log') {
  const log = file('log.parquet')
  counts = await bareSql((out) => [
    `CREATE TABLE last AS SELECT * FROM '${log}' WHERE lsn > 0 QUALIFY row_number() OVER (PARTITION BY id ORDER BY lsn DESC) = 1`,
    `COPY (SELECT id, body, amount, updated_at FROM last WHERE op <> 'delete') TO '${out}/up.parquet' (FORMAT parquet)`,
    `COPY (SELECT id FROM last WHERE op = 'delete') TO '${out}/del.parquet' (FORMAT parquet)`,
    `SELECT max(lsn) FROM '${log}'`,
  ])
} else throw new Error(`unknown task ${task}`)
const ms = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
console.log(
  JSON.stringify({
    task,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    upserts: counts.upserts,
    deletes: counts.deletes,
    maxRssMB: peakRssBytes() / 2 ** 20,
  }),
)
