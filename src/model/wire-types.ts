import type { ACTION_KINDS, COMPARISON_OPS, CONST_TYPES, JUNCTION_OPS } from './wire-vocabulary.js'

// The shapes of a Hyper Update request body (validated by wireBatchSchema in src/actions/wire-schema.ts). Here, in
// the import-free model folder, so that reports and error details can carry actions without reaching up.

/** A typed constant: `v` is always a JSON string, whatever the type. */
export interface WireConst {
  type: (typeof CONST_TYPES)[number]
  v: string
}
/** `{ op, target-col, source-col | const }` */
export interface WireComparison {
  /** `ne` only where a probe confirmed it (see NATIVE_OPS). */
  op: (typeof COMPARISON_OPS)[number] | 'ne'
  'target-col': string
  'source-col'?: string
  const?: WireConst
}
/** `{ op: and | or, args: [...] }`; `{ op: not, args: [one] }` only where a probe confirmed it (see NATIVE_OPS). */
export interface WireJunction {
  op: (typeof JUNCTION_OPS)[number] | 'not'
  args: WireCondition[]
}
export type WireCondition = WireComparison | WireJunction

/** One action of a Hyper Update request body. */
export interface WireAction {
  action: (typeof ACTION_KINDS)[number]
  'source-schema'?: string
  'source-table'?: string
  'target-schema'?: string
  'target-table': string
  condition?: WireCondition
}
/** The body of `PATCH .../data`. */
export interface WireBatch {
  actions: WireAction[]
}
