/**
 * End to end: an upsert of N change rows (half updates, half new) into an emulator data source of M rows,
 * pushed by a child process; the emulator runs in another process and times each job from the PATCH's
 * arrival to its end. Client-side time = packaging + upload; emulator time = PATCH → job done.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { benchRowsSql, startEmulatorProcess } from './bench-data.js'
import { type PushChildResult, runPushChild } from './memory.js'

export interface EndToEndResult {
  baseRows: number
  push: PushChildResult
  emulatorJobMs: number
  seedMs: number
  finalRows: number
}

export async function benchEndToEnd(baseRows: number, changeRows: number): Promise<EndToEndResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-e2e-'))
  try {
    const seed = join(dir, 'seed.parquet')
    const t0 = performance.now()
    const instance = await DuckDBInstance.create(':memory:')
    const c = await instance.connect()
    await c.run(`SET TimeZone='UTC'`)
    await c.run(`COPY (${benchRowsSql(0, baseRows)}) TO '${seed}' (FORMAT parquet)`)
    c.closeSync()
    instance.closeSync()
    const emu = await startEmulatorProcess({ dataDir: join(dir, 'emu'), parquet: { name: 'Bench', file: seed } })
    const seedMs = performance.now() - t0
    try {
      // Half of the changes update the last rows of the data source, half are new ids after them.
      const push = await runPushChild(emu.url, changeRows, 'upsert', baseRows - changeRows / 2, 1)
      const jobTimes = await emu.jobTimes()
      const [row] = (await emu.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE name LIKE 'c1%') AS changed FROM "Bench"."Extract"."Extract"`,
      )) as { n: bigint; changed: bigint }[]
      const finalRows = Number(row!.n)
      // Every change row is in (updated or inserted, text tagged c1), and nothing else moved.
      if (finalRows !== baseRows + changeRows / 2 || Number(row!.changed) !== changeRows) {
        throw new Error(
          `end-to-end bench: expected ${baseRows + changeRows / 2} rows with ${changeRows} changed, found ${finalRows} / ${row!.changed}`,
        )
      }
      return { baseRows, push, emulatorJobMs: jobTimes.reduce((a, b) => a + b, 0), seedMs, finalRows }
    } finally {
      await emu.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
