import { describe, expect, it } from 'vitest'
import { defineTable, HyperdeltaError, int64, text, timestamp } from '../../../src/index.js'

function tableError(fn: () => unknown): HyperdeltaError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(HyperdeltaError)
    expect((e as HyperdeltaError).code).toBe('TABLE_INVALID')
    expect((e as HyperdeltaError).message).toMatch(/^table: /)
    return e as HyperdeltaError
  }
  throw new Error('expected TABLE_INVALID')
}

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), customer: text(), at: timestamp() })

describe('defineTable', () => {
  it('keeps name, schema, declaration order and frozen column types', () => {
    expect(orders.kind).toBe('table')
    expect(orders.schema).toBe('Extract')
    expect(orders.name).toBe('Extract')
    expect(orders.columnNames).toEqual(['id', 'customer', 'at'])
    expect(orders.columns.id).toEqual({ kind: 'int64', nullable: false, allowNonFinite: false })
    expect(Object.isFrozen(orders)).toBe(true)
    expect(defineTable({ name: 'x' }, { a: text() }).schema).toBeUndefined()
  })

  it('as() renames and keeps the schema unless given; pick() keeps the chosen columns in the given order', () => {
    const changes = orders.as('changes')
    expect([changes.schema, changes.name, changes.columnNames]).toEqual([
      'Extract',
      'changes',
      ['id', 'customer', 'at'],
    ])
    expect(orders.as('c', 'Staging').schema).toBe('Staging')
    const keys = orders.pick('at', 'id')
    expect([keys.schema, keys.name, keys.columnNames]).toEqual(['Extract', 'Extract', ['at', 'id']])
    expect(orders.columnNames).toHaveLength(3)
  })

  it.each([
    ['an empty name', () => defineTable({ name: '' }, { a: text() }), 'name must be a non-empty string'],
    [
      'an empty schema',
      () => defineTable({ schema: '', name: 't' }, { a: text() }),
      'schema must be a non-empty string',
    ],
    ['no columns', () => defineTable({ name: 't' }, {}), 't needs at least one column'],
    ['an empty column name', () => defineTable({ name: 't' }, { '': text() }), 't has an empty column name'],
    ['a non-column value', () => defineTable({ name: 't' }, { a: 'text' as never }), 't.a is not a column type'],
    [
      'a column of unknown kind',
      () => defineTable({ name: 't' }, { a: { kind: 'uuid' } as never }),
      't.a is not a column type',
    ],
    ['pick of an unknown column', () => orders.pick('nope' as never), 'Extract has no column "nope"'],
    ['pick of an inherited property', () => orders.pick('toString' as never), 'has no column "toString"'],
  ])('rejects %s with TABLE_INVALID', (_why, fn, fragment) => {
    expect(tableError(fn).message).toContain(fragment)
  })

  it('names the table and column in details', () => {
    expect(tableError(() => orders.pick('nope' as never)).details).toEqual({ table: 'Extract', column: 'nope' })
    expect(tableError(() => defineTable({ name: 't' }, { a: 1 as never })).details).toEqual({ table: 't', column: 'a' })
  })
})
