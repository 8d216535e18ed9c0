import type { FileMetaData, SchemaElement } from 'hyparquet'
import { describeColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { describeInput, inputConverter, inputRefusal, parquetInputType } from '../schema/input-types.js'
import { payloadError } from './payload-errors.js'

// hyparquet turns DECIMAL values into JavaScript numbers (value × 10^-scale), which is inexact past
// 2^53: every DECIMAL column is read unannotated instead (its unscaled integer), then converted
// exactly for the declared column (see input-types.ts).

/**
 * Checks each read column of the file against the table's column with the one input rule
 * ({@link inputRefusal}: typed PAYLOAD_PARQUET_INPUT naming file, column, input type and what to
 * declare), and returns metadata whose DECIMAL columns are unannotated (so hyparquet hands over the
 * raw unscaled integers, never a rounded number), the names of those columns, and each column's
 * per-value conversion.
 */
export function exactInputColumns(
  path: string,
  metadata: FileMetaData,
  table: Table | undefined,
  columns: readonly string[],
): { metadata: FileMetaData; decimals: ReadonlySet<string>; convert: ReadonlyMap<string, (v: unknown) => unknown> } {
  const decimals = new Set<string>()
  const convert = new Map<string, (v: unknown) => unknown>()
  if (!table) return { metadata, decimals, convert }
  const schema = metadata.schema.map((element, i) => {
    if (i === 0 || !columns.includes(element.name) || !Object.hasOwn(table.columns, element.name)) return element
    const column = table.columns[element.name]!
    const input = parquetInputType(element)
    const refusal = inputRefusal(element.name, column, input)
    if (refusal !== undefined) {
      throw payloadError('PAYLOAD_PARQUET_INPUT', `${path}: ${refusal}`, {
        path,
        column: element.name,
        input: describeInput(input),
        declared: describeColumnType(column),
      })
    }
    const converter = inputConverter(column, input)
    if (converter) convert.set(element.name, converter)
    if (input.kind !== 'decimal') return element
    decimals.add(element.name)
    const { logical_type: _logical, converted_type: _converted, ...plain } = element
    return plain as SchemaElement
  })
  return { metadata: decimals.size === 0 ? metadata : { ...metadata, schema }, decimals, convert }
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
