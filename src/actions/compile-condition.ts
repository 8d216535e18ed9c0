import type { Condition } from './conditions.js'
import { encodeConst } from './wire-constants.js'
import type { WireCondition } from './wire-schema.js'
import type { ComparisonOp } from './wire-vocabulary.js'

/** not(op) for each comparison; exact under SQL three-valued logic (NULL stays NULL). */
const NEGATED: Record<Exclude<ComparisonOp, 'eq'>, ComparisonOp> = { gt: 'lte', gte: 'lt', lt: 'gte', lte: 'gt' }

/**
 * The one visitor that spells conditions on the wire. Negations are pushed down to the leaves
 * (De Morgan), so only confirmed operators are sent; `not(eq)` becomes `or(lt, gt)`.
 */
export function compileCondition(condition: Condition, negated = false): WireCondition {
  switch (condition.kind) {
    case 'not':
      return compileCondition(condition.arg, !negated)
    case 'and':
    case 'or': {
      const op = negated ? (condition.kind === 'and' ? 'or' : 'and') : condition.kind
      return { op, args: condition.args.map((arg) => compileCondition(arg, negated)) }
    }
    case 'compare': {
      if (negated && condition.op === 'eq') {
        return {
          op: 'or',
          args: [compileCondition({ ...condition, op: 'lt' }), compileCondition({ ...condition, op: 'gt' })],
        }
      }
      const op = negated ? NEGATED[condition.op as Exclude<ComparisonOp, 'eq'>] : condition.op
      const { operand } = condition
      return operand.kind === 'column'
        ? { op, 'target-col': condition.target.name, 'source-col': operand.name }
        : { op, 'target-col': condition.target.name, const: encodeConst(operand.type.kind, operand.value) }
    }
  }
}
