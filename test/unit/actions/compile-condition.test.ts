// not()/ne() are compiled into confirmed operators only (De Morgan, negated comparisons). This checks
// that the rewrite is exact under SQL three-valued logic, by evaluating random condition trees
// before and after compilation on rows that include NULLs.
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../../../src/actions/compile-condition.js'
import {
  and,
  batch,
  type ColumnRefs,
  type Condition,
  defineTable,
  eq,
  gt,
  gte,
  int64,
  lt,
  lte,
  ne,
  not,
  or,
} from '../../../src/index.js'
import type { WireCondition } from '../../../src/wire.js'

type Tri = boolean | null
type Row = Record<string, number | null>

const table = defineTable({ name: 't' }, { a: int64({ nullable: true }), b: int64({ nullable: true }) })
let refs!: ColumnRefs<typeof table.columns, 'target'>
batch().delete({
  target: table,
  where: (t) => {
    refs = t
    return eq(t.a, 0)
  },
})

const triNot = (x: Tri): Tri => (x === null ? null : !x)
const triAnd = (xs: Tri[]): Tri => (xs.includes(false) ? false : xs.includes(null) ? null : true)
const triOr = (xs: Tri[]): Tri => (xs.includes(true) ? true : xs.includes(null) ? null : false)
const cmp = (op: string, x: number | null, y: number): Tri => {
  if (x === null) return null
  return op === 'eq' ? x === y : op === 'gt' ? x > y : op === 'gte' ? x >= y : op === 'lt' ? x < y : x <= y
}

/** SQL semantics of the typed tree (with not). */
function evalTyped(c: Condition, row: Row): Tri {
  switch (c.kind) {
    case 'not':
      return triNot(evalTyped(c.arg, row))
    case 'and':
      return triAnd(c.args.map((a) => evalTyped(a, row)))
    case 'or':
      return triOr(c.args.map((a) => evalTyped(a, row)))
    case 'compare':
      return cmp(c.op, row[c.target.name]!, Number(c.operand.kind === 'const' ? c.operand.value : Number.NaN))
  }
}

/** SQL semantics of the wire tree (what the server evaluates). */
function evalWire(c: WireCondition, row: Row): Tri {
  if ('args' in c) return (c.op === 'and' ? triAnd : triOr)(c.args.map((a) => evalWire(a, row)))
  return cmp(c.op, row[c['target-col']]!, Number(c.const!.v))
}

function opsOf(c: WireCondition): string[] {
  return 'args' in c ? [c.op, ...c.args.flatMap(opsOf)] : [c.op]
}

/** Deterministic PRNG so a failure is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

function randomCondition(next: () => number, depth: number): Condition {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!
  if (depth === 0 || next() < 0.3) {
    const col = pick([refs.a, refs.b])
    const helper = pick([eq, ne, gt, gte, lt, lte])
    return helper(col, pick([0, 1, 2]))
  }
  const n = 1 + Math.floor(next() * 3)
  const args = Array.from({ length: n }, () => randomCondition(next, depth - 1))
  const kind = pick(['and', 'or', 'not'] as const)
  return kind === 'not' ? not(args[0]!) : kind === 'and' ? and(...args) : or(...args)
}

const VALUES = [null, 0, 1, 2, 3]
const ROWS: Row[] = VALUES.flatMap((a) => VALUES.map((b) => ({ a, b })))

describe('compileCondition', () => {
  it('negates each comparison into its complement and not(eq) into or(lt, gt)', () => {
    expect(compileCondition(not(gt(refs.a, 1)))).toMatchObject({ op: 'lte' })
    expect(compileCondition(not(gte(refs.a, 1)))).toMatchObject({ op: 'lt' })
    expect(compileCondition(not(lt(refs.a, 1)))).toMatchObject({ op: 'gte' })
    expect(compileCondition(not(lte(refs.a, 1)))).toMatchObject({ op: 'gt' })
    expect(opsOf(compileCondition(not(eq(refs.a, 1))))).toEqual(['or', 'lt', 'gt'])
    expect(opsOf(compileCondition(ne(refs.a, 1)))).toEqual(['or', 'lt', 'gt'])
    expect(compileCondition(not(not(eq(refs.a, 1))))).toEqual(compileCondition(eq(refs.a, 1)))
    expect(opsOf(compileCondition(not(and(eq(refs.a, 1), lt(refs.b, 2)))))).toEqual(['or', 'lt', 'gt', 'gte'])
  })

  it('is exact under three-valued logic for 500 random trees on rows with NULLs, and sends only confirmed ops', () => {
    const next = rng(20_240_501)
    for (let i = 0; i < 500; i++) {
      const condition = randomCondition(next, 4)
      const wire = compileCondition(condition)
      for (const op of opsOf(wire)) expect(['eq', 'gt', 'gte', 'lt', 'lte', 'and', 'or']).toContain(op)
      for (const row of ROWS) {
        const expected = evalTyped(condition, row)
        const actual = evalWire(wire, row)
        if (actual !== expected) {
          throw new Error(`tree ${i}, row ${JSON.stringify(row)}: ${expected} vs ${actual}\n${JSON.stringify(wire)}`)
        }
      }
    }
  })

  it('a NULL target matches neither eq nor ne (SQL semantics kept)', () => {
    const row = { a: null, b: 0 }
    expect(evalWire(compileCondition(eq(refs.a, 1)), row)).toBeNull()
    expect(evalWire(compileCondition(ne(refs.a, 1)), row)).toBeNull()
  })
})
