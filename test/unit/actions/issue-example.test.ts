import { expect, it } from 'vitest'
import { batch, defineTable, float64, int64, lt, text, timestamp } from '../../../src/index.js'

it('the example of issue 2 (and of the README) compiles to exactly this body', () => {
  const orders = defineTable(
    { schema: 'Extract', name: 'Extract' },
    { id: int64(), customer: text(), amount: float64({ nullable: true }), updated_at: timestamp() },
  )
  const changes = orders.as('changes')
  const wire = batch()
    .upsert({ source: changes, target: orders, on: ['id'] })
    .delete({ target: orders, where: (t) => lt(t.updated_at, new Date('2020-01-01T00:00:00Z')) })
    .compile()
  expect(JSON.stringify(wire)).toBe(
    JSON.stringify({
      actions: [
        {
          action: 'upsert',
          'source-schema': 'Extract',
          'source-table': 'changes',
          'target-schema': 'Extract',
          'target-table': 'Extract',
          condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
        },
        {
          action: 'delete',
          'target-schema': 'Extract',
          'target-table': 'Extract',
          condition: {
            op: 'lt',
            'target-col': 'updated_at',
            const: { type: 'datetime', v: '2020-01-01T00:00:00.000000Z' },
          },
        },
      ],
    }),
  )
})
