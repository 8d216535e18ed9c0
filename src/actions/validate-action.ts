import type { ColumnType } from '../schema/column-types.js'
import { isTable, type Table } from '../schema/define-table.js'
import type { ActionNode } from './action-node.js'
import type { ColumnRef, Condition } from './conditions.js'
import { KIND_FAMILY } from './wire-constants.js'

export interface ActionProblem {
  readonly field: string
  readonly message: string
}

/** Every column a condition names, in order; iterative, so any nesting depth is fine. */
function columnRefsOf(condition: Condition): ColumnRef[] {
  const refs: ColumnRef[] = []
  const stack: Condition[] = [condition]
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (c.kind === 'not') stack.push(c.arg)
    else if (c.kind === 'compare') {
      refs.push(c.target)
      if (c.operand.kind === 'column') refs.push(c.operand)
    } else for (let i = c.args.length - 1; i >= 0; i--) stack.push(c.args[i]!)
  }
  return refs
}

/** Same wire family (int32 ↔ int64 compare and assign, float64 only with float64, ...). */
function sameFamily(a: ColumnType, b: ColumnType): boolean {
  return a.kind === b.kind || KIND_FAMILY[a.kind] === KIND_FAMILY[b.kind]
}

/** A source column written into a target column: same family, and no NULLs into a non-nullable column. */
function assignProblem(source: Table, target: Table, column: string): string | undefined {
  const s = source.columns[column]!
  const t = Object.hasOwn(target.columns, column) ? target.columns[column] : undefined
  if (!t) return `source column "${column}" does not exist in target table ${target.name}`
  if (!sameFamily(s, t)) return `source column "${column}" is ${s.kind} but the target column is ${t.kind}`
  if (s.nullable && !t.nullable) return `source column "${column}" is nullable but the target column is not`
  return undefined
}

function checkRefs(node: ActionNode, refs: readonly ColumnRef[]): ActionProblem | undefined {
  for (const ref of refs) {
    const table = ref.side === 'target' ? node.target : node.source
    if (!table) {
      return { field: 'condition', message: `uses source column "${ref.name}" but the action has no source table` }
    }
    const column = Object.hasOwn(table.columns, ref.name) ? table.columns[ref.name] : undefined
    if (ref.table !== table.name || !column || column.kind !== ref.type.kind) {
      return {
        field: 'condition',
        message: `column "${ref.name}" (from table ${ref.table}) is not a column of ${ref.side} table ${table.name}`,
      }
    }
  }
  return undefined
}

/**
 * The rules compile() enforces beyond what TypeScript can: presence of source and condition,
 * columns used by the condition, and column compatibility between source and target.
 * Returns the first problem, or undefined.
 */
export function validateAction(node: ActionNode): ActionProblem | undefined {
  const { kind, target, source, condition } = node
  if (!isTable(target)) return { field: 'target', message: 'must be a table from defineTable()' }
  if (source !== undefined && !isTable(source))
    return { field: 'source', message: 'must be a table from defineTable()' }
  if (kind !== 'delete' && !source) return { field: 'source', message: `${kind} needs a source table` }
  const needsCondition = kind === 'update' || kind === 'upsert' || kind === 'delete'
  if (needsCondition && !condition)
    return { field: 'condition', message: `${kind} needs "on" keys or a "where" condition` }
  const refs = condition ? columnRefsOf(condition) : []
  const refProblem = checkRefs(node, refs)
  if (refProblem) return refProblem
  if (!source) return undefined

  const usedSource = new Set(refs.filter((r) => r.side === 'source').map((r) => r.name))
  const problem = (message: string): ActionProblem => ({ field: 'source', message })
  switch (kind) {
    case 'delete': {
      // The server fails the job if a delete's source holds columns its condition does not use.
      const extra = source.columnNames.filter((c) => !usedSource.has(c))
      if (usedSource.size === 0) return problem(`the condition uses no column of source table ${source.name}`)
      if (extra.length > 0) {
        return problem(
          `a delete's source table may hold only the columns its condition uses; ${source.name} also has ${extra.map((c) => `"${c}"`).join(', ')} (use table.pick(...))`,
        )
      }
      return undefined
    }
    case 'replace': {
      const missing = target.columnNames.filter((c) => !Object.hasOwn(source.columns, c))
      if (missing.length > 0)
        return problem(`replace needs every target column; source lacks ${missing.map((c) => `"${c}"`).join(', ')}`)
      for (const c of source.columnNames) {
        const why = assignProblem(source, target, c)
        if (why) return problem(why)
      }
      return undefined
    }
    case 'insert':
    case 'update':
    case 'upsert': {
      for (const c of source.columnNames) {
        // update/upsert may carry source-only columns that the condition uses (e.g. update_row_id).
        if (kind !== 'insert' && usedSource.has(c) && !Object.hasOwn(target.columns, c)) continue
        const why = assignProblem(source, target, c)
        if (why) return problem(why)
      }
      if (kind !== 'update') {
        const missing = target.columnNames.filter(
          (c) => !target.columns[c]!.nullable && !Object.hasOwn(source.columns, c),
        )
        if (missing.length > 0) {
          return problem(
            `non-nullable target column(s) ${missing.map((c) => `"${c}"`).join(', ')} missing from the source; inserted rows would be NULL`,
          )
        }
      }
      return undefined
    }
  }
}
