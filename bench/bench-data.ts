/**
 * The benchmark's change set: id int64, a 20-character text, float64, timestamp, bool — produced the same
 * way by a JS generator (what a caller hands to hyperdelta) and by DuckDB SQL (the reference), so both sides
 * write identical values.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { bool, defineTable, float64, int64, text, timestamp } from '../src/index.js'

export const benchTable = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), name: text(), amount: float64(), updated_at: timestamp(), flag: bool() },
)
export const BENCH_PAT = { name: 'bench', secret: 'bench-local-secret' }
export const BENCH_PASSWORD = { name: 'admin', password: 'bench-local-password' }
const BASE_MICROS = 1_700_000_000_000_000n

export interface BenchRow {
  id: bigint
  name: string
  amount: number
  updated_at: bigint
  flag: boolean
}

/** Row `i` of the change set; `tag` (0..9) varies the text so an upsert really changes rows. */
export function benchRow(i: number, tag = 0): BenchRow {
  return {
    id: BigInt(i),
    name: `c${tag}${String(i).padStart(18, '0')}`,
    amount: (i % 10_000) / 100,
    updated_at: BASE_MICROS + BigInt(i) * 1_000_003n,
    flag: (i & 1) === 0,
  }
}

/** Rows `from … from+count-1` as an async iterable (never an array: memory stays flat). */
export async function* benchRows(from: number, count: number, tag = 0): AsyncGenerator<BenchRow> {
  for (let i = from; i < from + count; i++) yield benchRow(i, tag)
}

/** The same rows from a synchronous generator (no await per row). */
export function* benchRowsSync(from: number, count: number, tag = 0): Generator<BenchRow> {
  for (let i = from; i < from + count; i++) yield benchRow(i, tag)
}

/** The same rows as a DuckDB SELECT. */
export function benchRowsSql(from: number, count: number, tag = 0): string {
  return `SELECT i::BIGINT AS id, 'c${tag}' || lpad(i::VARCHAR, 18, '0') AS name, (i % 10000) / 100.0 AS amount,
    make_timestamptz(${BASE_MICROS} + i * 1000003) AS updated_at, i % 2 = 0 AS flag
    FROM range(${from}, ${from + count}) t(i)`
}

export interface EmulatorProcess {
  url: string
  query(sql: string): Promise<Record<string, unknown>[]>
  /** ms from each PATCH's arrival to the end of its job, as the emulator saw it. */
  jobTimes(): Promise<number[]>
  close(): Promise<void>
}

/** Starts the emulator in a child process (optionally with a data source loaded from a Parquet file). */
export function startEmulatorProcess(options: {
  dataDir?: string
  parquet?: { name: string; file: string }
}): Promise<EmulatorProcess> {
  const child = fork(fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let next = 0
  const pending = new Map<number, (m: { rows?: unknown; error?: string }) => void>()
  const call = <T>(type: string, extra: object = {}) =>
    new Promise<T>((ok, fail) => {
      const id = next++
      pending.set(id, (m) => (m.error ? fail(new Error(m.error)) : ok(m.rows as T)))
      child.send({ type, id, ...extra })
    })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)))
    child.on('message', (m: { type: string; url?: string; id?: number; rows?: unknown; error?: string }) => {
      if (m.type === 'ready') {
        resolve({
          url: m.url!,
          query: (sql) => call('query', { sql }),
          jobTimes: () => call('jobTimes'),
          close: () =>
            new Promise<void>((ok) => {
              child.removeAllListeners('exit')
              child.once('exit', () => ok())
              child.send({ type: 'close' })
            }),
        })
      } else if (m.type === 'result') {
        pending.get(m.id!)?.(m)
        pending.delete(m.id!)
      }
    })
  })
}
