/**
 * The smallest complete use of the library, offline: declare the table, build a batch, push it to a
 * local emulator, read the result back.
 *
 *   npx tsx samples/quickstart.ts
 */

import {
  batch,
  defineTable,
  float64,
  int64,
  lt,
  planChanges,
  pushChanges,
  summarizeReport,
  TableauClient,
  text,
  timestamp,
} from 'hyperdelta'
import { startEmulator } from 'hyperdelta/emulator'

const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), customer: text(), amount: float64({ nullable: true }), updated_at: timestamp() },
)
const changes = orders.as('changes')

const pat = { name: 'quickstart', secret: 'quickstart-secret' }
const emu = await startEmulator({ port: 0, users: [{ name: 'admin', pat }] })
await emu.createDatasource({
  name: 'Orders',
  table: orders,
  rows: [
    { id: 1n, customer: 'ACME', amount: 10.5, updated_at: '2019-06-01T12:00:00Z' },
    { id: 2n, customer: 'Globex', amount: null, updated_at: '2024-03-02T08:30:00.123456Z' },
  ],
})

const work = batch()
  .upsert({ source: changes, target: orders, on: ['id'] })
  .delete({ target: orders, where: (t) => lt(t.updated_at, new Date('2020-01-01T00:00:00Z')) })
console.log('wire JSON:', JSON.stringify(work.compile()))

const rows = [
  { id: 2n, customer: 'Globex', amount: 99.95, updated_at: new Date() },
  { id: 3n, customer: 'Initech', amount: 12, updated_at: '2025-01-01T00:00:00+01:00' },
]
const plan = await planChanges({ batch: work, rows: { changes: rows } })
console.log(`dry run: ${plan.requests.length} request(s)`, plan.warnings)
await plan.dispose()

const client = await TableauClient.signIn({ server: emu.url, site: '', auth: { personalAccessToken: pat } })
try {
  const report = await pushChanges({ client, datasource: { name: 'Orders' }, batch: work, rows: { changes: rows } })
  console.log(summarizeReport(report))
  console.table(
    await emu.query(
      'SELECT id, customer, amount, CAST(updated_at AS VARCHAR) AS updated_at FROM "Orders"."Extract"."Extract" ORDER BY id',
    ),
  )
} finally {
  await client.close()
  await emu.close()
}
