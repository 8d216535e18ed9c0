import type { ColumnKind } from '../schema/column-types.js'
import { formatEpochDay, formatMicrosIso } from '../schema/temporal.js'
import type { NormalizedValue } from '../schema/values.js'
import type { WireConst } from './wire-schema.js'
import { BOOLEAN_CONST_SPELLING, type ConstType } from './wire-vocabulary.js'

/**
 * The wire const type for each column kind. `date` → `string` is INFERRED: the XSD has no date
 * const type, and a public user script compares DATE columns with `"type":"string"` values like
 * "2024-01-01" (spec §7.3.2). Change it here if a real server wants `datetime`.
 */
export const CONST_TYPE_OF_KIND: Record<ColumnKind, ConstType> = {
  int64: 'integer',
  int32: 'integer',
  float64: 'double',
  text: 'string',
  bool: 'boolean',
  date: 'string',
  timestamp: 'datetime',
}

/** Encodes a validated constant: `v` is always a string; timestamps are UTC ISO-8601 with microseconds. */
export function encodeConst(kind: ColumnKind, value: Exclude<NormalizedValue, null>): WireConst {
  const type = CONST_TYPE_OF_KIND[kind]
  switch (kind) {
    case 'date':
      return { type, v: formatEpochDay(value as number) }
    case 'timestamp':
      return { type, v: formatMicrosIso(value as bigint) }
    case 'bool':
      return { type, v: value ? BOOLEAN_CONST_SPELLING.true : BOOLEAN_CONST_SPELLING.false }
    default:
      // bigint and finite numbers print exactly; strings pass through.
      return { type, v: String(value) }
  }
}
