import { JUNCTION_OPS, MAX_CONDITION_DEPTH } from '../model/wire-vocabulary.js'

// Wire conditions arrive from anywhere (files, other tools, a left-deep `or` nested 100,000 levels).
// Before the recursive validator sees one, its depth is measured without recursion and, when too
// deep, same-operator junctions are flattened (exact: and/or are associative); whatever is still
// deeper than MAX_CONDITION_DEPTH is refused by the caller.

type Junction = { op: string; args: unknown[] }

function isJunction(value: unknown): value is Junction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const v = value as Record<string, unknown>
  return (v['op'] === 'not' || (JUNCTION_OPS as readonly unknown[]).includes(v['op'])) && Array.isArray(v['args'])
}

/** Nesting depth of and/or junctions (a lone comparison is 0), measured iteratively. */
export function wireConditionDepth(condition: unknown): number {
  let max = 0
  const stack: [unknown, number][] = [[condition, 0]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item
    if (!isJunction(node)) continue
    max = Math.max(max, depth + 1)
    for (const arg of node.args) stack.push([arg, depth + 1])
  }
  return max
}

/** Only plain `{ op, args }` objects are merged, so every other key is left for the validator to report. */
function mergeable(value: unknown, op: string): value is Junction {
  // `not` is no associative junction: not(not(a)) is a, never not(a).
  return op !== 'not' && isJunction(value) && value.op === op && Object.keys(value).length === 2
}

/** A copy with same-operator junctions merged into their parent (`or(or(a, b), c)` → `or(a, b, c)`). */
export function flattenWireCondition(condition: unknown): unknown {
  if (!isJunction(condition)) return condition
  const root: Junction = { ...condition, args: [] }
  // Each entry: a source junction whose args still have to be placed into `into`.
  const work: { from: Junction; into: unknown[] }[] = [{ from: condition, into: root.args }]
  for (let w = work.pop(); w !== undefined; w = work.pop()) {
    const pending: unknown[] = [...w.from.args].reverse()
    for (let arg = pending.pop(); arg !== undefined || pending.length > 0; arg = pending.pop()) {
      if (mergeable(arg, w.from.op)) {
        for (let i = arg.args.length - 1; i >= 0; i--) pending.push(arg.args[i])
      } else if (isJunction(arg)) {
        const copy: Junction = { ...arg, args: [] }
        w.into.push(copy)
        work.push({ from: arg, into: copy.args })
      } else {
        w.into.push(arg)
      }
    }
  }
  return root
}

/** The condition ready for validation: unchanged when shallow enough, else flattened; with its depth. */
export function boundWireCondition(condition: unknown): { condition: unknown; depth: number } {
  const depth = wireConditionDepth(condition)
  if (depth <= MAX_CONDITION_DEPTH) return { condition, depth }
  const flat = flattenWireCondition(condition)
  return { condition: flat, depth: wireConditionDepth(flat) }
}
