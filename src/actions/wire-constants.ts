import type { ColumnKind } from '../schema/column-types.js'
import { formatEpochDay, formatMicrosIso } from '../schema/temporal.js'
import type { NormalizedValue } from '../schema/values.js'
import type { WireConst } from './wire-schema.js'
import { BOOLEAN_CONST_SPELLING, type ConstType } from './wire-vocabulary.js'

/**
 * Which column kinds compare with each other: each kind's value family, named after its wire const type. `date` is
 * its own family (a date compares only with a date), although its constants travel as strings.
 */
export const KIND_FAMILY = {
  int64: 'integer',
  int32: 'integer',
  float64: 'double',
  text: 'string',
  bool: 'boolean',
  date: 'date',
  timestamp: 'datetime',
} as const satisfies Record<ColumnKind, ConstType | 'date'>

/**
 * The wire const type for each column kind: its family, except `date` → `string`, which is INFERRED: the wire has no
 * date const type, and a public user script compares DATE columns with `"type":"string"` values like "2024-01-01"
 * (docs/protocol.md §7.3.2). Change it here if a real server wants `datetime`.
 */
export const CONST_TYPE_OF_KIND: Readonly<Record<ColumnKind, ConstType>> = { ...KIND_FAMILY, date: 'string' }

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
