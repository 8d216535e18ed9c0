import { HyperdeltaError } from '../errors.js'

/**
 * Column types: the one source of truth for a column's JS value type, its Parquet type and the
 * type of the constants it may be compared with.
 */
export const COLUMN_KINDS = [
  'int64',
  'int32',
  'int16',
  'float64',
  'decimal',
  'text',
  'bool',
  'date',
  'timestamp',
  'timestamp_ntz',
  'time',
] as const
export type ColumnKind = (typeof COLUMN_KINDS)[number]

export interface ColumnOptions<N extends boolean = boolean> {
  /** The column accepts NULL (`null` or a missing key in a row). Default false. */
  readonly nullable?: N
}

export interface Float64Options<N extends boolean = boolean> extends ColumnOptions<N> {
  /** Accept NaN and ±Infinity in rows (never in constants). Default false. */
  readonly allowNonFinite?: boolean
}

/** `decimal(precision, scale)`: Hyper's NUMERIC(p, s), at most 38 digits. */
export const MAX_DECIMAL_PRECISION = 38

export interface TimestampOptions<N extends boolean = boolean> extends ColumnOptions<N> {
  /**
   * true (default): an instant in UTC (Hyper TIMESTAMP_TZ, Parquet TIMESTAMP isAdjustedToUTC=true).
   * false: a wall-clock date and time without zone (Hyper TIMESTAMP, Parquet isAdjustedToUTC=false);
   * its kind is `timestamp_ntz`.
   */
  readonly timeZone?: boolean
}

/** A column's type. Frozen data; `kind` tags it. */
export interface ColumnType<K extends ColumnKind = ColumnKind, N extends boolean = boolean> {
  readonly kind: K
  readonly nullable: N
  readonly allowNonFinite: boolean
  /** decimal only: total digits (1..38) and digits after the point (0..precision). */
  readonly precision?: number
  readonly scale?: number
}

/** JS values a row may hold for each kind (before validation). */
export interface ColumnValueMap {
  /** bigint, or a number that is a safe integer. */
  int64: bigint | number
  int32: number
  int16: number
  float64: number
  /**
   * Exact only: a decimal string (`"-12.50"`, no exponent), a bigint (a whole value: `5n` is 5) or a
   * safe-integer number. More fractional digits than the scale are refused unless they are zeros.
   */
  decimal: string | bigint | number
  text: string
  bool: boolean
  /** A Date (its UTC calendar day) or a `YYYY-MM-DD` string. */
  date: Date | string
  /** A Date (ms precision), bigint microseconds since the epoch, or an ISO-8601 string with `Z` or an offset. */
  timestamp: Date | bigint | string
  /**
   * A wall-clock date and time: an ISO-8601 string WITHOUT zone (`2024-05-01T10:30:00.123456`),
   * bigint microseconds since 1970-01-01T00:00, or a Date (read as its UTC fields).
   */
  timestamp_ntz: Date | bigint | string
  /** Time of day: `HH:MM[:SS[.ffffff]]` or bigint microseconds since midnight. */
  time: string | bigint
}

/** The JS value type a column accepts. */
export type ValueOf<C extends ColumnType> =
  C extends ColumnType<infer K, infer N> ? (N extends true ? ColumnValueMap[K] | null : ColumnValueMap[K]) : never

// The factories return `ColumnType<K, NoInfer<N>>`: without NoInfer, TypeScript infers N from the
// contextual type inside defineTable({...}) (`boolean`), and RowOf/ValueOf lose track of nullability.
function column<K extends ColumnKind, N extends boolean>(
  kind: K,
  options: Float64Options<N> | undefined,
  decimal?: { precision: number; scale: number },
): ColumnType<K, N> {
  return Object.freeze({
    kind,
    nullable: (options?.nullable ?? false) as N,
    allowNonFinite: options?.allowNonFinite ?? false,
    ...decimal,
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
/** 16-bit signed integer (Hyper SMALLINT). @example `int16({ nullable: true })` */
export function int16<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'int16', NoInfer<N>> {
  return column('int16', options)
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
/**
 * Date and time with microsecond precision: by default an instant in UTC (kind `timestamp`); with
 * `timeZone: false` a wall-clock time without zone (kind `timestamp_ntz`), as DuckDB, Postgres and
 * Spark write `TIMESTAMP` by default.
 * @example `timestamp()`, `timestamp({ timeZone: false, nullable: true })`
 */
export function timestamp<N extends boolean = false>(
  options: TimestampOptions<N> & { timeZone: false },
): ColumnType<'timestamp_ntz', NoInfer<N>>
export function timestamp<N extends boolean = false>(
  options?: TimestampOptions<N> & { timeZone?: true },
): ColumnType<'timestamp', NoInfer<N>>
export function timestamp<N extends boolean = false>(
  options?: TimestampOptions<N>,
): ColumnType<'timestamp' | 'timestamp_ntz', NoInfer<N>> {
  return column(options?.timeZone === false ? 'timestamp_ntz' : 'timestamp', options)
}
/** Time of day with microsecond precision, no zone (Hyper TIME). @example `time()` */
export function time<N extends boolean = false>(options?: ColumnOptions<N>): ColumnType<'time', NoInfer<N>> {
  return column('time', options)
}
/**
 * Exact decimal number, Hyper NUMERIC(precision, scale): `precision` digits in all (1..38), `scale`
 * of them after the point. Values are never rounded: pass strings or bigints.
 * @example `decimal(12, 2)`, `decimal(21, 1, { nullable: true })`
 */
export function decimal<N extends boolean = false>(
  precision: number,
  scale: number,
  options?: ColumnOptions<N>,
): ColumnType<'decimal', NoInfer<N>> {
  const ok =
    Number.isInteger(precision) &&
    Number.isInteger(scale) &&
    precision >= 1 &&
    precision <= MAX_DECIMAL_PRECISION &&
    scale >= 0 &&
    scale <= precision
  if (!ok) {
    throw new HyperdeltaError(
      'TABLE_INVALID',
      `table: decimal(${precision}, ${scale}) needs 1 <= precision <= ${MAX_DECIMAL_PRECISION} and 0 <= scale <= precision`,
    )
  }
  return column('decimal', options, { precision, scale })
}

/** How a column type is spelled in messages and schema files: `decimal(21, 1)`, `timestamp_ntz`, `int16?`... */
export function describeColumnType(column: ColumnType): string {
  const base = column.kind === 'decimal' ? `decimal(${column.precision}, ${column.scale})` : column.kind
  return column.nullable ? `${base}?` : base
}
