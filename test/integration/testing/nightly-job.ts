// "Your own job": what a user's nightly job looks like, tested by the files next to it through hyperdelta/testing.
import {
  batch,
  defineTable,
  float64,
  int64,
  type PushReport,
  pushChanges,
  type RowOf,
  TableauClient,
  text,
  timestamp,
} from '../../../src/index.js'

export const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), customer: text(), amount: float64({ nullable: true }), updated_at: timestamp({ nullable: true }) },
)
export type Order = RowOf<typeof orders>

/** Upserts the day's changed orders into the "Orders" data source named by the job's TABLEAU_* variables. */
export async function runNightlyJob(env: NodeJS.ProcessEnv, changed: Order[]): Promise<PushReport> {
  const client = await TableauClient.signIn({
    server: env.TABLEAU_SERVER!,
    site: env.TABLEAU_SITE ?? '',
    auth: { personalAccessToken: { name: env.TABLEAU_PAT_NAME!, secret: env.TABLEAU_PAT_SECRET! } },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  })
  try {
    const work = batch().upsert({ source: orders.as('changes'), target: orders, on: ['id'] })
    return await pushChanges({ client, datasource: { name: 'Orders' }, batch: work, rows: { changes: changed } })
  } finally {
    await client.close()
  }
}
