import { HyperdeltaError, isHyperdeltaError } from '../errors.js'
import type { ActionKind, NativeOp } from '../model/wire-vocabulary.js'
import { type Columns, isTable, type Table } from '../schema/define-table.js'
import type { ActionNode } from './action-node.js'
import { compileCondition } from './compile-condition.js'
import { and, type ColumnRefs, type Condition, columnRefs, eq } from './conditions.js'
import { parseActions } from './parse-actions.js'
import { validateAction } from './validate-action.js'
import type { WireAction, WireBatch } from './wire-schema.js'

/** Options of {@link Batch.compile}. */
export interface CompileOptions {
  /**
   * Unconfirmed operators the server is known to understand (from a probe's capabilities; pushChanges passes
   * them): `ne` sends `ne()` / `not(eq)` as `ne` instead of `or(lt, gt)`; `not` sends `not()` as a `not` junction
   * instead of pushing the negation down. Default none: only confirmed operators.
   */
  nativeOps?: readonly NativeOp[]
}

export type { ActionNode } from './action-node.js'

type CommonKey<TC extends Columns, SC extends Columns> = keyof TC & keyof SC & string
type Where<TC extends Columns, SC extends Columns> = (
  target: ColumnRefs<TC, 'target'>,
  source: ColumnRefs<SC, 'source'>,
) => Condition

/** Match rows by equal key columns (`on`), or by any condition (`where`). */
export type Match<TC extends Columns, SC extends Columns> =
  | { readonly on: readonly [CommonKey<TC, SC>, ...CommonKey<TC, SC>[]]; readonly where?: undefined }
  | { readonly where: Where<TC, SC>; readonly on?: undefined }

export interface SourceAndTarget<TC extends Columns, SC extends Columns> {
  readonly source: Table<SC>
  readonly target: Table<TC>
}

/** A delete by constants only (no payload), or by rows of a key-only source table. */
export type DeleteArgs<TC extends Columns, SC extends Columns> =
  | {
      readonly target: Table<TC>
      readonly source?: undefined
      readonly where: (target: ColumnRefs<TC, 'target'>) => Condition
    }
  | (SourceAndTarget<TC, SC> & Match<TC, SC>)

function actionError(index: number, kind: string, field: string, message: string, cause?: unknown): HyperdeltaError {
  // Keep the column/op a condition helper named, so callers need not dig into `cause`.
  const inner = cause instanceof HyperdeltaError ? cause.details : {}
  return new HyperdeltaError('ACTION_INVALID', `batch: actions[${index}] (${kind}) ${field}: ${message}`, {
    cause,
    details: {
      ...(typeof inner.column === 'string' && { column: inner.column }),
      ...(typeof inner.op === 'string' && { op: inner.op }),
      actionIndex: index,
      action: kind,
      field,
    },
  })
}

/**
 * An immutable list of actions. Every method returns a new batch, so one batch can be shared
 * between runs and tests. `compile()` turns it into Tableau's wire JSON without any I/O.
 *
 * @example
 * ```ts
 * import { batch, defineTable, int64, text, timestamp, lt } from 'hyperdelta'
 * const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), customer: text(), updated_at: timestamp() })
 * const wire = batch()
 *   .upsert({ source: orders.as('changes'), target: orders, on: ['id'] })
 *   .delete({ target: orders, where: (t) => lt(t.updated_at, new Date('2020-01-01T00:00:00Z')) })
 *   .compile()
 * ```
 */
export class Batch {
  readonly actions: readonly ActionNode[]

  /** Use {@link batch} to start one. */
  constructor(actions: readonly ActionNode[] = []) {
    this.actions = Object.freeze([...actions])
  }

  /** Append the rows of `source` to `target`; columns are matched by name. */
  insert<TC extends Columns, SC extends Columns>(args: SourceAndTarget<TC, SC>): Batch {
    return this.add('insert', args.target, args.source, undefined)
  }
  /** Update target rows matched by `on` keys or `where`; every same-named source column is written. */
  update<TC extends Columns, SC extends Columns>(args: SourceAndTarget<TC, SC> & Match<TC, SC>): Batch {
    return this.add('update', args.target, args.source, args)
  }
  /** Update matched target rows and insert the source rows that match none. */
  upsert<TC extends Columns, SC extends Columns>(args: SourceAndTarget<TC, SC> & Match<TC, SC>): Batch {
    return this.add('upsert', args.target, args.source, args)
  }
  /** Delete every target row, then insert all source rows (same columns). */
  replace<TC extends Columns, SC extends Columns>(args: SourceAndTarget<TC, SC>): Batch {
    return this.add('replace', args.target, args.source, undefined)
  }
  /**
   * Delete target rows matching a condition over target columns and constants (no payload needed),
   * or matching rows of a source table that holds only the key columns.
   */
  delete<TC extends Columns, SC extends Columns = Columns>(args: DeleteArgs<TC, SC>): Batch {
    return this.add('delete', args.target, args.source, args as Partial<Match<Columns, Columns>>)
  }

  private add(
    kind: ActionKind,
    target: Table,
    source: Table | undefined,
    match: { on?: readonly string[] | undefined; where?: unknown } | undefined,
  ): Batch {
    const index = this.actions.length
    let condition: Condition | undefined
    if (match?.on !== undefined && match.where !== undefined) {
      throw actionError(index, kind, 'on', 'give either "on" or "where", not both')
    }
    if (match?.on !== undefined) condition = keyCondition(index, kind, target, source, match.on)
    else if (match?.where !== undefined) {
      if (typeof match.where !== 'function') throw actionError(index, kind, 'where', 'must be a function')
      if (!isTable(target)) throw actionError(index, kind, 'target', 'must be a table from defineTable()')
      try {
        const sourceRefs = isTable(source) ? columnRefs(source, 'source') : {}
        condition = match.where(columnRefs(target, 'target'), sourceRefs)
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause)
        throw actionError(index, kind, 'where', why, cause)
      }
    }
    return new Batch([...this.actions, Object.freeze({ kind, target, source, condition })])
  }

  /**
   * Validates every action and returns the request body for `PATCH .../data`: exactly Tableau's
   * JSON, no I/O. Throws `BATCH_EMPTY` or `ACTION_INVALID` (naming the action index and field).
   */
  compile(options: CompileOptions = {}): WireBatch {
    if (this.actions.length === 0) {
      throw new HyperdeltaError('BATCH_EMPTY', 'batch: no actions to compile; add insert/update/upsert/replace/delete')
    }
    const actions = this.actions.map((node, index) => {
      const problem = validateAction(node)
      if (problem) throw actionError(index, node.kind, problem.field, problem.message)
      try {
        return compileAction(node, options.nativeOps ?? [])
      } catch (cause) {
        if (!isHyperdeltaError(cause, 'CONDITION_TOO_DEEP')) throw cause
        throw new HyperdeltaError('CONDITION_TOO_DEEP', `batch: actions[${index}] (${node.kind}) ${cause.message}`, {
          cause,
          details: { ...cause.details, actionIndex: index, action: node.kind, field: 'condition' },
        })
      }
    })
    // Safety net: what compile() emits must pass the same validator as parseActions().
    return parseActions({ actions }, options)
  }
}

function keyCondition(
  index: number,
  kind: string,
  target: Table,
  source: Table | undefined,
  on: readonly string[],
): Condition {
  if (!Array.isArray(on) || on.length === 0) throw actionError(index, kind, 'on', 'needs at least one key column')
  if (!isTable(target)) throw actionError(index, kind, 'target', 'must be a table from defineTable()')
  if (!isTable(source)) throw actionError(index, kind, 'source', 'matching "on" keys needs a source table')
  const t = columnRefs(target, 'target')
  const s = columnRefs(source, 'source')
  const parts = on.map((key) => {
    if (!Object.hasOwn(t, key))
      throw actionError(index, kind, 'on', `target table ${target.name} has no column "${key}"`)
    if (!Object.hasOwn(s, key))
      throw actionError(index, kind, 'on', `source table ${source.name} has no column "${key}"`)
    try {
      return eq(t[key]!, s[key] as never)
    } catch (cause) {
      throw actionError(index, kind, 'on', (cause as Error).message, cause)
    }
  })
  return parts.length === 1 ? parts[0]! : and(...parts)
}

function compileAction(node: ActionNode, nativeOps: readonly NativeOp[]): WireAction {
  // Key order follows the reference page: action, source-schema, source-table, target-schema, target-table, condition.
  return {
    action: node.kind,
    ...(node.source?.schema !== undefined && { 'source-schema': node.source.schema }),
    ...(node.source !== undefined && { 'source-table': node.source.name }),
    ...(node.target.schema !== undefined && { 'target-schema': node.target.schema }),
    'target-table': node.target.name,
    ...(node.condition !== undefined && { condition: compileCondition(node.condition, nativeOps) }),
  }
}

/** Starts an empty, immutable batch. @example `batch().insert({ source: added, target: users }).compile()` */
export function batch(): Batch {
  return new Batch()
}
