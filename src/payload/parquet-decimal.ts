import type { FileMetaData, SchemaElement } from 'hyparquet'
import type { Table } from '../schema/define-table.js'
import { payloadError } from './payload-errors.js'

// hyparquet turns DECIMAL values into JavaScript numbers (value × 10^-scale), which is inexact past
// 2^53. hyperdelta has no decimal column type; a DECIMAL(p, 0) column read into an int32/int64
// column is read exactly instead (its unscaled integer), and a DECIMAL with a fractional scale is
// refused for integer columns rather than rounded.

export interface DecimalSpec {
  readonly precision: number
  readonly scale: number
}

/** The DECIMAL annotation of a schema element (logical or legacy converted type), if any. */
export function decimalOf(element: SchemaElement): DecimalSpec | undefined {
  const logical = element.logical_type
  if (logical?.type === 'DECIMAL') return { precision: logical.precision, scale: logical.scale }
  if (element.converted_type === 'DECIMAL') return { precision: element.precision ?? 0, scale: element.scale ?? 0 }
  return undefined
}

/**
 * For the table's int32/int64 columns stored as DECIMAL: refuses a scale above 0 with a message
 * saying so, and returns metadata whose DECIMAL(p, 0) columns are unannotated (so hyparquet hands
 * over the raw integers or two's-complement bytes) plus the names of those columns.
 */
export function exactDecimalColumns(
  path: string,
  metadata: FileMetaData,
  table: Table | undefined,
  columns: readonly string[],
): { metadata: FileMetaData; decimals: ReadonlySet<string> } {
  const decimals = new Set<string>()
  if (!table) return { metadata, decimals }
  const schema = metadata.schema.map((element, i) => {
    if (i === 0 || !columns.includes(element.name) || !Object.hasOwn(table.columns, element.name)) return element
    const kind = table.columns[element.name]!.kind
    const spec = decimalOf(element)
    if (!spec || (kind !== 'int64' && kind !== 'int32')) return element
    if (spec.scale !== 0) {
      throw payloadError(
        'PAYLOAD_PARQUET_INPUT',
        `${path}: column "${element.name}" is DECIMAL(${spec.precision}, ${spec.scale}), which has ${spec.scale} fractional digit(s); the ${kind} column takes whole numbers only (DECIMAL with scale 0), and hyperdelta does not round. Convert it (e.g. CAST(ROUND(x) AS BIGINT)) or declare the column float64`,
        { path, column: element.name, precision: spec.precision, scale: spec.scale },
      )
    }
    decimals.add(element.name)
    const { logical_type: _logical, converted_type: _converted, ...plain } = element
    return plain as SchemaElement
  })
  return decimals.size === 0 ? { metadata, decimals } : { metadata: { ...metadata, schema }, decimals }
}

/** An unscaled DECIMAL value as hyparquet returns it unannotated: number (INT32), bigint (INT64) or big-endian two's-complement bytes. */
export function decimalInteger(value: unknown): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === 'number') return value // INT32-backed: always a safe integer
  if (!(value instanceof Uint8Array)) return value
  if (value.length === 0) return 0n
  let n = 0n
  for (const byte of value) n = (n << 8n) | BigInt(byte)
  return value[0]! & 0x80 ? n - (1n << BigInt(value.length * 8)) : n
}
