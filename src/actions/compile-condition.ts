import { HyperdeltaError } from '../errors.js'
import { type ComparisonOp, MAX_CONDITION_DEPTH, type NativeOp } from '../model/wire-vocabulary.js'
import type { Condition } from './conditions.js'
import { encodeConst } from './wire-constants.js'
import type { WireCondition, WireJunction } from './wire-schema.js'

export { MAX_CONDITION_DEPTH }

/** not(op) for each comparison; exact under SQL three-valued logic (NULL stays NULL). */
const NEGATED: Record<Exclude<ComparisonOp, 'eq'>, ComparisonOp> = { gt: 'lte', gte: 'lt', lt: 'gte', lte: 'gt' }

export function conditionTooDeep(depth: number): HyperdeltaError {
  return new HyperdeltaError(
    'CONDITION_TOO_DEEP',
    `condition: and/or junctions nest more than ${MAX_CONDITION_DEPTH} levels deep (after flattening same-operator junctions, ${depth} levels were reached); rewrite it with fewer alternating and/or levels`,
    { details: { limit: MAX_CONDITION_DEPTH, depth } },
  )
}

interface Work {
  readonly node: Condition
  readonly negated: boolean
  /** The args array (or the one-slot root) the node's wire form goes into. */
  readonly into: WireCondition[]
  /** The junction op owning `into`; a same-op junction or `ne` pair is flattened into it. */
  readonly parentOp: 'and' | 'or' | 'not' | undefined
  readonly depth: number
}

function comparison(condition: Extract<Condition, { kind: 'compare' }>, op: ComparisonOp | 'ne'): WireCondition {
  const { operand } = condition
  return operand.kind === 'column'
    ? { op, 'target-col': condition.target.name, 'source-col': operand.name }
    : { op, 'target-col': condition.target.name, const: encodeConst(operand.type, operand.value) }
}

/**
 * The one visitor that spells conditions on the wire. Negations are pushed down to the leaves
 * (De Morgan), so only confirmed operators are sent; `not(eq)` becomes `or(lt, gt)`. Same-operator
 * junctions are flattened (`or(or(a, b), c)` → `or(a, b, c)`), so an id list folded with `reduce`,
 * left- or right-deep, compiles to one flat junction. Iterative: no depth of builder nesting can
 * overflow the stack.
 */
export function compileCondition(condition: Condition, nativeOps: readonly NativeOp[] = []): WireCondition {
  const nativeNe = nativeOps.includes('ne')
  const nativeNot = nativeOps.includes('not')
  const root: WireCondition[] = []
  // LIFO with children pushed in reverse: each args array is filled in the builder's order.
  const stack: Work[] = [{ node: condition, negated: false, into: root, parentOp: undefined, depth: 0 }]
  for (let work = stack.pop(); work !== undefined; work = stack.pop()) {
    let { node, negated } = work
    // ne() is not(eq): with native `ne` it is sent as `ne` even where `not` is native too.
    const isNe = node.kind === 'not' && node.arg.kind === 'compare' && node.arg.op === 'eq'
    if (nativeNot && node.kind === 'not' && !(nativeNe && isNe)) {
      // Sent as written (negated stays false throughout: every `not` becomes a junction of its own).
      const depth = work.depth + 1
      if (depth > MAX_CONDITION_DEPTH) throw conditionTooDeep(depth)
      const junction: WireJunction = { op: 'not', args: [] }
      work.into.push(junction)
      stack.push({ node: node.arg, negated: false, into: junction.args, parentOp: 'not', depth })
      continue
    }
    while (node.kind === 'not') {
      node = node.arg
      negated = !negated
    }
    if (node.kind === 'compare') {
      if (negated && node.op === 'eq' && nativeNe) {
        work.into.push(comparison(node, 'ne'))
      } else if (negated && node.op === 'eq') {
        const pair = [comparison(node, 'lt'), comparison(node, 'gt')]
        if (work.parentOp === 'or') work.into.push(...pair)
        else work.into.push({ op: 'or', args: pair })
      } else {
        work.into.push(comparison(node, negated ? NEGATED[node.op as Exclude<ComparisonOp, 'eq'>] : node.op))
      }
      continue
    }
    const op = negated ? (node.kind === 'and' ? 'or' : 'and') : node.kind
    let into = work.into
    let depth = work.depth
    if (op !== work.parentOp) {
      depth++
      if (depth > MAX_CONDITION_DEPTH) throw conditionTooDeep(depth)
      const junction: WireJunction = { op, args: [] }
      into.push(junction)
      into = junction.args
    }
    for (let i = node.args.length - 1; i >= 0; i--) {
      stack.push({ node: node.args[i]!, negated, into, parentOp: op, depth })
    }
  }
  return root[0]!
}
