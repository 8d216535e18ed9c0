// Compile-time guarantees of hyperdelta/testing: seeded rows are checked against each data source's own table.
// Every @ts-expect-error below was checked to be needed; vitest typecheck fails on an unused one.
import { describe, expectTypeOf, it } from 'vitest'
import { date, defineTable, int64, text } from '../../src/index.js'
import { startTestEmulator, type TestEmulator } from '../../src/testing/index.js'

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), customer: text({ nullable: true }) })
const days = defineTable({ schema: 'Extract', name: 'Extract' }, { day: date() })

describe('startTestEmulator', () => {
  it('checks each seed against its own table', () => {
    void startTestEmulator({
      datasources: {
        Orders: { table: orders, rows: [{ id: 1n }, { id: 2, customer: null }] },
        Days: { table: days, rows: [{ day: '2024-01-01' }] },
        Snapshot: { parquet: 'snapshot.parquet', project: 'Sales' },
      },
    })
    void startTestEmulator({
      // @ts-expect-error a row of Orders needs an int64 id
      datasources: { Orders: { table: orders, rows: [{ id: 'one' }] } },
    })
    void startTestEmulator({
      // @ts-expect-error Days has no column id (rows of one table are not rows of another)
      datasources: { Orders: { table: orders }, Days: { table: days, rows: [{ id: 1n }] } },
    })
    expectTypeOf(startTestEmulator()).resolves.toEqualTypeOf<TestEmulator>()
  })

  it('types seed() rows by the table given and env by the four variables', async () => {
    const emu = await startTestEmulator()
    void emu.seed('Orders', { table: orders, rows: [{ id: 1n, customer: 'a' }] })
    // @ts-expect-error customer is text
    void emu.seed('Orders', { table: orders, rows: [{ id: 1n, customer: 1 }] })
    expectTypeOf(emu.env.TABLEAU_PAT_SECRET).toEqualTypeOf<string>()
    expectTypeOf(emu.rows('Orders')).resolves.toEqualTypeOf<Record<string, unknown>[]>()
  })
})
