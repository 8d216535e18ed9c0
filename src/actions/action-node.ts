import type { ActionKind } from '../model/wire-vocabulary.js'
import type { Table } from '../schema/define-table.js'
import type { Condition } from './conditions.js'

/** One action of a batch: frozen data, compiled by `Batch.compile`, checked by `validateAction`. */
export interface ActionNode {
  readonly kind: ActionKind
  readonly target: Table
  readonly source: Table | undefined
  readonly condition: Condition | undefined
}
