import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { date, defineTable, timestamp } from '../../../src/index.js'
import { valueAt } from '../../../src/payload/payload-format.js'
import { RowBatcher } from '../../../src/payload/row-batcher.js'
import { InvalidValue, normalizeValue } from '../../../src/wire.js'

/**
 * The row reader's inline `Date` conversions (timestamps written as int64 words, midnight dates as
 * days) give exactly what `normalizeValue` gives, and leave every Date it refuses to it.
 */
const columns = {
  at: timestamp(),
  maybe: timestamp({ nullable: true }),
  local: timestamp({ timeZone: false }),
  day: date(),
}
const table = defineTable({ name: 'dates' }, columns)
const MAX_MS = 8_640_000_000_000_000
const dates = fc.oneof(
  fc.integer({ min: -MAX_MS, max: MAX_MS }),
  fc.constantFrom(-MAX_MS, MAX_MS, 0, -1, 9_007_199_254_741, -9_007_199_254_741, 2 ** 53, -86_400_000, Number.NaN),
  fc.integer({ min: -100_000_000, max: 100_000_000 }).map((d) => d * 86_400_000),
)

describe('row reader: Dates', () => {
  it('agrees with normalizeValue for every Date, valid or not', () => {
    fc.assert(
      fc.property(fc.array(dates, { minLength: 1, maxLength: 20 }), (ms) => {
        for (const [name, column] of Object.entries(columns) as [
          keyof typeof columns,
          (typeof columns)[keyof typeof columns],
        ][]) {
          const batcher = new RowBatcher(table, { extraColumns: 'error', maxRows: 64, targetBytes: 1 << 20 })
          const rows = ms.map((t) => ({ at: 0n, maybe: null, local: 0n, day: '2024-01-01', [name]: new Date(t) }))
          const expected = rows.map((r) => normalizeValue(column, r[name as 'at']))
          const bad = expected.findIndex((v) => v instanceof InvalidValue)
          const run = () => {
            for (const [i, r] of rows.entries()) batcher.add(r, i)
            return batcher.take()
          }
          if (bad >= 0) {
            expect(run).toThrow(
              expect.objectContaining({ details: expect.objectContaining({ column: name, row: bad }) }),
            )
            continue
          }
          const j = table.columnNames.indexOf(name)
          const got = run().columns[j]!
          expect(rows.map((_, i) => valueAt(got, i))).toEqual(expected)
        }
      }),
      { numRuns: 200 },
    )
  })
})
