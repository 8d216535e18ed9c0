/**
 * Nightly CDC at real sizes: the snapshot diff and the change-log compaction of hyperdelta/pipelines
 * against the bare DuckDB SQL doing the same set work, on the same Parquet files, in the same run.
 * Every task runs in a child process of its own (peak RSS is that task's), alternating ours and the
 * reference within each round.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { COMPILED } from './memory.js'

export interface CdcTaskResult {
  task: string
  ms: number
  /** User + system CPU time of the task's process. */
  cpuMs: number
  upserts: number
  deletes: number
  maxRssMB: number
}

export interface CdcBenchResult {
  rows: number
  logRows: number
  logKeys: number
  memoryLimit: string
  rounds: { diff: CdcTaskResult; diffSql: CdcTaskResult; log: CdcTaskResult; logSql: CdcTaskResult }[]
}

/**
 * Day 1 and day 2 of a 4-column table (id, body, amount, at): day 2 changes 1 % of the rows, drops
 * 0.5 % and adds 0.5 %. The log holds `rows` entries over rows / 5 keys (inserts, updates, deletes).
 */
async function writeData(dir: string, rows: number): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  const shift = rows / 200
  const keys = rows / 5
  const columns = (i: string, body: string) =>
    `${i}::BIGINT AS id, ${body} AS body, (${i} * 0.25)::DOUBLE AS amount, TIMESTAMP '2020-01-01' + to_microseconds((${i} * 1000003)::BIGINT) AS updated_at`
  await c.run(
    `COPY (SELECT ${columns('i', `'order ' || i`)} FROM range(${rows}) t(i)) TO '${dir}/previous.parquet' (FORMAT parquet)`,
  )
  await c.run(
    `COPY (SELECT ${columns('i', `CASE WHEN i % 100 = 7 THEN 'changed ' || i ELSE 'order ' || i END`)} FROM range(${shift}, ${rows + shift}) t(i))
     TO '${dir}/current.parquet' (FORMAT parquet)`,
  )
  await c.run(
    `COPY (SELECT ${columns(`(hash(i) % ${keys})::BIGINT`, `'v' || i`)}, CASE WHEN i % 10 = 0 THEN 'delete' WHEN i % 10 < 3 THEN 'insert' ELSE 'update' END AS op,
       i + 1 AS lsn FROM range(${rows}) t(i)) TO '${dir}/log.parquet' (FORMAT parquet)`,
  )
  c.closeSync()
  instance.closeSync()
  return keys
}

function runTask(task: string, data: string, memoryLimit: string, work: string): Promise<CdcTaskResult> {
  const script = join(COMPILED, 'bench', 'cdc-child.js')
  return new Promise((ok, fail) =>
    execFile(
      process.execPath,
      [script, task, data, memoryLimit, work],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`cdc child ${task} failed: ${stderr || error.message}`))
        ok(JSON.parse(stdout.trim().split('\n').pop()!) as CdcTaskResult)
      },
    ),
  )
}

/** Runs the four tasks `rounds` times (call compileForBench first); checks ours and the reference agree. */
export async function benchCdc(
  rows: number,
  rounds: number,
  memoryLimit: string,
  log: (s: string) => void,
): Promise<CdcBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-cdc-'))
  try {
    const data = join(dir, 'data')
    await mkdir(data)
    log(`  writing two ${rows}-row snapshots and a ${rows}-entry change log…`)
    const logKeys = await writeData(data, rows)
    const result: CdcBenchResult = { rows, logRows: rows, logKeys, memoryLimit, rounds: [] }
    for (let r = 0; r < rounds; r++) {
      const task = async (name: string) => {
        const work = join(dir, `${name}-${r}`)
        await mkdir(work)
        try {
          return await runTask(name, data, memoryLimit, work)
        } finally {
          await rm(work, { recursive: true, force: true })
        }
      }
      // Alternate which one goes first, so neither always meets a cold or a warm page cache.
      const pair = async (ours: string, sql: string): Promise<[CdcTaskResult, CdcTaskResult]> => {
        if (r % 2 === 0) return [await task(ours), await task(sql)]
        const reference = await task(sql)
        return [await task(ours), reference]
      }
      const [diff, diffSql] = await pair('ours-diff', 'sql-diff')
      const [logOurs, logSql] = await pair('ours-log', 'sql-log')
      for (const [a, b] of [
        [diff, diffSql],
        [logOurs, logSql],
      ] as const) {
        if (a.upserts !== b.upserts || a.deletes !== b.deletes) {
          throw new Error(`cdc bench: ${a.task} found ${a.upserts}/${a.deletes}, ${b.task} ${b.upserts}/${b.deletes}`)
        }
      }
      log(
        `  round ${r + 1}: diff ${diff.ms.toFixed(0)} ms vs SQL ${diffSql.ms.toFixed(0)} ms; compaction ${logOurs.ms.toFixed(0)} ms vs SQL ${logSql.ms.toFixed(0)} ms` +
          ` (CPU: diff ${diff.cpuMs.toFixed(0)} vs ${diffSql.cpuMs.toFixed(0)} ms, compaction ${logOurs.cpuMs.toFixed(0)} vs ${logSql.cpuMs.toFixed(0)} ms;` +
          ` peak RSS MiB: ${[diff, diffSql, logOurs, logSql].map((t) => t.maxRssMB.toFixed(0)).join('/')})`,
      )
      result.rounds.push({ diff, diffSql, log: logOurs, logSql })
    }
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
