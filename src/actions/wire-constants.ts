import { BOOLEAN_CONST_SPELLING, type ConstType } from '../model/wire-vocabulary.js'
import type { ColumnKind, ColumnType } from '../schema/column-types.js'
import { formatDecimal } from '../schema/decimal.js'
import { formatEpochDay, formatMicrosIso, formatTimeMicros } from '../schema/temporal.js'
import type { NormalizedValue } from '../schema/values.js'
import type { WireConst } from './wire-schema.js'

/**
 * Which column kinds compare with each other: each kind's value family, named after its wire const type. `date` is
 * its own family (a date compares only with a date), although its constants travel as strings.
 */
export const KIND_FAMILY = {
  int64: 'integer',
  int32: 'integer',
  int16: 'integer',
  float64: 'double',
  decimal: 'decimal',
  text: 'string',
  bool: 'boolean',
  date: 'date',
  timestamp: 'datetime',
  timestamp_ntz: 'datetime_ntz',
  time: 'time',
} as const satisfies Record<ColumnKind, ConstType | 'date' | 'decimal' | 'datetime_ntz' | 'time'>

/**
 * The wire const type for each column kind: its family, except `date` → `string`, which is INFERRED: the wire has no
 * date const type, and a public user script compares DATE columns with `"type":"string"` values like "2024-01-01"
 * (docs/protocol.md §7.3.2). Change it here if a real server wants `datetime`.
 */
export const CONST_TYPE_OF_KIND: Readonly<Record<ColumnKind, ConstType>> = {
  ...KIND_FAMILY,
  date: 'string',
  // INFERRED like `date`: decimals travel as exact text (never a double), times as `HH:MM:SS.ffffff`
  // text, and wall-clock timestamps as `datetime` spelled with `Z` (the server compares them with a
  // zone-less column as the same wall clock).
  decimal: 'string',
  time: 'string',
  timestamp_ntz: 'datetime',
}

/** Encodes a validated constant: `v` is always a string; timestamps are UTC ISO-8601 with microseconds. */
export function encodeConst(column: ColumnType, value: Exclude<NormalizedValue, null>): WireConst {
  const type = CONST_TYPE_OF_KIND[column.kind]
  switch (column.kind) {
    case 'date':
      return { type, v: formatEpochDay(value as number) }
    case 'timestamp':
    case 'timestamp_ntz':
      return { type, v: formatMicrosIso(value as bigint) }
    case 'decimal':
      return { type, v: formatDecimal(value as bigint, column.scale ?? 0) }
    case 'time':
      return { type, v: formatTimeMicros(value as bigint) }
    case 'bool':
      return { type, v: value ? BOOLEAN_CONST_SPELLING.true : BOOLEAN_CONST_SPELLING.false }
    default:
      // bigint and finite numbers print exactly; strings pass through.
      return { type, v: String(value) }
  }
}
