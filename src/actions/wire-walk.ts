import type { WireCondition } from './wire-schema.js'

/** Every node of a wire condition, the junctions and their comparisons; iterative, so any nesting depth is fine. */
export function* wireConditionNodes(condition: WireCondition | undefined): Generator<WireCondition> {
  const stack: WireCondition[] = condition ? [condition] : []
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    yield next
    if ('args' in next) stack.push(...next.args)
  }
}
