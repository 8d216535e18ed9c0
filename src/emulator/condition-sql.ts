import {
  formatMicrosIso,
  parseIsoTimestampMicros,
  type WireComparison,
  type WireCondition,
  type WireConst,
} from '../index.js'
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

/**
 * Constants of one junction that compare the same column with the same operator are staged in a
 * temp table once there are at least this many, instead of being spelled one by one: DuckDB parses
 * and plans a boolean expression of many thousand terms very slowly (or not at all).
 */
export const STAGE_MIN_TERMS = 8
/**
 * Comparisons the emulator spells inline in one condition (those it cannot stage: source-column
 * comparisons and small groups). A PATCH over this limit is answered 400.
 */
export const MAX_INLINE_TERMS = 2000

/** A temp table of constants (one VARCHAR column `v`) the condition's SQL reads. */
export interface StagedConstants {
  readonly name: string
  readonly values: readonly string[]
}

const SQL_OP = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/** The const's value as text the SQL casts (datetimes normalised to UTC, so no time zone applies). */
function constText(c: WireConst): string {
  return c.type === 'datetime' ? formatMicrosIso(parseIsoTimestampMicros(c.v)!) : c.v
}

/** A const (its text given as the SQL expression `text`) typed for the target column it is compared with. */
function constSql(type: WireConst['type'], text: string, targetType: string, inline: boolean): string {
  const isDate = targetType === 'DATE'
  switch (type) {
    case 'integer':
      return `CAST(${text} AS BIGINT)`
    case 'double':
      return `CAST(${text} AS DOUBLE)`
    case 'boolean':
      return `CAST(${text} AS BOOLEAN)`
    case 'datetime': {
      const instant = `CAST(${text} AS TIMESTAMPTZ)`
      return isDate ? `CAST(${instant} AS DATE)` : instant
    }
    case 'string':
      // A DATE column compared with a string const casts the const (spec §7.3.2, INFERRED); other
      // types rely on DuckDB's cast of a string literal to the column type (spelled out when staged).
      if (isDate) return `CAST(${text} AS DATE)`
      return inline || targetType === 'VARCHAR' ? text : `CAST(${text} AS ${targetType})`
  }
}

type Part = { kind: 'inline'; condition: WireCondition } | { kind: 'staged'; group: WireComparison[] }

/** A junction's args with same-op junctions merged in (iteratively), in order. */
function flatArgs(op: 'and' | 'or', args: readonly WireCondition[]): WireCondition[] {
  const out: WireCondition[] = []
  const pending = [...args].reverse()
  for (let c = pending.pop(); c !== undefined; c = pending.pop()) {
    if ('args' in c && c.op === op) for (let i = c.args.length - 1; i >= 0; i--) pending.push(c.args[i]!)
    else out.push(c)
  }
  return out
}

/** Splits a junction into staged constant groups (at their first member's place) and inline terms. */
function junctionParts(op: 'and' | 'or', args: readonly WireCondition[]): Part[] {
  const flat = flatArgs(op, args)
  const groups = new Map<string, WireComparison[]>()
  for (const c of flat) {
    if ('args' in c || c.const === undefined) continue
    const key = JSON.stringify([c['target-col'], c.op, c.const.type])
    const group = groups.get(key)
    if (group) group.push(c)
    else groups.set(key, [c])
  }
  const parts: Part[] = []
  const placed = new Set<WireComparison[]>()
  for (const c of flat) {
    const group =
      'args' in c || c.const === undefined
        ? undefined
        : groups.get(JSON.stringify([c['target-col'], c.op, c.const.type]))
    if (!group || group.length < STAGE_MIN_TERMS) parts.push({ kind: 'inline', condition: c })
    else if (!placed.has(group)) {
      placed.add(group)
      parts.push({ kind: 'staged', group })
    }
  }
  return parts
}

/** How many comparisons of `condition` would be spelled inline (see {@link MAX_INLINE_TERMS}). */
export function inlineTermCount(condition: WireCondition): number {
  let count = 0
  const stack: WireCondition[] = [condition]
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (!('args' in c)) count++
    else for (const part of junctionParts(c.op, c.args)) if (part.kind === 'inline') stack.push(part.condition)
  }
  return count
}

/**
 * The one visitor from wire conditions to SQL. Target columns are `t."col"`, source columns
 * `s."col"`; comparisons follow SQL three-valued logic, so NULL never matches. Large groups of
 * constants are read from temp tables pushed onto `staged` (the caller creates them); a row
 * matches exactly when the spelled-out comparisons would make it match.
 */
export function conditionSql(condition: WireCondition, scope: ConditionScope, staged: StagedConstants[] = []): string {
  const targetCol = (c: WireComparison): { sql: string; type: string } => {
    const type = scope.targetType(c['target-col'])
    if (type === undefined) throw new MissingColumn('target', c['target-col'])
    return { sql: `t.${ident(c['target-col'])}`, type }
  }
  const comparison = (c: WireComparison): string => {
    const target = targetCol(c)
    let right: string
    if (c['source-col'] !== undefined) {
      if (scope.sourceType(c['source-col']) === undefined) throw new MissingColumn('source', c['source-col'])
      right = `s.${ident(c['source-col'])}`
    } else {
      right = constSql(c.const!.type, literal(constText(c.const!)), target.type, true)
    }
    return `(${target.sql} ${SQL_OP[c.op]} ${right})`
  }
  const stagedSql = (op: 'and' | 'or', group: WireComparison[]): string => {
    const first = group[0]!
    const target = targetCol(first)
    const name = `hd_constants_${staged.length + 1}`
    staged.push({ name, values: group.map((c) => constText(c.const!)) })
    const value = constSql(first.const!.type, 'k.v', target.type, false)
    const from = `FROM temp.main.${ident(name)} AS k`
    const col = target.sql
    if (first.op === 'eq') {
      // any of the values: IN; all of them: the column equals the smallest and the largest.
      return op === 'or'
        ? `(${col} IN (SELECT ${value} ${from}))`
        : `(${col} = (SELECT min(${value}) ${from}) AND ${col} = (SELECT max(${value}) ${from}))`
    }
    // `col > c1 OR col > c2 …` is `col > min(c)`; with AND it is `col > max(c)` (mirrored for < and <=).
    const lower = first.op === 'gt' || first.op === 'gte'
    const bound = lower === (op === 'or') ? 'min' : 'max'
    return `(${col} ${SQL_OP[first.op]} (SELECT ${bound}(${value}) ${from}))`
  }
  const visit = (c: WireCondition): string => {
    if (!('args' in c)) return comparison(c)
    const parts = junctionParts(c.op, c.args).map((p) =>
      p.kind === 'staged' ? stagedSql(c.op, p.group) : visit(p.condition),
    )
    return `(${parts.join(c.op === 'and' ? ' AND ' : ' OR ')})`
  }
  // Recursion depth is bounded: parsed wire conditions nest at most MAX_CONDITION_DEPTH junctions.
  return visit(condition)
}

/** Source columns a condition uses (for delete's "only key columns" rule and update's SET list). */
export function sourceColumnsOf(condition: WireCondition): Set<string> {
  const out = new Set<string>()
  const stack: WireCondition[] = [condition]
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if ('args' in c) for (const arg of c.args) stack.push(arg)
    else if (c['source-col'] !== undefined) out.add(c['source-col'])
  }
  return out
}
