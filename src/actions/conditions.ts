import { HyperdeltaError } from '../errors.js'
import type { ComparisonOp } from '../model/wire-vocabulary.js'
import type { ColumnKind, ColumnType, ColumnValueMap } from '../schema/column-types.js'
import type { Columns, Table } from '../schema/define-table.js'
import { setOwn } from '../schema/own-property.js'
import { ISO_DAYS_RANGE, ISO_MICROS_RANGE } from '../schema/temporal.js'
import { InvalidValue, type NormalizedValue, normalizeValue } from '../schema/values.js'
import { KIND_FAMILY } from './wire-constants.js'

/** Which table a column reference points into. The wire format always puts the target column first. */
export type Side = 'target' | 'source'

/** A reference to a column of the target or the source table, typed by the column's type. */
export interface ColumnRef<S extends Side = Side, T extends ColumnType = ColumnType> {
  readonly kind: 'column'
  readonly side: S
  readonly table: string
  readonly name: string
  readonly type: T
}

/** Typed column references of a table, as handed to `where` callbacks. */
export type ColumnRefs<C extends Columns, S extends Side> = { readonly [K in keyof C & string]: ColumnRef<S, C[K]> }

/** Kinds that compare with each other: the same family (see KIND_FAMILY). */
type KindFamily = typeof KIND_FAMILY
type KindsOfFamily<F> = { [K in ColumnKind]: KindFamily[K] extends F ? K : never }[ColumnKind]
/** Column kinds comparable with kind K. */
export type ComparableKind<K extends ColumnKind> = KindsOfFamily<KindFamily[K]>

/** A constant comparable with a column of type T: never null, never NaN. */
export type ConstFor<T extends ColumnType> = ColumnValueMap[T['kind']]

export interface ConstOperand {
  readonly kind: 'const'
  /** The column type the constant was checked against; its kind picks the wire const type. */
  readonly type: ColumnType
  readonly value: Exclude<NormalizedValue, null>
}

export interface Comparison {
  readonly kind: 'compare'
  readonly op: ComparisonOp
  readonly target: ColumnRef<'target'>
  readonly operand: ColumnRef<'source'> | ConstOperand
}
export interface Junction {
  readonly kind: 'and' | 'or'
  readonly args: readonly Condition[]
}
export interface Negation {
  readonly kind: 'not'
  readonly arg: Condition
}
/** A frozen condition tree. Build it with eq/ne/gt/gte/lt/lte/and/or/not. */
export type Condition = Comparison | Junction | Negation

function conditionError(message: string, details: Record<string, unknown>): HyperdeltaError {
  return new HyperdeltaError('CONDITION_INVALID', `condition: ${message}`, { details })
}

/** Typed column references for a table; used for `where` callbacks. */
export function columnRefs<C extends Columns, S extends Side>(table: Table<C>, side: S): ColumnRefs<C, S> {
  const refs = {} as Record<string, ColumnRef<S>>
  for (const name of table.columnNames) {
    setOwn(refs, name, Object.freeze({ kind: 'column', side, table: table.name, name, type: table.columns[name]! }))
  }
  return Object.freeze(refs) as ColumnRefs<C, S>
}

function isRef(value: unknown): value is ColumnRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'column'
}

function compare(op: ComparisonOp, targetArg: unknown, operand: unknown): Comparison {
  if (!isRef(targetArg) || targetArg.side !== 'target') {
    throw conditionError(
      `${op}() takes a target column first (the wire format compares target-col with a source column or a constant)`,
      { op },
    )
  }
  const target = targetArg as ColumnRef<'target'>
  if (isRef(operand)) {
    if (operand.side !== 'source') {
      throw conditionError(`${op}(${target.name}, ${operand.name}): the second column must be a source column`, {
        op,
        column: operand.name,
      })
    }
    if (KIND_FAMILY[operand.type.kind] !== KIND_FAMILY[target.type.kind]) {
      throw conditionError(
        `${op}(${target.name}, ${operand.name}): ${target.type.kind} cannot be compared with ${operand.type.kind}`,
        { op, column: target.name },
      )
    }
    return Object.freeze({ kind: 'compare', op, target, operand: operand as ColumnRef<'source'> })
  }
  if (operand === null || operand === undefined) {
    // No null const type exists on the wire, and under SQL logic `col = NULL` never matches anyway.
    throw conditionError(
      `${op}(${target.name}, ${operand}): needs a source column or a constant; null is not a constant (NULL never matches a comparison)`,
      { op, column: target.name },
    )
  }
  // Constants are checked as non-nullable values of the column's kind: no null, NaN or Infinity.
  const strict: ColumnType = { ...target.type, nullable: false, allowNonFinite: false }
  const value = isoRangeCheck(strict.kind, normalizeValue(strict, operand))
  if (value instanceof InvalidValue || value === null) {
    const reason = value instanceof InvalidValue ? value.reason : 'null'
    throw conditionError(`${op}(${target.name}, …): constant for ${target.type.kind} column: ${reason}`, {
      op,
      column: target.name,
    })
  }
  return Object.freeze({ kind: 'compare', op, target, operand: Object.freeze({ kind: 'const', type: strict, value }) })
}

/** Date and timestamp constants travel as ISO-8601 text, which has four-digit years only. */
function isoRangeCheck(kind: ColumnKind, value: NormalizedValue | InvalidValue): NormalizedValue | InvalidValue {
  const range =
    kind === 'timestamp' || kind === 'timestamp_ntz' ? ISO_MICROS_RANGE : kind === 'date' ? ISO_DAYS_RANGE : undefined
  if (range === undefined || value instanceof InvalidValue || value === null) return value
  const n = value as number | bigint
  return n < range.min || n > range.max
    ? new InvalidValue('is outside the years 0000-9999 that an ISO-8601 constant can spell')
    : value
}

type Operand<T extends ColumnType> = ColumnRef<'source', ColumnType<ComparableKind<T['kind']>>> | ConstFor<T>

/**
 * target = source column or constant.
 * @example
 * ```ts
 * batch().delete({ target: orders, where: (t) => eq(t.customer, 'ACME') })
 * batch().update({ source: changes, target: orders, where: (t, s) => eq(t.id, s.id) })
 * ```
 */
export function eq<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return compare('eq', target, operand)
}
/**
 * target ≠ operand. Compiled as `or(lt, gt)`, because the wire format has no confirmed `ne`;
 * a NULL target matches neither, as in SQL.
 * @example `batch().delete({ target: orders, where: (t) => ne(t.customer, 'ACME') })`
 */
export function ne<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return not(compare('eq', target, operand))
}
/** target > operand. @example `gt(t.amount, 100)` */
export function gt<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return compare('gt', target, operand)
}
/** target ≥ operand. @example `gte(t.updated_at, new Date('2024-01-01T00:00:00Z'))` */
export function gte<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return compare('gte', target, operand)
}
/** target < operand. @example `lt(t.updated_at, '2020-01-01T00:00:00Z')` */
export function lt<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return compare('lt', target, operand)
}
/** target ≤ operand. @example `lte(t.id, 10_000n)` */
export function lte<T extends ColumnType>(target: ColumnRef<'target', T>, operand: Operand<T>): Condition {
  return compare('lte', target, operand)
}

function junction(kind: 'and' | 'or', args: readonly Condition[]): Condition {
  if (args.length === 0) throw conditionError(`${kind}() needs at least one condition`, { op: kind })
  args.forEach((arg, i) => {
    if (typeof arg !== 'object' || arg === null || !['compare', 'and', 'or', 'not'].includes(arg.kind)) {
      throw conditionError(`${kind}(): argument ${i} is not a condition`, { op: kind, index: i })
    }
  })
  return Object.freeze({ kind, args: Object.freeze([...args]) })
}

/** All conditions hold. @example `and(eq(t.a, s.a), eq(t.b, s.b))` */
export function and(...args: Condition[]): Condition {
  return junction('and', args)
}
/** At least one condition holds. @example `or(lt(t.id, 0), gt(t.id, 1000))` */
export function or(...args: Condition[]): Condition {
  return junction('or', args)
}
/**
 * The condition does not hold. Compiled by pushing the negation into the comparisons
 * (De Morgan; `not(lt)` → `gte`, `not(eq)` → `or(lt, gt)`), which is exact under SQL
 * three-valued logic and uses only confirmed wire operators.
 * @example `not(and(gte(t.id, 10), lte(t.id, 20)))`
 */
export function not(arg: Condition): Condition {
  if (typeof arg !== 'object' || arg === null || !['compare', 'and', 'or', 'not'].includes(arg.kind)) {
    throw conditionError('not() needs a condition', { op: 'not' })
  }
  return Object.freeze({ kind: 'not', arg })
}
