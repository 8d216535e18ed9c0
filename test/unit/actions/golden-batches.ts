// The typed-builder twin of every golden wire fixture in test/fixtures/wire/. Each entry must compile
// to exactly its fixture (key order included); golden.test.ts checks both directions.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  and,
  type Batch,
  batch,
  bool,
  date,
  defineTable,
  eq,
  float64,
  gt,
  gte,
  int32,
  int64,
  lt,
  lte,
  ne,
  not,
  or,
  text,
  timestamp,
} from '../../../src/index.js'

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/wire/', import.meta.url))

/** Every fixture file name (without `.json`). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
}

/** The raw text of a fixture. */
export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURE_DIR}${name}.json`, 'utf8')
}

// Reference page tables (no schema in the examples, so none is declared).
const currentUsers = defineTable({ name: 'current_users' }, { user_id: int64(), name: text({ nullable: true }) })
const myData = defineTable({ name: 'my_data' }, { row_id: int64(), value: text({ nullable: true }) })
const uploadedForUpdate = defineTable({ name: 'uploaded_table' }, { update_row_id: int64(), value: text() })
const uploadedForUpsert = defineTable(
  { name: 'uploaded_table' },
  { update_row_id: int64(), row_id: int64(), value: text({ nullable: true }) },
)
const myExtract = defineTable({ name: 'my_extract_table' }, { id: int64(), payload: text() })
const deletedIds = defineTable({ name: 'deleted_row_id_table' }, { deleted_id: int64() })

// TSC sample: Extract.Extract with a Region column.
const tscExtract = defineTable({ schema: 'Extract', name: 'Extract' }, { Region: text(), Sales: float64() })

const lines = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { order_id: int64(), line_no: int32(), qty: int32(), note: text({ nullable: true }) },
)
const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), region: text(), status: text(), amount: float64({ nullable: true }) },
)
const ordersChanges = orders.as('changes')

const measures = defineTable(
  { schema: 'Extract', name: 'Measures' },
  {
    big: int64(),
    small: int32(),
    ratio: float64(),
    active: bool(),
    at: timestamp(),
    day: date(),
    label: text(),
    'Order Number': text(),
  },
)

export const GOLDEN_BATCHES: Record<string, () => Batch> = {
  'insert-added-users': () => batch().insert({ source: currentUsers.as('added_users'), target: currentUsers }),
  'update-row-id': () =>
    batch().update({
      source: uploadedForUpdate,
      target: myData,
      where: (t, s) => eq(t.row_id, s.update_row_id),
    }),
  'upsert-gt-row-id': () =>
    batch().upsert({
      source: uploadedForUpsert,
      target: myData,
      where: (t, s) => gt(t.row_id, s.update_row_id),
    }),
  'replace-added-users': () => batch().replace({ source: currentUsers.as('added_users'), target: currentUsers }),
  'delete-gt-deleted-id': () =>
    batch().delete({ source: deletedIds, target: myExtract, where: (t, s) => gt(t.id, s.deleted_id) }),
  'delete-const-region-europe': () => batch().delete({ target: tscExtract, where: (t) => eq(t.Region, 'Europe') }),
  'upsert-composite-key': () =>
    batch().upsert({ source: lines.as('changes'), target: lines, on: ['order_id', 'line_no'] }),
  'nested-and-or-not': () =>
    batch()
      .delete({
        target: orders,
        where: (t) => and(or(eq(t.region, 'EU'), eq(t.region, 'US')), not(and(gte(t.id, 10), lte(t.id, 20)))),
      })
      .delete({ target: orders, where: (t) => not(or(lt(t.amount, 0), gt(t.amount, 100.5))) })
      .update({
        source: ordersChanges,
        target: orders,
        where: (t, s) => and(eq(t.id, s.id), not(and(lt(t.amount, s.amount), gte(t.id, 0)))),
      })
      .delete({
        target: orders,
        where: (t) => not(and(gt(t.id, 1), gte(t.id, 2n), lt(t.id, 3), lte(t.id, 4), not(eq(t.region, 'EU')))),
      }),
  'ne-compiled': () =>
    batch()
      .delete({ target: orders, where: (t) => ne(t.status, 'open') })
      .update({ source: ordersChanges, target: orders, where: (t, s) => and(eq(t.id, s.id), ne(t.status, s.status)) })
      .delete({ target: orders, where: (t) => not(ne(t.status, 'closed')) })
      .delete({ target: orders, where: (t) => not(or(lt(t.id, 100), gt(t.id, 200))) }),
  'const-integer': () =>
    batch()
      .delete({ target: measures, where: (t) => eq(t.big, 9_223_372_036_854_775_807n) })
      .delete({ target: measures, where: (t) => eq(t.big, -9_223_372_036_854_775_808n) })
      .delete({ target: measures, where: (t) => gt(t.big, 9_007_199_254_740_993n) })
      .delete({ target: measures, where: (t) => lt(t.big, -42) })
      .delete({ target: measures, where: (t) => gte(t.small, 2_147_483_647) })
      .delete({ target: measures, where: (t) => lte(t.small, -2_147_483_648) })
      .delete({ target: measures, where: (t) => eq(t.small, -0) }),
  'const-double': () =>
    batch()
      .delete({ target: measures, where: (t) => eq(t.ratio, 3.5) })
      .delete({ target: measures, where: (t) => gt(t.ratio, -0.25) })
      .delete({ target: measures, where: (t) => lt(t.ratio, 1e21) })
      .delete({ target: measures, where: (t) => gte(t.ratio, Number.MIN_VALUE) })
      .delete({ target: measures, where: (t) => lte(t.ratio, 0.1) })
      .delete({ target: measures, where: (t) => eq(t.ratio, -Number.MAX_VALUE) }),
  'const-boolean': () =>
    batch()
      .delete({ target: measures, where: (t) => eq(t.active, true) })
      .delete({ target: measures, where: (t) => eq(t.active, false) }),
  'const-datetime': () =>
    batch()
      // bigint microseconds keep all six fractional digits
      .delete({ target: measures, where: (t) => lt(t.at, 1_714_558_530_123_456n) })
      // an offset is converted to UTC, the fraction kept
      .delete({ target: measures, where: (t) => gte(t.at, '2024-05-01T10:15:30.123456+02:00') })
      // a Date has milliseconds only
      .delete({ target: measures, where: (t) => eq(t.at, new Date('2024-05-01T10:15:30.123Z')) })
      // before 1970: one microsecond before the epoch
      .delete({ target: measures, where: (t) => gt(t.at, -1n) })
      .delete({ target: measures, where: (t) => lte(t.at, '1900-01-01T00:00:00Z') })
      .delete({ target: measures, where: (t) => eq(t.at, '2019-12-31T19:00:00-0500') }),
  'const-date-as-string': () =>
    batch()
      .delete({ target: measures, where: (t) => eq(t.day, '2024-01-01') })
      .delete({ target: measures, where: (t) => lt(t.day, new Date('1969-07-20T00:00:00Z')) })
      .delete({ target: measures, where: (t) => gte(t.day, '2024-02-29') }),
  'const-string-unicode': () =>
    batch()
      .delete({ target: measures, where: (t) => eq(t['Order Number'], 'Zürich') })
      .delete({ target: measures, where: (t) => eq(t.label, '東京 🚀') })
      .delete({ target: measures, where: (t) => gt(t.label, 'quote " backslash \\ tab \t newline \n') })
      .delete({ target: measures, where: (t) => lt(t.label, '') })
      .delete({ target: measures, where: (t) => eq(t.label, 'naïve café — ü \u0000') }),
}
