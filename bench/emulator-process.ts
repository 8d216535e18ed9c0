/**
 * The emulator in its own process, so client and emulator never share an event loop in a benchmark.
 * Started with `fork()`; talks over IPC: it sends `{ type: 'ready', url }`, answers `{ type: 'query', sql }`,
 * `{ type: 'jobTimes' }` (ms from each PATCH's arrival to its job's end) and stops on `{ type: 'close' }`.
 * argv[2] is JSON: { dataDir, parquet?: { name, file } }.
 */
import { startEmulator } from '../src/emulator/index.js'
import type { Logger } from '../src/index.js'
import { BENCH_PASSWORD, BENCH_PAT, benchTable } from './bench-data.js'

const options = JSON.parse(process.argv[2] ?? '{}') as { dataDir?: string; parquet?: { name: string; file: string } }
let patchAt: number | undefined
const jobTimes: number[] = []
// Times the job as the emulator sees it: PATCH received → job done (jobDelayMs is 0 here).
const logger: Logger = {
  debug: (message, fields) => {
    if (message === 'emulator: request' && fields?.['route'] === 'updateData') patchAt = performance.now()
  },
  info: (message) => {
    if (message === 'emulator: job done' && patchAt !== undefined) jobTimes.push(performance.now() - patchAt)
  },
  warn: () => {},
  error: () => {},
}
const emu = await startEmulator({
  port: 0,
  jobDelayMs: 0,
  logger,
  users: [{ name: BENCH_PASSWORD.name, password: BENCH_PASSWORD.password, pat: BENCH_PAT }],
  ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
})
if (options.parquet) {
  await emu.createDatasource({ name: options.parquet.name, table: benchTable, parquet: options.parquet.file })
} else {
  await emu.createDatasource({ name: 'Bench', table: benchTable, rows: [] })
}
process.on('message', async (m: { type: string; sql?: string; id?: number }) => {
  try {
    if (m.type === 'query') process.send!({ type: 'result', id: m.id, rows: await emu.query(m.sql!) }, undefined)
    else if (m.type === 'jobTimes') process.send!({ type: 'result', id: m.id, rows: jobTimes })
    else if (m.type === 'close') {
      await emu.close()
      process.exit(0)
    }
  } catch (e) {
    process.send!({ type: 'result', id: m.id, error: (e as Error).message })
  }
})
process.send!({ type: 'ready', url: emu.url })
