import type { ColumnType } from '../../schema/column-types.js'
import type { ThriftWriter } from './thrift-compact.js'

/**
 * How each column kind is stored in a change file: the Parquet physical type and the logical and
 * legacy converted annotations (parquet.thrift ids), chosen so DuckDB (and Hyper) read back the
 * column's own type: INT(16) → SMALLINT, DECIMAL(p, s) → DECIMAL(p, s), TIMESTAMP isAdjustedToUTC
 * true → TIMESTAMP WITH TIME ZONE and false → TIMESTAMP, TIME (not adjusted) → TIME.
 */

export const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED: 7 }
const CONVERTED = { UTF8: 0, DECIMAL: 5, DATE: 6, TIMESTAMP_MICROS: 10, INT_16: 16 }
const LOGICAL = { STRING: 1, DECIMAL: 5, DATE: 6, TIME: 7, TIMESTAMP: 8, INTEGER: 10 }
const MICROS = 2

/** Decimals up to this precision are stored in INT64 (as DuckDB and parquet-mr do); wider ones in 16 bytes. */
export const INT64_DECIMAL_PRECISION = 18
/** Bytes of a FIXED_LEN_BYTE_ARRAY decimal: 16 hold 38 digits. */
export const DECIMAL_BYTES = 16

/** The type facts of a leaf: its kind, and precision/scale for decimals. */
export type LeafType = Pick<ColumnType, 'kind' | 'precision' | 'scale'>

export function physicalType(leaf: LeafType): number {
  switch (leaf.kind) {
    case 'int64':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'time':
      return PHYSICAL.INT64
    case 'decimal':
      return (leaf.precision ?? 38) <= INT64_DECIMAL_PRECISION ? PHYSICAL.INT64 : PHYSICAL.FIXED
    case 'int32':
    case 'int16':
    case 'date':
      return PHYSICAL.INT32
    case 'float64':
      return PHYSICAL.DOUBLE
    case 'text':
      return PHYSICAL.BYTE_ARRAY
    case 'bool':
      return PHYSICAL.BOOLEAN
  }
}

/** Bytes per value in a data page for fixed-width kinds (FIXED decimals: 16). */
export function fixedWidth(leaf: LeafType): number {
  const physical = physicalType(leaf)
  return physical === PHYSICAL.FIXED ? DECIMAL_BYTES : physical === PHYSICAL.INT32 ? 4 : 8
}

function unit(w: ThriftWriter, id: number): void {
  w.begin(id)
  w.begin(MICROS)
  w.end()
  w.end()
}

/**
 * Writes a SchemaElement's fields after the name (4): type_length (2) cannot come after, so the
 * caller writes it; here the converted type (6), scale (7), precision (8) and logical type (10).
 */
export function writeLeafAnnotations(w: ThriftWriter, leaf: LeafType): void {
  const converted: Partial<Record<ColumnType['kind'], number>> = {
    text: CONVERTED.UTF8,
    date: CONVERTED.DATE,
    timestamp: CONVERTED.TIMESTAMP_MICROS,
    int16: CONVERTED.INT_16,
    decimal: CONVERTED.DECIMAL,
  }
  const c = converted[leaf.kind]
  if (c !== undefined) w.i32(6, c)
  if (leaf.kind === 'decimal') {
    w.i32(7, leaf.scale ?? 0)
    w.i32(8, leaf.precision ?? 38)
  }
  if (['int64', 'int32', 'float64', 'bool'].includes(leaf.kind)) return
  w.begin(10) // LogicalType union
  switch (leaf.kind) {
    case 'text':
      w.begin(LOGICAL.STRING)
      break
    case 'date':
      w.begin(LOGICAL.DATE)
      break
    case 'int16':
      w.begin(LOGICAL.INTEGER)
      w.fieldHeader(1, 3) // i8 bitWidth
      w.byte(16)
      w.bool(2, true)
      break
    case 'decimal':
      w.begin(LOGICAL.DECIMAL)
      w.i32(1, leaf.scale ?? 0)
      w.i32(2, leaf.precision ?? 38)
      break
    case 'timestamp':
    case 'timestamp_ntz':
      w.begin(LOGICAL.TIMESTAMP)
      w.bool(1, leaf.kind === 'timestamp')
      unit(w, 2)
      break
    default: // time
      w.begin(LOGICAL.TIME)
      w.bool(1, false)
      unit(w, 2)
  }
  w.end()
  w.end()
}
