/**
 * Column types: the one source of truth for a column's JS value type, its Parquet type and the
 * type of the constants it may be compared with.
 */
export const COLUMN_KINDS = ['int64', 'int32', 'float64', 'text', 'bool', 'date', 'timestamp'] as const
export type ColumnKind = (typeof COLUMN_KINDS)[number]

export interface ColumnOptions<N extends boolean = boolean> {
  /** The column accepts NULL (`null` or a missing key in a row). Default false. */
  readonly nullable?: N
}

export interface Float64Options<N extends boolean = boolean> extends ColumnOptions<N> {
  /** Accept NaN and ±Infinity in rows (never in constants). Default false. */
  readonly allowNonFinite?: boolean
}

/** A column's type. Frozen data; `kind` tags it. */
export interface ColumnType<K extends ColumnKind = ColumnKind, N extends boolean = boolean> {
  readonly kind: K
  readonly nullable: N
  readonly allowNonFinite: boolean
}

/** JS values a row may hold for each kind (before validation). */
export interface ColumnValueMap {
  /** bigint, or a number that is a safe integer. */
  int64: bigint | number
  int32: number
  float64: number
  text: string
  bool: boolean
  /** A Date (its UTC calendar day) or a `YYYY-MM-DD` string. */
  date: Date | string
  /** A Date (ms precision), bigint microseconds since the epoch, or an ISO-8601 string with `Z` or an offset. */
  timestamp: Date | bigint | string
}

/** The JS value type a column accepts. */
export type ValueOf<C extends ColumnType> =
  C extends ColumnType<infer K, infer N> ? (N extends true ? ColumnValueMap[K] | null : ColumnValueMap[K]) : never

// The factories return `ColumnType<K, NoInfer<N>>`: without NoInfer, TypeScript infers N from the
// contextual type inside defineTable({...}) (`boolean`), and RowOf/ValueOf lose track of nullability.
function column<K extends ColumnKind, N extends boolean>(
  kind: K,
  options: Float64Options<N> | undefined,
): ColumnType<K, N> {
  return Object.freeze({
    kind,
    nullable: (options?.nullable ?? false) as N,
    allowNonFinite: options?.allowNonFinite ?? false,
  })
}

/**
 * 64-bit signed integer. Values are exact over the full range: pass `bigint` beyond 2^53.
 * @example
 * ```ts
 * import { defineTable, int64 } from 'hyperdelta'
 * const t = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), parent: int64({ nullable: true }) })
 * ```
 */
export function int64<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'int64', NoInfer<N>> {
  return column('int64', options)
}
/** 32-bit signed integer. @example `defineTable({ name: 'T' }, { qty: int32() })` */
export function int32<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'int32', NoInfer<N>> {
  return column('int32', options)
}
/** IEEE-754 double. NaN/±Infinity are rejected unless `allowNonFinite`. @example `float64({ nullable: true })` */
export function float64<N extends boolean = false>(options?: Float64Options<N>): ColumnType<'float64', NoInfer<N>> {
  return column('float64', options)
}
/** UTF-8 text. @example `text()` */
export function text<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'text', NoInfer<N>> {
  return column('text', options)
}
/** Boolean. @example `bool({ nullable: true })` */
export function bool<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'bool', NoInfer<N>> {
  return column('bool', options)
}
/** Calendar date (no time zone). @example `date()` */
export function date<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'date', NoInfer<N>> {
  return column('date', options)
}
/** Instant in UTC with microsecond precision. @example `timestamp()` */
export function timestamp<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'timestamp', NoInfer<N>> {
  return column('timestamp', options)
}
