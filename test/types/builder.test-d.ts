// Compile-time guarantees of the typed builder. Every @ts-expect-error below was checked to be needed
// (removing it makes tsc fail); vitest typecheck fails on an unused one.
import { describe, expectTypeOf, it } from 'vitest'
import {
  and,
  type Batch,
  batch,
  bool,
  type ColumnRef,
  type Condition,
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
  type RowOf,
  text,
  timestamp,
  type WireBatch,
} from '../../src/index.js'

const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    qty: int32(),
    customer: text(),
    amount: float64({ nullable: true }),
    paid: bool(),
    day: date(),
    updated_at: timestamp(),
  },
)
const changes = orders.as('changes')
const labels = defineTable({ name: 'labels' }, { id: text(), customer: text() })

describe('column names', () => {
  it('a wrong column name does not compile', () => {
    batch().delete({
      target: orders,
      // @ts-expect-error no column "customr"
      where: (t) => eq(t.customr, 'ACME'),
    })
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error no source column "idd"
      where: (t, s) => eq(t.id, s.idd),
    })
  })

  it('column refs carry their side and type', () => {
    batch().update({
      source: changes,
      target: orders,
      where: (t, s) => {
        expectTypeOf(t.id).toEqualTypeOf<ColumnRef<'target', ReturnType<typeof int64<false>>>>()
        expectTypeOf(s.amount.type.nullable).toEqualTypeOf<true>()
        return eq(t.id, s.id)
      },
    })
  })
})

describe('constant types', () => {
  it('a constant of the wrong type does not compile', () => {
    batch()
      // @ts-expect-error int64 id compared with a string
      .delete({ target: orders, where: (t) => eq(t.id, 'x') })
      // @ts-expect-error text compared with a number
      .delete({ target: orders, where: (t) => eq(t.customer, 1) })
      // @ts-expect-error int32 takes no bigint
      .delete({ target: orders, where: (t) => gt(t.qty, 1n) })
      // @ts-expect-error bool compared with a string
      .delete({ target: orders, where: (t) => eq(t.paid, 'true') })
      // @ts-expect-error timestamp compared with a number
      .delete({ target: orders, where: (t) => lt(t.updated_at, 1714558530) })
      // @ts-expect-error date compared with a bigint
      .delete({ target: orders, where: (t) => lte(t.day, 20240101n) })
      // @ts-expect-error float64 compared with a string
      .delete({ target: orders, where: (t) => gte(t.amount, '1.5') })
  })

  it('null constants do not compile, not even for nullable columns', () => {
    batch()
      // @ts-expect-error null constant
      .delete({ target: orders, where: (t) => eq(t.amount, null) })
      // @ts-expect-error null constant
      .delete({ target: orders, where: (t) => ne(t.customer, null) })
      // @ts-expect-error undefined constant
      .delete({ target: orders, where: (t) => eq(t.id, undefined) })
  })

  it('the right constant types compile', () => {
    const b = batch()
      .delete({ target: orders, where: (t) => eq(t.id, 1) })
      .delete({ target: orders, where: (t) => eq(t.id, 2n ** 60n) })
      .delete({ target: orders, where: (t) => lt(t.updated_at, new Date()) })
      .delete({ target: orders, where: (t) => lt(t.updated_at, '2020-01-01T00:00:00Z') })
      .delete({ target: orders, where: (t) => lt(t.updated_at, 1_714_558_530_123_456n) })
      .delete({ target: orders, where: (t) => eq(t.day, '2024-01-01') })
      .delete({ target: orders, where: (t) => and(eq(t.paid, true), or(gt(t.amount, 1.5), not(eq(t.qty, 3)))) })
    expectTypeOf(b).toEqualTypeOf<Batch>()
    expectTypeOf(b.compile()).toEqualTypeOf<WireBatch>()
  })
})

describe('source columns', () => {
  it('comparing with a source column of an incompatible kind does not compile', () => {
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error int64 vs text
      where: (t, s) => eq(t.id, s.customer),
    })
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error date vs timestamp
      where: (t, s) => lt(t.day, s.updated_at),
    })
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error float64 vs int64
      where: (t, s) => gt(t.amount, s.id),
    })
  })

  it('the target column comes first and the other one must be a source column', () => {
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error a source column cannot come first
      where: (t, s) => eq(s.id, t.id),
    })
    batch().update({
      source: changes,
      target: orders,
      // @ts-expect-error two target columns
      where: (t) => eq(t.id, t.qty),
    })
  })

  it('int32 and int64 columns are comparable', () => {
    batch().update({ source: changes, target: orders, where: (t, s) => and(eq(t.id, s.qty), eq(t.qty, s.id)) })
  })
})

describe('on keys', () => {
  it('on keys must be in both tables', () => {
    // @ts-expect-error "qty" is not a column of labels
    batch().upsert({ source: labels, target: orders, on: ['qty'] })
    // @ts-expect-error "nope" is in neither
    batch().update({ source: changes, target: orders, on: ['id', 'nope'] })
    // @ts-expect-error on needs at least one key
    batch().upsert({ source: changes, target: orders, on: [] })
    batch().upsert({ source: labels, target: orders, on: ['customer'] })
  })
})

describe('required parts of an action', () => {
  it('update and upsert need on or where', () => {
    // @ts-expect-error neither on nor where
    batch().update({ source: changes, target: orders })
    // @ts-expect-error neither on nor where
    batch().upsert({ source: changes, target: orders })
    // @ts-expect-error both on and where
    batch().upsert({ source: changes, target: orders, on: ['id'], where: (t, s) => eq(t.id, s.id) })
  })

  it('insert, update, upsert and replace need a source', () => {
    // @ts-expect-error no source
    batch().insert({ target: orders })
    // @ts-expect-error no source
    batch().replace({ target: orders })
    // @ts-expect-error no source
    batch().update({ target: orders, on: ['id'] })
  })

  it('delete needs a condition; without a source its where takes no source argument', () => {
    // @ts-expect-error no condition
    batch().delete({ target: orders })
    // @ts-expect-error without a source, where gets only the target columns
    batch().delete({ target: orders, where: (t, s) => eq(t.id, s.id) })
    batch().delete({ target: orders, where: (t) => eq(t.id, 1) })
    batch().delete({ source: orders.pick('id').as('gone'), target: orders, on: ['id'] })
    batch().delete({ source: orders.pick('id').as('gone'), target: orders, where: (t, s) => eq(t.id, s.id) })
  })
})

describe('condition helpers', () => {
  it('and/or/not take conditions only', () => {
    // @ts-expect-error a column is not a condition
    batch().delete({ target: orders, where: (t) => and(t.paid) })
    // @ts-expect-error not() needs an argument
    batch().delete({ target: orders, where: () => not() })
    expectTypeOf(and).returns.toEqualTypeOf<Condition>()
  })
})

describe('RowOf', () => {
  it('makes nullable columns optional and accepts null there only', () => {
    type Row = RowOf<typeof orders>
    expectTypeOf<Row>().toEqualTypeOf<{
      id: bigint | number
      qty: number
      customer: string
      paid: boolean
      day: Date | string
      updated_at: Date | bigint | string
      amount?: number | null
    }>()
    const ok: Row = { id: 1n, qty: 1, customer: 'a', paid: true, day: '2024-01-01', updated_at: new Date() }
    expectTypeOf(ok).toEqualTypeOf<Row>()
    // @ts-expect-error customer is not nullable
    const bad: Row = { id: 1n, qty: 1, customer: null, paid: true, day: '2024-01-01', updated_at: new Date() }
    // @ts-expect-error customer is required
    const missing: Row = { id: 1n, qty: 1, paid: true, day: '2024-01-01', updated_at: new Date() }
    void bad
    void missing
  })
})
