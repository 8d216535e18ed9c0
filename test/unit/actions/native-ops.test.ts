import { describe, expect, it } from 'vitest'
import { batch } from '../../../src/actions/batch.js'
import { and, eq, gt, ne, not } from '../../../src/actions/conditions.js'
import { parseActions } from '../../../src/actions/parse-actions.js'
import { defineTable, int64, text } from '../../../src/index.js'

// The unconfirmed `ne` / `not` operators: refused unless allowed (what a probe confirmed), emitted by the
// compiler only when allowed, and the confirmed forms otherwise.
const t = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), label: text() })
const T = { 'target-schema': 'Extract', 'target-table': 'Extract' }
const cmp = (op: string, col = 'id', v = '1') => ({ op, 'target-col': col, const: { type: 'integer', v } })
const del = (condition: unknown) => ({ actions: [{ action: 'delete', ...T, condition }] })

describe('native ne / not', () => {
  it('parseActions refuses them by default, naming the path, and accepts each only when allowed', () => {
    const nested = del({ op: 'and', args: [cmp('eq'), { op: 'not', args: [cmp('ne', 'id', '2')] }] })
    expect(() => parseActions(nested)).toThrow(/actions\[0\]\.condition\.args\[1\]\.op: "not" is unconfirmed/)
    expect(() => parseActions(nested, { nativeOps: ['not'] })).toThrow(/args\[1\]\.args\[0\]\.op: "ne" is unconfirmed/)
    expect(parseActions(nested, { nativeOps: ['ne', 'not'] })).toEqual(nested)
    let error: unknown
    try {
      parseActions(del(cmp('ne')))
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'WIRE_INVALID', details: { path: 'actions[0].condition.op' } })
  })

  it('`not` takes exactly one condition', () => {
    expect(() => parseActions(del({ op: 'not', args: [cmp('eq'), cmp('eq')] }), { nativeOps: ['not'] })).toThrow(
      /exactly one condition/,
    )
  })

  it('not(not(x)) is never flattened into not(x), however deep', () => {
    let c: unknown = cmp('eq')
    for (let i = 0; i < 150; i++) c = { op: 'not', args: [c] }
    // 150 levels of `not` cannot be flattened: refused as too deep, not silently changed.
    expect(() => parseActions(del(c), { nativeOps: ['not'] })).toThrow(/nest 150 levels/)
  })

  it('compile: ne() and not() in confirmed operators by default, native where allowed', () => {
    const b = batch().delete({ target: t, where: (c) => and(ne(c.id, 1n), not(gt(c.id, 5n)), not(eq(c.label, 'x'))) })
    const plain = b.compile().actions[0]!.condition
    expect(JSON.stringify(plain)).not.toMatch(/"(ne|not)"/)
    expect(plain).toMatchObject({ op: 'and', args: [{ op: 'or' }, { op: 'lte' }, { op: 'or' }] })
    const withNe = b.compile({ nativeOps: ['ne'] }).actions[0]!.condition
    expect(withNe).toMatchObject({
      op: 'and',
      args: [{ op: 'ne' }, { op: 'lte' }, { op: 'ne', 'target-col': 'label' }],
    })
    const withBoth = b.compile({ nativeOps: ['ne', 'not'] }).actions[0]!.condition
    expect(withBoth).toMatchObject({
      op: 'and',
      args: [{ op: 'ne' }, { op: 'not', args: [{ op: 'gt' }] }, { op: 'ne' }],
    })
    const withNot = b.compile({ nativeOps: ['not'] }).actions[0]!.condition
    expect(withNot).toMatchObject({
      op: 'and',
      args: [{ op: 'not', args: [{ op: 'eq' }] }, { op: 'not' }, { op: 'not' }],
    })
  })
})
