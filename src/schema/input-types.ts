import type { SchemaElement } from 'hyparquet'
import {
  bool,
  type ColumnType,
  date,
  decimal,
  describeColumnType,
  float64,
  int16,
  int32,
  int64,
  MAX_DECIMAL_PRECISION,
  text,
  time,
  timestamp,
} from './column-types.js'
import { formatDecimal } from './decimal.js'
import { formatEpochDay, formatMicrosIso, MICROS_PER_DAY } from './temporal.js'
import { InvalidValue } from './values.js'

/**
 * The one rule for what an input column (a Parquet file's, an Arrow table's, a DuckDB snapshot's)
 * may fill a declared column with: push, the loader, nightly CDC and every publish ask here, so they
 * accept and refuse the same inputs with the same words. A conversion is allowed only where it is
 * exact for every value, or where each value is checked (timestamps into dates: whole days only;
 * nanoseconds: whole microseconds only).
 */
export type InputType =
  | { readonly kind: 'int'; readonly bits: number; readonly signed: boolean }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'float'; readonly bits: 32 | 64 }
  | { readonly kind: 'text' | 'bool' | 'date' }
  | { readonly kind: 'timestamp'; readonly unit: TimeUnit; readonly utc: boolean }
  | { readonly kind: 'time'; readonly unit: TimeUnit }
  | { readonly kind: 'other'; readonly name: string }
export type TimeUnit = 's' | 'ms' | 'us' | 'ns'

/** How an input type is spelled in messages, e.g. `DECIMAL(21, 1)`, `TIMESTAMP (ms, no time zone)`. */
export function describeInput(input: InputType): string {
  switch (input.kind) {
    case 'int':
      return `${input.signed ? '' : 'unsigned '}${input.bits}-bit integer`
    case 'decimal':
      return `DECIMAL(${input.precision}, ${input.scale})`
    case 'float':
      return input.bits === 64 ? 'DOUBLE' : 'FLOAT'
    case 'timestamp':
      return `TIMESTAMP (${input.unit}, ${input.utc ? 'UTC' : 'no time zone'})`
    case 'time':
      return `TIME (${input.unit})`
    case 'other':
      return input.name
    default:
      return input.kind.toUpperCase()
  }
}

/** Decimal digits every integer of this width fits in. */
const intDigits = (bits: number, signed: boolean): number => Math.floor((signed ? bits - 1 : bits) * Math.log10(2)) + 1

/** The column type an input maps to by itself (tableFromParquet, `describe`), or undefined when none exists. */
export function columnTypeFor(input: InputType, nullable: boolean): ColumnType | undefined {
  const o = { nullable }
  switch (input.kind) {
    case 'int': {
      const bits = input.signed ? input.bits : input.bits * 2
      return bits <= 16 ? int16(o) : bits <= 32 ? int32(o) : bits <= 64 ? int64(o) : undefined
    }
    case 'decimal':
      return input.precision <= MAX_DECIMAL_PRECISION ? decimal(input.precision, input.scale, o) : undefined
    case 'float':
      return float64(o)
    case 'text':
      return text(o)
    case 'bool':
      return bool(o)
    case 'date':
      return date(o)
    case 'timestamp':
      return input.utc ? timestamp(o) : timestamp({ ...o, timeZone: false })
    case 'time':
      return time(o)
    default:
      return undefined
  }
}

function accepts(column: ColumnType, input: InputType): boolean {
  switch (column.kind) {
    case 'int64':
    case 'int32':
    case 'int16':
      // Integers of any width, DECIMAL(p, 0), and floats (as `tableFromArrays` makes numbers): each value is
      // checked by the column, whole and in range (exact where it is, refused naming the row where it is not).
      return input.kind === 'int' || input.kind === 'float' || (input.kind === 'decimal' && input.scale === 0)
    case 'decimal': {
      const p = column.precision ?? MAX_DECIMAL_PRECISION
      const s = column.scale ?? 0
      if (input.kind === 'int') return intDigits(input.bits, input.signed) <= p - s
      return input.kind === 'decimal' && input.scale <= s && input.precision - input.scale <= p - s
    }
    case 'float64':
      // Every integer of up to 32 bits is a double exactly; wider ones are not.
      return input.kind === 'float' || (input.kind === 'int' && input.bits <= 32)
    case 'date':
      return input.kind === 'date' || input.kind === 'timestamp'
    case 'timestamp':
      // A zone-less timestamp is read as UTC (as JavaScript Dates and Arrow's tableFromArrays make them).
      return input.kind === 'timestamp'
    case 'timestamp_ntz':
      return input.kind === 'timestamp' && !input.utc
    case 'time':
      return input.kind === 'time'
    default:
      return input.kind === column.kind
  }
}

/**
 * Why a declared column cannot take an input column, naming the input type and what to declare
 * instead, or undefined when it can. `column` is the column's name.
 */
export function inputRefusal(name: string, column: ColumnType, input: InputType): string | undefined {
  if (accepts(column, input)) return undefined
  const fit = columnTypeFor(input, column.nullable)
  const instead = fit ? `; declare it ${describeColumnType(fit).replace(/\?$/, '')} to take it as it is` : ''
  const declared = describeColumnType(column).replace(/\?$/, '')
  const article = /^[aeiou]/.test(declared) ? 'an' : 'a'
  return `column "${name}" is ${describeInput(input)}, which ${article} ${declared} column cannot take exactly${instead}`
}

/**
 * The per-value conversion an accepted input needs before the column validates it, or undefined.
 * Values arrive as the readers give them: timestamps as bigint µs, DECIMALs as unscaled integers.
 */
export function inputConverter(column: ColumnType, input: InputType): ((value: unknown) => unknown) | undefined {
  if (column.kind === 'date' && input.kind === 'timestamp') {
    return (v) => {
      if (typeof v !== 'bigint') return v
      return v % MICROS_PER_DAY === 0n
        ? formatEpochDay(Number(v / MICROS_PER_DAY))
        : new InvalidValue(`${formatMicrosIso(v)} is a ${describeInput(input)} that is not a whole day`)
    }
  }
  if (column.kind === 'decimal' && input.kind === 'decimal') {
    return (v) => (typeof v === 'bigint' || typeof v === 'number' ? formatDecimal(BigInt(v), input.scale) : v)
  }
  if (column.kind === 'decimal' && input.kind === 'int') return (v) => (typeof v === 'number' ? BigInt(v) : v)
  if (column.kind === 'int16' || column.kind === 'int32') return (v) => (typeof v === 'bigint' ? Number(v) : v)
  return undefined
}

const TIME_UNITS: Readonly<Record<string, TimeUnit>> = { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }

/** The input type of a flat Parquet schema element (hyparquet's footer form). */
export function parquetInputType(e: SchemaElement): InputType {
  const logical = e.logical_type
  const converted = e.converted_type
  const other = (): InputType => ({
    kind: 'other',
    name: [e.type, logical?.type ?? converted].filter(Boolean).join(' '),
  })
  if (logical?.type === 'DECIMAL') return { kind: 'decimal', precision: logical.precision, scale: logical.scale }
  if (converted === 'DECIMAL') return { kind: 'decimal', precision: e.precision ?? 0, scale: e.scale ?? 0 }
  if (logical?.type === 'TIMESTAMP')
    return { kind: 'timestamp', unit: TIME_UNITS[logical.unit]!, utc: logical.isAdjustedToUTC }
  if (converted === 'TIMESTAMP_MICROS' || converted === 'TIMESTAMP_MILLIS') {
    return { kind: 'timestamp', unit: converted === 'TIMESTAMP_MICROS' ? 'us' : 'ms', utc: true }
  }
  if (logical?.type === 'TIME') return e.type === 'INT64' ? { kind: 'time', unit: TIME_UNITS[logical.unit]! } : other()
  if (converted === 'TIME_MICROS') return { kind: 'time', unit: 'us' }
  if (logical?.type === 'DATE' || converted === 'DATE') return { kind: 'date' }
  switch (e.type) {
    case 'BOOLEAN':
      return logical || converted ? other() : { kind: 'bool' }
    case 'INT32':
    case 'INT64': {
      const bits = e.type === 'INT32' ? 32 : 64
      if (logical?.type === 'INTEGER') return { kind: 'int', bits: logical.bitWidth, signed: logical.isSigned }
      const legacy = /^(U?)INT_(8|16|32|64)$/.exec(converted ?? '')
      if (legacy) return { kind: 'int', bits: Number(legacy[2]), signed: legacy[1] === '' }
      return logical || converted ? other() : { kind: 'int', bits, signed: true }
    }
    case 'FLOAT':
    case 'DOUBLE':
      return { kind: 'float', bits: e.type === 'FLOAT' ? 32 : 64 }
    case 'BYTE_ARRAY':
      return logical?.type === 'STRING' || converted === 'UTF8' ? { kind: 'text' } : other()
    default:
      return other()
  }
}

const DUCKDB_INTS: Readonly<Record<string, [number, boolean]>> = {
  TINYINT: [8, true],
  SMALLINT: [16, true],
  INTEGER: [32, true],
  BIGINT: [64, true],
  HUGEINT: [128, true],
  UTINYINT: [8, false],
  USMALLINT: [16, false],
  UINTEGER: [32, false],
  UBIGINT: [64, false],
}
const DUCKDB_TIMESTAMPS: Readonly<Record<string, [TimeUnit, boolean]>> = {
  TIMESTAMP: ['us', false],
  'TIMESTAMP WITH TIME ZONE': ['us', true],
  TIMESTAMP_S: ['s', false],
  TIMESTAMP_MS: ['ms', false],
  TIMESTAMP_NS: ['ns', false],
}

/** The input type of a DuckDB column type name (`DESCRIBE` output). */
export function duckdbInputType(name: string): InputType {
  const int = DUCKDB_INTS[name]
  if (int) return { kind: 'int', bits: int[0], signed: int[1] }
  const ts = DUCKDB_TIMESTAMPS[name]
  if (ts) return { kind: 'timestamp', unit: ts[0], utc: ts[1] }
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(name)
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) }
  const simple: Readonly<Record<string, InputType>> = {
    FLOAT: { kind: 'float', bits: 32 },
    DOUBLE: { kind: 'float', bits: 64 },
    VARCHAR: { kind: 'text' },
    BOOLEAN: { kind: 'bool' },
    DATE: { kind: 'date' },
    TIME: { kind: 'time', unit: 'us' },
  }
  return simple[name] ?? { kind: 'other', name }
}
