import { formatMicrosIso, parseIsoTimestampMicros, type WireCondition, type WireConst } from '../wire.js'
import { ident, literal } from './store.js'

/** Column lookups the visitor needs: DuckDB type names by column, per side. */
export interface ConditionScope {
  /** Target column type (e.g. `DATE`, `BIGINT`), undefined when the column does not exist. */
  targetType(column: string): string | undefined
  /** Source column type, undefined when it does not exist or the action has no source. */
  sourceType(column: string): string | undefined
}

/** A column named by a condition that does not exist; the job fails with a note naming it. */
export class MissingColumn extends Error {
  constructor(
    readonly side: 'target' | 'source',
    readonly column: string,
  ) {
    super(`${side} column "${column}" does not exist`)
  }
}

const SQL_OP = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/** The const as a SQL expression typed for the target column it is compared with. */
function constSql(c: WireConst, targetType: string): string {
  const isDate = targetType === 'DATE'
  switch (c.type) {
    case 'integer':
      return `CAST(${literal(c.v)} AS BIGINT)`
    case 'double':
      return `CAST(${literal(c.v)} AS DOUBLE)`
    case 'boolean':
      return c.v === 'true' ? 'TRUE' : 'FALSE'
    case 'datetime': {
      // Validated by the wire schema; normalised to UTC so the cast does not depend on a time zone.
      const micros = parseIsoTimestampMicros(c.v)!
      const instant = `CAST(${literal(formatMicrosIso(micros))} AS TIMESTAMPTZ)`
      return isDate ? `CAST(${instant} AS DATE)` : instant
    }
    case 'string':
      // A DATE column compared with a string const casts the const (spec §7.3.2, INFERRED);
      // other types rely on DuckDB's implicit cast of a string literal to the column type.
      return isDate ? `CAST(${literal(c.v)} AS DATE)` : literal(c.v)
  }
}

/**
 * The one visitor from wire conditions to SQL. Target columns are `t."col"`, source columns
 * `s."col"`; comparisons follow SQL three-valued logic, so NULL never matches.
 */
export function conditionSql(condition: WireCondition, scope: ConditionScope): string {
  if ('args' in condition) {
    const joiner = condition.op === 'and' ? ' AND ' : ' OR '
    return `(${condition.args.map((a) => conditionSql(a, scope)).join(joiner)})`
  }
  const target = condition['target-col']
  const targetType = scope.targetType(target)
  if (targetType === undefined) throw new MissingColumn('target', target)
  const left = `t.${ident(target)}`
  let right: string
  if (condition['source-col'] !== undefined) {
    const source = condition['source-col']
    if (scope.sourceType(source) === undefined) throw new MissingColumn('source', source)
    right = `s.${ident(source)}`
  } else {
    right = constSql(condition.const!, targetType)
  }
  return `(${left} ${SQL_OP[condition.op]} ${right})`
}

/** Source columns a condition uses (for delete's "only key columns" rule and update's SET list). */
export function sourceColumnsOf(condition: WireCondition): Set<string> {
  const out = new Set<string>()
  const visit = (c: WireCondition): void => {
    if ('args' in c) c.args.forEach(visit)
    else if (c['source-col'] !== undefined) out.add(c['source-col'])
  }
  visit(condition)
  return out
}
