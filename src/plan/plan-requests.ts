import type { WireAction } from '../actions/wire-schema.js'
import type { ErrorDetails } from '../error-catalog.js'
import { HyperdeltaError } from '../errors.js'
import type { Table } from '../schema/define-table.js'
import { groupActions, type PlannedAction } from './group-actions.js'

/** One request of a plan: its wire actions and at most one payload file (one source table). */
export interface RequestPart<F> {
  readonly index: number
  readonly actions: readonly WireAction[]
  readonly payload: F | undefined
}

export interface RequestPlan<F> {
  readonly requests: readonly RequestPart<F>[]
  /** Things the caller must know, e.g. a batch split into several requests is not atomic. */
  readonly warnings: readonly string[]
}

function planError<C extends 'PLAN_INPUT_INVALID' | 'PLAN_EMPTY_REPLACE' | 'PLAN_UNSPLITTABLE'>(
  code: C,
  message: string,
  details: ErrorDetails<C>,
): HyperdeltaError<C> {
  return new HyperdeltaError(code, `plan: ${message}`, { details })
}

function sameDefinition(a: Table, b: Table): boolean {
  return (
    a === b ||
    (a.name === b.name &&
      a.schema === b.schema &&
      JSON.stringify(a.columnNames) === JSON.stringify(b.columnNames) &&
      a.columnNames.every((c) => JSON.stringify(a.columns[c]) === JSON.stringify(b.columns[c])))
  )
}

/**
 * Tables by name, refusing two different definitions under one name: a payload file carries one table
 * under its name, so the second would silently win and null columns. `where(i)` names the i-th table's
 * origin in the error (e.g. `actions[3]`).
 */
export function tablesByName(tables: readonly (Table | undefined)[], where: (i: number) => string): Map<string, Table> {
  const byName = new Map<string, Table>()
  tables.forEach((table, i) => {
    if (!table) return
    const seen = byName.get(table.name)
    if (seen && !sameDefinition(seen, table)) {
      throw planError(
        'PLAN_INPUT_INVALID',
        `${where(i)} is a source table named "${table.name}" that differs from an earlier one of the same name ` +
          '(schema or columns); give each source table its own name',
        { index: i, table: table.name },
      )
    }
    if (!seen) byName.set(table.name, table)
  })
  return byName
}

/** The source tables the actions read, by name (`PLAN_INPUT_INVALID` for two different ones under one name). */
export function sourceTables(actions: readonly PlannedAction[]): Map<string, Table> {
  return tablesByName(
    actions.map((a) => a.source),
    (i) => `actions[${i}]`,
  )
}

/**
 * Splits planned actions into requests, given the payload files of each source table (by table name).
 * Pure: no I/O, so every split rule is unit-tested.
 *
 * Actions on different source tables go to separate requests, in batch order. A source table cut into
 * several files repeats its actions per file, except `replace`, which becomes `replace` on the first
 * file and `insert` on the rest. Constant-only actions run once: leading ones with the first file,
 * trailing ones with the last; one between actions on a split table cannot be placed
 * (`PLAN_UNSPLITTABLE`). A replace with no rows is refused (`PLAN_EMPTY_REPLACE`). One request is
 * all-or-nothing on the server; several are not, and `warnings` says so.
 */
export function planRequests<F>(
  actions: readonly PlannedAction[],
  filesByTable: ReadonlyMap<string, readonly F[]>,
): RequestPlan<F> {
  sourceTables(actions)
  const warnings: string[] = []
  const parts: { actions: WireAction[]; payload: F | undefined }[] = []
  let split = false
  for (const group of groupActions(actions)) {
    const isSourced = (i: number) => actions[i]!.source !== undefined
    const files = group.source ? (filesByTable.get(group.source.name) ?? []) : []
    const sourced = group.actionIndexes.filter(isSourced)
    const first = group.actionIndexes.indexOf(sourced[0] ?? -1)
    const last = group.actionIndexes.indexOf(sourced.at(-1) ?? -1)
    const constOnly = (pos: number) => !isSourced(group.actionIndexes[pos]!)
    if (group.source && files.length === 0) {
      if (sourced.some((i) => actions[i]!.wire.action === 'replace')) {
        throw planError(
          'PLAN_EMPTY_REPLACE',
          `replace from "${group.source.name}" has no rows: it would empty the target table; use a delete if that is meant`,
          { table: group.source.name },
        )
      }
      warnings.push(`no rows for source table "${group.source.name}": its ${sourced.length} action(s) are skipped`)
      const rest = group.actionIndexes.filter((i) => !isSourced(i)).map((i) => actions[i]!.wire)
      if (rest.length > 0) parts.push({ actions: rest, payload: undefined })
      continue
    }
    if (files.length > 1 && group.actionIndexes.some((_, pos) => constOnly(pos) && pos > first && pos < last)) {
      throw planError(
        'PLAN_UNSPLITTABLE',
        `a constant-only action sits between actions on "${group.source!.name}", whose rows need ${files.length} files; ` +
          'move it before or after them, or raise maxSizeInMb',
        { table: group.source!.name, files: files.length },
      )
    }
    const payloads: (F | undefined)[] = group.source ? [...files] : [undefined]
    payloads.forEach((payload, k) => {
      const requestActions: WireAction[] = []
      group.actionIndexes.forEach((i, pos) => {
        const action = actions[i]!.wire
        if (!isSourced(i)) {
          if (payloads.length === 1 || (pos < first && k === 0) || (pos > last && k === payloads.length - 1)) {
            requestActions.push(action)
          }
        } else {
          requestActions.push(action.action === 'replace' && k > 0 ? { ...action, action: 'insert' } : action)
        }
      })
      parts.push({ actions: requestActions, payload })
    })
    if (files.length > 1) {
      split = true
      const replace = sourced.some((i) => actions[i]!.wire.action === 'replace')
      warnings.push(
        `rows of "${group.source!.name}" need ${files.length} files, so its actions run as ${files.length} requests; ` +
          'each request is all-or-nothing, the requests together are not' +
          (replace
            ? '; replace runs on the first file and insert on the rest, so readers may see a partly loaded table'
            : ''),
      )
    }
  }
  if (parts.length > 1 && !split) {
    warnings.push(`the batch runs as ${parts.length} requests: each is all-or-nothing, together they are not`)
  }
  return { requests: parts.map((p, index) => ({ index, ...p })), warnings }
}
