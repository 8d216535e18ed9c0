import { defineTable, float64, int64, type RowOf, text, timestamp } from 'hyperdelta'

/** The sample data source's table, as published (`Extract.Extract`). */
export const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), customer: text(), amount: float64({ nullable: true }), status: text(), updated_at: timestamp() },
)
export type OrderRow = RowOf<typeof orders>
