import {
  formatMicrosIso,
  parseIsoTimestampMicros,
  type WireComparison,
  type WireCondition,
  type WireConst,
} from '../../wire.js'
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

/** A temp table of constants (VARCHAR columns `c0`, `c1`, …; one per tuple member) the condition's SQL reads. */
export interface StagedConstants {
  readonly name: string
  readonly width: number
  readonly rows: readonly (readonly string[])[]
}

const SQL_OP = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=', ne: '<>' } as const

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
      // A DATE column compared with a string const casts the const (docs/protocol.md §7.3.2, INFERRED); other
      // types rely on DuckDB's cast of a string literal to the column type (spelled out when staged).
      if (isDate) return `CAST(${text} AS DATE)`
      return inline || targetType === 'VARCHAR' ? text : `CAST(${text} AS ${targetType})`
  }
}

type Part =
  | { kind: 'inline'; condition: WireCondition }
  | { kind: 'staged'; group: WireComparison[] }
  | { kind: 'tuples'; group: WireComparison[][] }

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

/**
 * The grouping key of a term: a constant comparison by (column, op, const type); inside an `or`, an
 * `and` of equalities with constants on distinct columns (a composite key) by its columns.
 */
function groupKey(op: 'and' | 'or', c: WireCondition): string | undefined {
  // `ne` is spelled inline: a list of `<>` has no min/max or IN form.
  if (!('args' in c)) {
    return c.const === undefined || c.op === 'ne' ? undefined : JSON.stringify([c['target-col'], c.op, c.const.type])
  }
  if (op !== 'or' || c.op !== 'and') return undefined
  const terms = flatArgs('and', c.args)
  const columns = new Set<string>()
  for (const t of terms) {
    if ('args' in t || t.op !== 'eq' || t.const === undefined || columns.has(t['target-col'])) return undefined
    columns.add(t['target-col'])
  }
  return JSON.stringify(['tuple', ...(terms as WireComparison[]).map((t) => [t['target-col'], t.const!.type])])
}

/** Splits a junction into staged groups (at their first member's place) and inline terms. */
function junctionParts(op: 'and' | 'or', args: readonly WireCondition[]): Part[] {
  const flat = flatArgs(op, args)
  const keys = flat.map((c) => groupKey(op, c))
  const sizes = new Map<string, number>()
  for (const key of keys) if (key !== undefined) sizes.set(key, (sizes.get(key) ?? 0) + 1)
  const parts: Part[] = []
  const placed = new Map<string, Part>()
  for (const [i, c] of flat.entries()) {
    const key = keys[i]
    if (key === undefined || sizes.get(key)! < STAGE_MIN_TERMS) {
      parts.push({ kind: 'inline', condition: c })
      continue
    }
    let part = placed.get(key)
    if (!part) {
      part = 'args' in c ? { kind: 'tuples', group: [] } : { kind: 'staged', group: [] }
      placed.set(key, part)
      parts.push(part)
    }
    if (part.kind === 'tuples')
      part.group.push(flatArgs('and', (c as { args: WireCondition[] }).args) as WireComparison[])
    else if (part.kind === 'staged') part.group.push(c as WireComparison)
  }
  return parts
}

/** How many comparisons of `condition` would be spelled inline (see {@link MAX_INLINE_TERMS}). */
export function inlineTermCount(condition: WireCondition): number {
  let count = 0
  const stack: WireCondition[] = [condition]
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (!('args' in c)) count++
    else if (c.op === 'not') stack.push(...c.args)
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
    staged.push({ name, width: 1, rows: group.map((c) => [constText(c.const!)]) })
    const value = constSql(first.const!.type, 'k.c0', target.type, false)
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
  // A composite key list: or(and(t.a = 1, t.b = 'x'), …) is "some staged row equals (t.a, t.b)".
  const tuplesSql = (group: WireComparison[][]): string => {
    const first = group[0]!
    const name = `hd_constants_${staged.length + 1}`
    staged.push({ name, width: first.length, rows: group.map((terms) => terms.map((t) => constText(t.const!))) })
    const matches = first.map((term, i) => {
      const target = targetCol(term)
      return `${target.sql} = ${constSql(term.const!.type, `k.c${i}`, target.type, false)}`
    })
    return `(EXISTS (SELECT 1 FROM temp.main.${ident(name)} AS k WHERE ${matches.join(' AND ')}))`
  }
  const visit = (c: WireCondition): string => {
    if (!('args' in c)) return comparison(c)
    if (c.op === 'not') return `(NOT ${visit(c.args[0]!)})`
    const op = c.op
    const parts = junctionParts(op, c.args).map((p) =>
      p.kind === 'staged' ? stagedSql(op, p.group) : p.kind === 'tuples' ? tuplesSql(p.group) : visit(p.condition),
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
