/**
 * `npm start`: the main job on the embedded default. Starts the emulator in-process, runs the nightly
 * CDC pipeline for days 1 and 2 — the first run publishes the Orders data source from the day-0
 * snapshot through the client (`createIfMissing`), as it would on a real server — prints each run's
 * report and the final row count, and checks the table equals the day-2 snapshot.
 *
 * With TABLEAU_SERVER set (plus TABLEAU_SITE and TABLEAU_PAT_NAME/TABLEAU_PAT_SECRET), the same runs go
 * to that server instead, against the data source named by HYPERDELTA_SAMPLE_DATASOURCE (default
 * "hyperdelta-sample-orders"), published from samples/data/orders-day0.parquet on the first run if missing.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readParquetRows, summarizeReport, TableauClient } from 'hyperdelta'
import { runNightlyCdc } from 'hyperdelta/pipelines'
import { orders } from './orders-table.js'

const data = (day: number) => join(import.meta.dirname, 'data', `orders-day${day}.parquet`)
const work = await mkdtemp(join(tmpdir(), 'hyperdelta-sample-'))
const remote = process.env.TABLEAU_SERVER

let emulator: Awaited<ReturnType<typeof import('hyperdelta/emulator').startEmulator>> | undefined
let client: TableauClient
let datasource = process.env.HYPERDELTA_SAMPLE_DATASOURCE ?? 'hyperdelta-sample-orders'
if (remote) {
  const { TABLEAU_SITE, TABLEAU_PAT_NAME, TABLEAU_PAT_SECRET } = process.env
  if (!TABLEAU_PAT_NAME || !TABLEAU_PAT_SECRET) throw new Error('set TABLEAU_PAT_NAME and TABLEAU_PAT_SECRET')
  client = await TableauClient.signIn({
    server: remote,
    site: TABLEAU_SITE ?? '',
    auth: { personalAccessToken: { name: TABLEAU_PAT_NAME, secret: TABLEAU_PAT_SECRET } },
  })
  console.log(`running against ${remote}, data source "${datasource}"`)
} else {
  const { startEmulator } = await import('hyperdelta/emulator')
  const pat = { name: 'sample', secret: 'sample-secret' }
  emulator = await startEmulator({ port: 0, dataDir: join(work, 'emulator'), users: [{ name: 'admin', pat }] })
  datasource = 'Orders'
  console.log(`emulator on ${emulator.url}`)
  client = await TableauClient.signIn({ server: emulator.url, site: '', auth: { personalAccessToken: pat } })
}

let exitCode = 0
try {
  for (const day of [1, 2]) {
    const report = await runNightlyCdc({
      client,
      datasource: { name: datasource },
      table: orders,
      keys: ['id'],
      name: 'orders',
      source: { snapshots: { previous: data(day - 1), current: data(day) } },
      createIfMissing: true,
      // One state dir for the lane, night after night: journal, lock, history, temp files.
      stateDir: join(work, 'state', 'orders'),
    })
    if (day === 1) console.log(`published "${datasource}" from orders-day0.parquet if it was missing`)
    const s = report.stats
    console.log(`\nday ${day}: ${s.inserted} new, ${s.changed} changed, ${s.deletes} removed, ${s.unchanged} unchanged`)
    console.log(summarizeReport(report.push))
  }
  if (emulator) {
    let expected = 0
    for await (const _ of readParquetRows([data(2)])) expected++
    const [row] = await emulator.query(`SELECT count(*) AS n FROM "${datasource}"."Extract"."Extract"`)
    const [diff] = await emulator.query(
      `SELECT count(*) AS n FROM ((SELECT * FROM "${datasource}"."Extract"."Extract" EXCEPT SELECT * FROM read_parquet('${data(2)}'))
       UNION ALL (SELECT * FROM read_parquet('${data(2)}') EXCEPT SELECT * FROM "${datasource}"."Extract"."Extract"))`,
    )
    console.log(
      `\nfinal row count: ${row?.n} (day-2 snapshot: ${expected}); rows differing from the snapshot: ${diff?.n}`,
    )
    if (BigInt(row?.n as bigint) !== BigInt(expected) || BigInt(diff?.n as bigint) !== 0n) {
      console.error('the data source does not match the day-2 snapshot')
      exitCode = 1
    }
  }
} finally {
  await client.close()
  await emulator?.close()
  await rm(work, { recursive: true, force: true })
}
process.exitCode = exitCode
