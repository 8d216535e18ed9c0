/**
 * A child process that packages and pushes N bench rows from an async iterable to an emulator (another
 * process), then prints one JSON line: peak RSS (the process's own high-water mark, see peak-rss.ts) and the push report's timings.
 * argv: <server url> <rows> <insert|upsert> [first id] [tag]
 */
import { batch, pushChanges, TableauClient } from '../src/index.js'
import { BENCH_PAT, benchRows, benchTable } from './bench-data.js'
import { peakRssBytes } from './peak-rss.js'

const [url, rowsArg, mode, fromArg, tagArg] = process.argv.slice(2)
const count = Number(rowsArg)
const source = benchTable.as('changes')
const t0 = performance.now()
const client = await TableauClient.signIn({ server: url!, auth: { personalAccessToken: BENCH_PAT } })
const report = await pushChanges({
  client,
  datasource: { name: 'Bench' },
  batch:
    mode === 'upsert'
      ? batch().upsert({ source, target: benchTable, on: ['id'] })
      : batch().insert({ source, target: benchTable }),
  rows: { changes: benchRows(Number(fromArg ?? 0), count, Number(tagArg ?? 0)) },
})
await client.close()
console.log(
  JSON.stringify({
    rows: count,
    mode,
    totalMs: performance.now() - t0,
    packagingMs: report.packagingMs,
    uploadMs: report.requests.reduce((n, r) => n + r.uploadMs, 0),
    jobMs: report.requests.reduce((n, r) => n + r.jobMs, 0),
    requests: report.requests.length,
    bytes: report.bytes,
    maxRssMB: peakRssBytes() / 2 ** 20,
  }),
)
