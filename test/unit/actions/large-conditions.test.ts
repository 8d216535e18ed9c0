// Conditions over thousands of terms (an id list folded with reduce, left- or right-deep, nested
// through not()) compile to one flat junction without recursion; alternating and/or deeper than
// MAX_CONDITION_DEPTH is refused with CONDITION_TOO_DEEP, and wire JSON nested arbitrarily deep is
// flattened or refused with WIRE_INVALID, never a RangeError.
import { describe, expect, it } from 'vitest'
import { MAX_CONDITION_DEPTH } from '../../../src/actions/compile-condition.js'
import {
  and,
  batch,
  type ColumnRefs,
  type Condition,
  defineTable,
  eq,
  gt,
  int64,
  isHyperdeltaError,
  ne,
  not,
  or,
  text,
} from '../../../src/index.js'
import { parseActions, type WireCondition } from '../../../src/wire.js'

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })

type Refs = ColumnRefs<(typeof orders)['columns'], 'target'>

function compiledWhere(where: (t: Refs) => Condition): WireCondition {
  return batch().delete({ target: orders, where }).compile().actions[0]!.condition!
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i))
const leaf = (i: number) => ({ op: 'eq', 'target-col': 'id', const: { type: 'integer', v: String(i) } })

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

describe('large conditions compile flat', () => {
  it.each([10_000, 100_000])(
    '%i ids folded left-deep and right-deep compile to one flat or, in order',
    (n) => {
      const left = compiledWhere((t) =>
        ids(n)
          .map((id) => eq(t.id, id))
          .reduce((a, b) => or(a, b)),
      )
      const right = compiledWhere((t) =>
        ids(n)
          .map((id) => eq(t.id, id))
          .reduceRight((acc, c) => or(c, acc)),
      )
      for (const wire of [left, right]) {
        expect(wire).toMatchObject({ op: 'or' })
        const args = (wire as { args: WireCondition[] }).args
        expect(args).toHaveLength(n)
        expect(args[0]).toEqual(leaf(0))
        expect(args[n - 1]).toEqual(leaf(n - 1))
      }
      expect(right).toEqual(left)
    },
    60_000,
  )

  it('flattens through not(): not(and(ne, ne, …)) is one flat or of eqs; a ne inside an or joins it', () => {
    const wire = compiledWhere((t) =>
      not(
        ids(10_000)
          .map((id) => ne(t.id, id))
          .reduce((a, b) => and(a, b)),
      ),
    )
    expect((wire as { args: unknown[] }).args).toHaveLength(10_000)
    expect((wire as { args: unknown[] }).args[9_999]).toEqual(leaf(9_999))
    const mixed = compiledWhere((t) => or(eq(t.id, 1n), ne(t.id, 5n)))
    expect(mixed).toEqual({
      op: 'or',
      args: [leaf(1), { ...leaf(5), op: 'lt' }, { ...leaf(5), op: 'gt' }],
    })
  })

  it('keeps alternating nesting, and refuses more than MAX_CONDITION_DEPTH levels with CONDITION_TOO_DEEP', () => {
    const alternating = (levels: number) => (t: Refs) => {
      let c: Condition = eq(t.id, 0n)
      for (let i = 1; i < levels; i++) c = i % 2 ? and(c, gt(t.id, BigInt(i))) : or(c, gt(t.id, BigInt(i)))
      return c
    }
    // levels-1 junctions, alternating: exactly the limit compiles.
    expect(() => compiledWhere(alternating(MAX_CONDITION_DEPTH + 1))).not.toThrow()
    for (const levels of [MAX_CONDITION_DEPTH + 2, 50_000]) {
      const e = thrown(() => compiledWhere(alternating(levels)))
      expect(isHyperdeltaError(e, 'CONDITION_TOO_DEEP')).toBe(true)
      expect((e as Error).message).toMatch(/actions\[0\] \(delete\).*more than 100 levels deep/)
      expect((e as { details: { limit: number } }).details.limit).toBe(MAX_CONDITION_DEPTH)
    }
  })
})

describe('parseActions: wire conditions of any depth', () => {
  const deepOr = (n: number, op: (i: number) => string = () => 'or') => {
    let s = ''
    for (let i = 0; i < n; i++) s += `{"op":"${op(i)}","args":[${JSON.stringify(leaf(i))},`
    s += JSON.stringify(leaf(-1))
    for (let i = 0; i < n; i++) s += ']}'
    return `{"actions":[{"action":"delete","target-table":"Extract","condition":${s}}]}`
  }

  it.each([10_000, 100_000])(
    'a right-deep or nested %i levels is flattened in order',
    (n) => {
      const condition = parseActions(deepOr(n)).actions[0]!.condition as { op: string; args: WireCondition[] }
      expect(condition.op).toBe('or')
      expect(condition.args).toHaveLength(n + 1)
      expect(condition.args[0]).toEqual(leaf(0))
      expect(condition.args[n]).toEqual(leaf(-1))
    },
    60_000,
  )

  it('shallow conditions are kept exactly as sent (error paths stay exact)', () => {
    const wire = parseActions(deepOr(3)).actions[0]!.condition as { args: WireCondition[] }
    expect(wire.args[1]).toMatchObject({ op: 'or' })
    const e = thrown(() => parseActions(deepOr(3).replace('"v":"2"', '"v":"x"')))
    expect((e as { details: { path: string } }).details.path).toBe(
      'actions[0].condition.args[1].args[1].args[0].const.v',
    )
  })

  it('alternating and/or deeper than the limit is WIRE_INVALID naming the limit', () => {
    const e = thrown(() => parseActions(deepOr(20_000, (i) => (i % 2 ? 'and' : 'or'))))
    expect(isHyperdeltaError(e, 'WIRE_INVALID')).toBe(true)
    expect((e as Error).message).toMatch(
      /actions\[0\]\.condition: and\/or junctions nest 20000 levels deep .*the limit is 100/,
    )
  })
})
