/**
 * The Hyper Update wire vocabulary, in one place. Sources and confidence are in
 * docs/protocol.md §7.3; when a real server disagrees, edit here.
 */

/** The five action strings. CONFIRMED (REST reference, Update Data in Hyper Data Source). */
export const ACTION_KINDS = ['insert', 'update', 'upsert', 'replace', 'delete'] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

/**
 * Comparison operators sent on the wire. eq, gt, gte, lt: CONFIRMED; lte: CONFIRMED (secondary).
 * `ne`/`neq` and `not` are UNCONFIRMED, so hyperdelta never sends them: `ne()` and `not()` are
 * compiled into these operators plus and/or (see compile-condition.ts), which is exact under SQL
 * three-valued logic.
 */
export const COMPARISON_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const
export type ComparisonOp = (typeof COMPARISON_OPS)[number]

/**
 * Operators the XSD names but no example confirms: `ne` (a comparison) and `not` (a junction of exactly one
 * condition). UNCONFIRMED: accepted by parseActions and emitted by the compiler only where `hyperdelta probe`
 * confirmed them (capabilities `nativeNe` / `nativeNot`); elsewhere `ne()` and `not()` compile into the operators
 * above, and a hand-written batch using them is refused.
 */
export const NATIVE_OPS = ['ne', 'not'] as const
export type NativeOp = (typeof NATIVE_OPS)[number]

/** Junctions with an `args` list. `and`: CONFIRMED. `or`: INFERRED (strong: XSD `args`, symmetric with and). */
export const JUNCTION_OPS = ['and', 'or'] as const
export type JunctionOp = (typeof JUNCTION_OPS)[number]

/** Constant types (XSD `dataUpdateConstConditionType`). CONFIRMED. There is no `date` and no `null` type. */
export const CONST_TYPES = ['string', 'integer', 'double', 'boolean', 'datetime'] as const
export type ConstType = (typeof CONST_TYPES)[number]

/** Spelling of boolean constants. INFERRED: no real example exists; `true`/`false` is the XSD-natural form. */
export const BOOLEAN_CONST_SPELLING = { true: 'true', false: 'false' } as const

/**
 * How deeply and/or junctions may nest in one condition, counted after same-operator junctions
 * are flattened: `or(or(a, b), c)` is one level, `and(or(a, b), c)` two. The number of terms is not
 * limited (a 100,000-id `or` is one level). Deeper conditions are refused with CONDITION_TOO_DEEP,
 * so no recursive reader (JSON encoders, validators, the server) meets an unbounded nesting.
 */
export const MAX_CONDITION_DEPTH = 100
