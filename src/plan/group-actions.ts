import type { Batch } from '../actions/batch.js'
import { parseActions } from '../actions/parse-actions.js'
import type { WireAction, WireBatch, WireCondition } from '../actions/wire-schema.js'
import { wireConditionNodes } from '../actions/wire-walk.js'
import { HyperdeltaError } from '../errors.js'
import type { NativeOp } from '../model/wire-vocabulary.js'
import type { Table } from '../schema/define-table.js'

/** What planning needs of one action: its wire form, the source table whose rows it reads, its match keys. */
export interface PlannedAction {
  readonly wire: WireAction
  readonly source: Table | undefined
  /** Source key columns (for duplicate detection); empty when the condition is not an equality match. */
  readonly keys: readonly string[]
}

/** A run of consecutive actions that share one source table (or use none): they can ride in one request. */
export interface ActionGroup {
  readonly source: Table | undefined
  /** Indexes into the planned actions, in batch order. */
  readonly actionIndexes: readonly number[]
}

/**
 * Source key columns of a condition as compiled for the wire: a single eq with a source column, or an
 * and of such eqs (what `on: [...]` produces). Typed batches and raw wire JSON go through the same rule.
 */
export function wireMatchKeys(condition: WireCondition | undefined): string[] {
  if (!condition) return []
  const parts = 'args' in condition && condition.op === 'and' ? condition.args : [condition]
  const keys: string[] = []
  for (const part of parts) {
    if ('args' in part || part.op !== 'eq' || part['source-col'] === undefined) return []
    keys.push(part['source-col'])
  }
  return keys
}

/**
 * A typed batch, or raw wire JSON plus the source tables it reads (e.g. from `tableFromParquet`),
 * as the list of actions planning works on.
 */
export function plannedActions(
  batch: Batch | WireBatch,
  sources: readonly Table[] = [],
  nativeOps: readonly NativeOp[] = [],
): PlannedAction[] {
  if ('compile' in batch) {
    const wire = batch.compile({ nativeOps }).actions
    return batch.actions.map((node, i) => ({
      wire: wire[i]!,
      source: node.source,
      keys: wireMatchKeys(wire[i]!.condition),
    }))
  }
  const parsed = parseActions(batch, { nativeOps }).actions
  return parsed.map((wire, i) => {
    const name = wire['source-table']
    const source = name === undefined ? undefined : sources.find((t) => t.name === name)
    if (name !== undefined && !source) {
      throw new HyperdeltaError(
        'PLAN_INPUT_MISSING',
        `plan: actions[${i}] reads source table "${name}", but no rows/table definition was given for it`,
        { details: { actionIndex: i, table: name } },
      )
    }
    if (wire.action === 'delete' && source) checkDeleteSource(wire, source, i)
    return { wire, source, keys: wireMatchKeys(wire.condition) }
  })
}

/**
 * A delete's source table holds exactly the columns its condition reads (the server fails the job otherwise,
 * maybe after earlier requests were applied): checked before anything is packaged, as Batch does for typed
 * actions. So its input files need only those columns; every other source's files need all of theirs.
 */
function checkDeleteSource(wire: WireAction, source: Table, index: number): void {
  const used = new Set<string>()
  for (const node of wireConditionNodes(wire.condition)) {
    if (!('args' in node) && node['source-col'] !== undefined) used.add(node['source-col'])
  }
  const extra = source.columnNames.filter((c) => !used.has(c))
  if (extra.length === 0) return
  throw new HyperdeltaError(
    'PLAN_INPUT_INVALID',
    `plan: actions[${index}] (delete): its source table "${source.name}" may hold only the columns its condition reads; it also has ${extra.map((c) => `"${c}"`).join(', ')}: declare the source with only those columns`,
    { details: { table: source.name, index } },
  )
}

function sameTable(a: Table, b: Table): boolean {
  return a.name === b.name && a.schema === b.schema
}

/**
 * Splits actions into groups in batch order. Constant-only actions join the group they sit in;
 * an action on a different source table starts a new group (one payload = one source table).
 */
export function groupActions(actions: readonly PlannedAction[]): ActionGroup[] {
  const groups: { source: Table | undefined; actionIndexes: number[] }[] = []
  actions.forEach((action, index) => {
    const current = groups.at(-1)
    const source = action.source
    if (current && (source === undefined || current.source === undefined || sameTable(current.source, source))) {
      current.source ??= source
      current.actionIndexes.push(index)
    } else {
      groups.push({ source, actionIndexes: [index] })
    }
  })
  return groups
}
