import { describe, expect, it } from 'vitest'
import {
  and,
  type Batch,
  batch,
  type ColumnRefs,
  type Comparison,
  type Condition,
  date,
  defineTable,
  eq,
  float64,
  gt,
  HyperdeltaError,
  int32,
  int64,
  type Junction,
  lt,
  type Negation,
  not,
  or,
  text,
  timestamp,
} from '../../../src/index.js'

const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    qty: int32(),
    customer: text(),
    amount: float64({ nullable: true }),
    day: date(),
    updated_at: timestamp(),
  },
)
const changes = orders.as('changes')
const customers = defineTable({ schema: 'Extract', name: 'Customers' }, { id: int64(), name: text() })

function thrown(fn: () => unknown): HyperdeltaError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(HyperdeltaError)
    return e as HyperdeltaError
  }
  throw new Error('expected a HyperdeltaError, nothing was thrown')
}

/** Asserts an ACTION_INVALID naming the action index and field, in the message and in details. */
function expectActionError(
  e: HyperdeltaError,
  index: number,
  kind: string,
  field: string,
  fragment: string,
): asserts e is HyperdeltaError<'ACTION_INVALID'> {
  expect(e.code).toBe('ACTION_INVALID')
  expect(e.retryable).toBe(false)
  expect(e.message).toMatch(new RegExp(`^batch: actions\\[${index}\\] \\(${kind}\\) ${field}: `))
  expect(e.message).toContain(fragment)
  expect(e.details).toMatchObject({ actionIndex: index, action: kind, field })
}

const deleteWhere = (b: Batch, where: (t: ColumnRefs<typeof orders.columns, 'target'>) => Condition) =>
  b.delete({ target: orders, where })

/** A batch with one valid action first, so the failing action has index 1. */
const oneOk = () => batch().insert({ source: changes, target: orders })

describe('empty batch and empty junctions', () => {
  it('compile() of an empty batch is BATCH_EMPTY', () => {
    const e = thrown(() => batch().compile())
    expect(e.code).toBe('BATCH_EMPTY')
    expect(e.message).toMatch(/^batch: no actions/)
  })

  it.each([
    ['and', () => and()],
    ['or', () => or()],
  ])('%s() with zero args is CONDITION_INVALID, and ACTION_INVALID inside a where', (op, make) => {
    const direct = thrown(make)
    expect(direct.code).toBe('CONDITION_INVALID')
    expect(direct.message).toBe(`condition: ${op}() needs at least one condition`)
    expect(direct.details).toEqual({ op })
    const e = thrown(() => deleteWhere(oneOk(), make))
    expectActionError(e, 1, 'delete', 'where', `${op}() needs at least one condition`)
    expect(e.details.op).toBe(op)
    expect((e.cause as HyperdeltaError).code).toBe('CONDITION_INVALID')
  })

  it('not() of nothing, and junctions holding non-conditions, are CONDITION_INVALID', () => {
    expect(thrown(() => not(undefined as never)).message).toBe('condition: not() needs a condition')
    expect(thrown(() => not({} as never)).code).toBe('CONDITION_INVALID')
    const e = thrown(() => and(eq as never))
    expect(e.message).toBe('condition: and(): argument 0 is not a condition')
    expect(thrown(() => or(gt as never, null as never)).details).toEqual({ op: 'or', index: 0 })
    expectActionError(
      thrown(() => deleteWhere(batch(), () => not(undefined as never))),
      0,
      'delete',
      'where',
      'not() needs a condition',
    )
  })
})

describe('constants', () => {
  it.each([
    [
      'NaN',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.amount, Number.NaN),
      'amount',
      'NaN is not finite',
    ],
    [
      'Infinity',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => gt(t.amount, Infinity),
      'amount',
      'Infinity is not finite',
    ],
    ['-Infinity', (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.amount, -Infinity), 'amount', 'not finite'],
    [
      'null',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.amount, null as never),
      'amount',
      'null is not a constant',
    ],
    [
      'undefined',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.id, undefined as never),
      'id',
      'needs a source column or a constant',
    ],
    [
      'an unsafe integer number for int64',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.id, 2 ** 53),
      'id',
      'pass a bigint',
    ],
    [
      'a fraction for int64',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.id, 1.5),
      'id',
      '1.5 is not an integer',
    ],
    [
      'a bigint beyond int64',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.id, 2n ** 63n),
      'id',
      'outside int64',
    ],
    [
      'a string for int64',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.id, '1' as never),
      'id',
      'expected bigint or integer number',
    ],
    [
      'int32 above range',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.qty, 2 ** 31),
      'qty',
      'outside int32',
    ],
    [
      'int32 below range',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.qty, -(2 ** 31) - 1),
      'qty',
      'outside int32',
    ],
    [
      'a bigint for int32',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.qty, 1n as never),
      'qty',
      'expected an integer number',
    ],
    [
      'a number for text',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.customer, 1 as never),
      'customer',
      'expected a string',
    ],
    [
      'a naive timestamp',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.updated_at, '2024-01-01T00:00:00'),
      'updated_at',
      'needs Z or an offset',
    ],
    [
      'a word for a timestamp',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.updated_at, 'yesterday'),
      'updated_at',
      'not a valid timestamp',
    ],
    [
      'an invalid Date',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.updated_at, new Date('x')),
      'updated_at',
      'Invalid Date',
    ],
    [
      'a number for a timestamp',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.updated_at, 0 as never),
      'updated_at',
      'expected a Date, bigint',
    ],
    [
      'a timestamp past year 9999',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => lt(t.updated_at, 253_402_300_800_000_000n),
      'updated_at',
      'years 0000-9999',
    ],
    [
      'Feb 29 of a non-leap year',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.day, '2023-02-29'),
      'day',
      'not a valid date',
    ],
    [
      'a Date not at midnight UTC for a date',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.day, new Date('2024-01-01T12:00:00Z')),
      'day',
      'midnight UTC',
    ],
    [
      'an unpadded date string',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.day, '2024-1-1'),
      'day',
      'not a valid date',
    ],
    [
      'a date past year 9999',
      (t: ColumnRefs<typeof orders.columns, 'target'>) => eq(t.day, new Date(Date.UTC(10000, 0, 1))),
      'day',
      'years 0000-9999',
    ],
  ])('rejects %s, naming the action, field and column', (_name, where, column, fragment) => {
    const e = thrown(() => deleteWhere(oneOk(), where))
    expectActionError(e, 1, 'delete', 'where', fragment)
    expect(e.message).toContain(`(${column}, `)
    expect(e.details.column).toBe(column)
  })

  it('accepts bigint beyond 2^53 for int64 and keeps every digit', () => {
    const wire = deleteWhere(batch(), (t) => eq(t.id, 2n ** 53n + 1n)).compile()
    expect(wire.actions[0]!.condition).toEqual({
      op: 'eq',
      'target-col': 'id',
      const: { type: 'integer', v: '9007199254740993' },
    })
  })
})

describe('timestamps compile to UTC ISO-8601 with microseconds', () => {
  const compiled = (value: Date | bigint | string) =>
    deleteWhere(batch(), (t) => lt(t.updated_at, value)).compile().actions[0]!.condition
  const v = (value: Date | bigint | string) => (compiled(value) as { const: { v: string } }).const.v

  it.each([
    [1_714_558_530_123_456n, '2024-05-01T10:15:30.123456Z'],
    [0n, '1970-01-01T00:00:00.000000Z'],
    [-1n, '1969-12-31T23:59:59.999999Z'],
    [-1_500_000n, '1969-12-31T23:59:58.500000Z'],
    ['2024-05-01T10:15:30.123456+02:00', '2024-05-01T08:15:30.123456Z'],
    ['2024-01-01T01:00:00+0200', '2023-12-31T23:00:00.000000Z'],
    ['2024-01-01T00:00:00-05:30', '2024-01-01T05:30:00.000000Z'],
    ['2024-05-01 10:15:30.5z', '2024-05-01T10:15:30.500000Z'],
    ['2024-05-01T10:15:30,000001Z', '2024-05-01T10:15:30.000001Z'],
    ['2024-05-01T10:15:30.123456000Z', '2024-05-01T10:15:30.123456Z'],
    ['1969-07-20T20:17:40.000001Z', '1969-07-20T20:17:40.000001Z'],
    [new Date('2024-05-01T10:15:30.123Z'), '2024-05-01T10:15:30.123000Z'],
    [new Date('1960-01-01T00:00:00.001Z'), '1960-01-01T00:00:00.001000Z'],
  ])('%s → %s', (input, expected) => {
    expect(v(input)).toBe(expected)
    expect(compiled(input)).toEqual({ op: 'lt', 'target-col': 'updated_at', const: { type: 'datetime', v: expected } })
  })

  it('refuses to drop sub-microsecond digits', () => {
    const e = thrown(() => v('2024-05-01T10:15:30.1234567Z'))
    expectActionError(e, 0, 'delete', 'where', 'not a valid timestamp')
  })
})

describe('source and condition rules at compile()', () => {
  it('insert/update/upsert/replace need a source table', () => {
    for (const kind of ['insert', 'replace'] as const) {
      const e = thrown(() =>
        oneOk()
          [kind]({ target: orders } as never)
          .compile(),
      )
      expectActionError(e, 1, kind, 'source', `${kind} needs a source table`)
    }
    for (const kind of ['update', 'upsert'] as const) {
      const e = thrown(() =>
        oneOk()
          [kind]({ target: orders, where: (t: never) => t } as never)
          .compile(),
      )
      expect(e.code).toBe('ACTION_INVALID')
      expect(e.details).toMatchObject({ actionIndex: 1, action: kind })
    }
    const e = thrown(() => batch().update({ target: orders, on: ['id'] } as never))
    expectActionError(e, 0, 'update', 'source', 'needs a source table')
  })

  it('update/upsert/delete need a condition (on or where)', () => {
    for (const kind of ['update', 'upsert'] as const) {
      const e = thrown(() =>
        oneOk()
          [kind]({ source: changes, target: orders } as never)
          .compile(),
      )
      expectActionError(e, 1, kind, 'condition', `${kind} needs "on" keys or a "where" condition`)
    }
    const e = thrown(() =>
      oneOk()
        .delete({ target: orders } as never)
        .compile(),
    )
    expectActionError(e, 1, 'delete', 'condition', 'delete needs "on" keys or a "where" condition')
  })

  it('on and where together are refused', () => {
    const e = thrown(() =>
      batch().upsert({ source: changes, target: orders, on: ['id'], where: () => undefined } as never),
    )
    expectActionError(e, 0, 'upsert', 'on', 'either "on" or "where"')
  })

  it('on keys must exist in both tables', () => {
    const narrow = orders.pick('id', 'customer').as('narrow')
    let e = thrown(() => batch().update({ source: narrow, target: orders, on: ['qty'] as never }))
    expectActionError(e, 0, 'update', 'on', 'source table narrow has no column "qty"')
    e = thrown(() => oneOk().upsert({ source: changes, target: customers, on: ['customer'] as never }))
    expectActionError(e, 1, 'upsert', 'on', 'target table Customers has no column "customer"')
    e = thrown(() => batch().upsert({ source: changes, target: orders, on: ['toString'] as never }))
    expectActionError(e, 0, 'upsert', 'on', 'has no column "toString"')
    e = thrown(() => batch().upsert({ source: changes, target: orders, on: [] as never }))
    expectActionError(e, 0, 'upsert', 'on', 'at least one key column')
  })

  it('on keys of incompatible kinds are refused', () => {
    const textIds = defineTable({ name: 'changes' }, { id: text() })
    const e = thrown(() => batch().update({ source: textIds, target: customers, on: ['id'] as never }))
    expectActionError(e, 0, 'update', 'on', 'int64 cannot be compared with text')
  })

  it('where callbacks that throw are wrapped with the action index', () => {
    const e = thrown(() =>
      oneOk().delete({
        target: orders,
        where: () => {
          throw new TypeError('boom')
        },
      }),
    )
    expectActionError(e, 1, 'delete', 'where', 'boom')
    expect(e.cause).toBeInstanceOf(TypeError)
  })

  it('a delete without source cannot use source columns', () => {
    const e = thrown(() =>
      batch().delete({
        target: orders,
        where: ((t: never, s: Record<string, never>) => eq(t, s.id as never)) as never,
      }),
    )
    expectActionError(e, 0, 'delete', 'where', 'takes a target column first')
  })
})

describe('column references', () => {
  it('a column from another target table is refused at compile()', () => {
    let foreign: ColumnRefs<typeof customers.columns, 'target'> | undefined
    batch().delete({
      target: customers,
      where: (t) => {
        foreign = t
        return eq(t.id, 1)
      },
    })
    const b = oneOk().delete({ target: orders, where: () => eq(foreign!.name, 'x') })
    const e = thrown(() => b.compile())
    expectActionError(
      e,
      1,
      'delete',
      'condition',
      'column "name" (from table Customers) is not a column of target table Extract',
    )
  })

  it('a source column from another source table is refused at compile()', () => {
    let foreign: ColumnRefs<typeof customers.columns, 'source'> | undefined
    batch().update({
      source: customers.as('other'),
      target: customers,
      where: (t, s) => {
        foreign = s
        return eq(t.id, s.id)
      },
    })
    const b = batch().update({ source: changes, target: orders, where: (t) => eq(t.id, foreign!.id) })
    expectActionError(
      thrown(() => b.compile()),
      0,
      'update',
      'condition',
      '(from table other) is not a column of source table changes',
    )
    const noSource = batch().delete({ target: orders, where: (t) => eq(t.id, foreign!.id) })
    expectActionError(
      thrown(() => noSource.compile()),
      0,
      'delete',
      'condition',
      'uses source column "id" but the action has no source table',
    )
  })

  it('comparisons take a target column first and a source column second', () => {
    let e = thrown(() =>
      batch().update({ source: changes, target: orders, where: (t, s) => eq(s.id as never, t.id as never) }),
    )
    expectActionError(e, 0, 'update', 'where', 'eq() takes a target column first')
    e = thrown(() => batch().update({ source: changes, target: orders, where: (t) => eq(t.id, t.id as never) }))
    expectActionError(e, 0, 'update', 'where', 'the second column must be a source column')
    e = thrown(() =>
      batch().update({ source: changes, target: orders, where: (t, s) => gt(t.day, s.customer as never) }),
    )
    expectActionError(e, 0, 'update', 'where', 'gt(day, customer): date cannot be compared with text')
  })

  it('int32 and int64 columns compare with each other', () => {
    const wire = batch()
      .update({ source: changes, target: orders, where: (t, s) => and(eq(t.id, s.qty), eq(t.qty, s.id)) })
      .compile()
    expect(wire.actions[0]!.condition).toEqual({
      op: 'and',
      args: [
        { op: 'eq', 'target-col': 'id', 'source-col': 'qty' },
        { op: 'eq', 'target-col': 'qty', 'source-col': 'id' },
      ],
    })
  })
})

describe('source/target column compatibility', () => {
  it('delete with a source holding extra columns is refused; pick() fixes it', () => {
    let e = thrown(() =>
      batch()
        .delete({ source: changes, target: orders, on: ['id'] })
        .compile(),
    )
    expectActionError(e, 0, 'delete', 'source', 'may hold only the columns its condition uses')
    expect(e.message).toContain('"customer"')
    expect(e.message).toContain('table.pick(...)')
    const gone = orders.pick('id').as('gone')
    expect(
      batch()
        .delete({ source: gone, target: orders, on: ['id'] })
        .compile().actions[0],
    ).toEqual({
      action: 'delete',
      'source-schema': 'Extract',
      'source-table': 'gone',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    })
    e = thrown(() =>
      batch()
        .delete({ source: gone, target: orders, where: (t, _s) => eq(t.id, 1) })
        .compile(),
    )
    expectActionError(e, 0, 'delete', 'source', 'the condition uses no column of source table gone')
  })

  it('a source column missing from the target is refused for insert (but allowed when update/upsert match on it)', () => {
    const wider = defineTable({ name: 'changes' }, { id: int64(), name: text(), batch_id: int64() })
    let e = thrown(() => oneOk().insert({ source: wider, target: customers }).compile())
    expectActionError(e, 1, 'insert', 'source', 'source column "batch_id" does not exist in target table Customers')
    e = thrown(() =>
      batch()
        .upsert({ source: wider, target: customers, on: ['id'] })
        .compile(),
    )
    expectActionError(e, 0, 'upsert', 'source', '"batch_id" does not exist')
    const matchOnIt = defineTable({ name: 'changes' }, { update_id: int64(), name: text() })
    expect(() =>
      batch()
        .update({ source: matchOnIt, target: customers, where: (t, s) => eq(t.id, s.update_id) })
        .compile(),
    ).not.toThrow()
  })

  it('a source column of another kind is refused', () => {
    const wrong = defineTable({ name: 'changes' }, { id: int64(), name: int64() })
    const e = thrown(() =>
      batch()
        .upsert({ source: wrong, target: customers, on: ['id'] })
        .compile(),
    )
    expectActionError(e, 0, 'upsert', 'source', 'source column "name" is int64 but the target column is text')
  })

  it('a nullable source column into a non-nullable target column is refused', () => {
    const loose = defineTable({ name: 'changes' }, { id: int64(), name: text({ nullable: true }) })
    const e = thrown(() =>
      batch()
        .update({ source: loose, target: customers, on: ['id'] })
        .compile(),
    )
    expectActionError(e, 0, 'update', 'source', 'source column "name" is nullable but the target column is not')
  })

  it('insert/upsert need every non-nullable target column; update does not', () => {
    const partial = orders.pick('id', 'customer').as('partial')
    const e = thrown(() =>
      batch()
        .upsert({ source: partial, target: orders, on: ['id'] })
        .compile(),
    )
    expectActionError(e, 0, 'upsert', 'source', 'non-nullable target column(s) "qty", "day", "updated_at" missing')
    expect(() =>
      batch()
        .update({ source: partial, target: orders, on: ['id'] })
        .compile(),
    ).not.toThrow()
  })

  it('replace needs the same columns and kinds', () => {
    let e = thrown(() =>
      batch()
        .replace({ source: orders.pick('id', 'customer'), target: orders })
        .compile(),
    )
    expectActionError(e, 0, 'replace', 'source', 'replace needs every target column; source lacks "qty"')
    const retyped = defineTable({ name: 'changes' }, { id: int64(), name: float64() })
    e = thrown(() => batch().replace({ source: retyped, target: customers }).compile())
    expectActionError(e, 0, 'replace', 'source', '"name" is float64 but the target column is text')
    expect(
      batch()
        .replace({ source: customers.as('all'), target: customers })
        .compile().actions,
    ).toHaveLength(1)
  })
})

describe('immutability', () => {
  it('a batch is reusable: adding returns a new batch and leaves the original alone', () => {
    const base = batch().upsert({ source: changes, target: orders, on: ['id'] })
    const before = JSON.stringify(base.compile())
    const longer = base.delete({ target: orders, where: (t) => lt(t.updated_at, '2020-01-01T00:00:00Z') })
    const other = base.insert({ source: changes, target: orders })
    expect(base.actions).toHaveLength(1)
    expect(longer.actions).toHaveLength(2)
    expect(other.actions.map((a) => a.kind)).toEqual(['upsert', 'insert'])
    expect(JSON.stringify(base.compile())).toBe(before)
    expect(longer.actions[0]).toBe(base.actions[0])
  })

  it('compile() returns a fresh object each time', () => {
    const b = batch().insert({ source: changes, target: orders })
    const first = b.compile()
    first.actions.pop()
    expect(b.compile().actions).toHaveLength(1)
  })

  it('actions, nodes, conditions, refs, tables and column types are frozen', () => {
    const b = batch().update({
      source: changes,
      target: orders,
      where: (t, s) => and(eq(t.id, s.id), not(gt(t.qty, 1))),
    })
    const node = b.actions[0]!
    const cond = node.condition as Junction
    const objects: unknown[] = [
      b.actions,
      node,
      cond,
      cond.args,
      cond.args[0],
      (cond.args[0] as Comparison).target,
      (cond.args[1] as Negation).arg,
      orders,
      orders.columns,
      orders.columnNames,
      orders.columns.id,
    ]
    for (const o of objects) expect(Object.isFrozen(o)).toBe(true)
    expect(() => (b.actions as unknown as ActionList).push(node)).toThrow(TypeError)
    expect(() => {
      ;(node as { kind: string }).kind = 'delete'
    }).toThrow(TypeError)
    expect(b.compile().actions[0]!.action).toBe('update')
  })
})

type ActionList = { push(x: unknown): void }
