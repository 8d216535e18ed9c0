import { asyncBufferFromFile, parquetMetadataAsync, type SchemaElement } from 'hyparquet'
import { HyperdeltaError } from '../errors.js'
import { bool, type ColumnType, date, float64, int32, int64, text, timestamp } from './column-types.js'
import { type Columns, defineTable, type Table } from './define-table.js'
import { setOwn } from './own-property.js'

function unsupported(path: string, column: string, what: string): HyperdeltaError {
  return new HyperdeltaError(
    'PARQUET_SCHEMA_UNSUPPORTED',
    `payload: ${path}: column "${column}" has ${what}, which hyperdelta cannot carry`,
    {
      details: { path, column },
    },
  )
}

/** The column type for one flat Parquet schema element, or undefined if unsupported. */
function columnTypeOf(element: SchemaElement): ColumnType | undefined {
  const o = { nullable: element.repetition_type === 'OPTIONAL' }
  const logical = element.logical_type
  const converted = element.converted_type
  switch (element.type) {
    case 'BOOLEAN':
      return bool(o)
    case 'INT32':
      if (logical?.type === 'DATE' || converted === 'DATE') return date(o)
      if (logical?.type === 'INTEGER' && !logical.isSigned) return undefined
      if (logical && logical.type !== 'INTEGER') return undefined
      if (converted && !['INT_8', 'INT_16', 'INT_32'].includes(converted)) return undefined
      return int32(o)
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') return logical.unit === 'NANOS' ? undefined : timestamp(o)
      if (converted === 'TIMESTAMP_MICROS' || converted === 'TIMESTAMP_MILLIS') return timestamp(o)
      if (logical?.type === 'INTEGER' && !logical.isSigned) return undefined
      if (logical && logical.type !== 'INTEGER') return undefined
      if (converted && converted !== 'INT_64') return undefined
      return int64(o)
    case 'FLOAT':
    case 'DOUBLE':
      // FLOAT widens to double exactly. Parquet files from other tools may hold NaN, so allow it.
      return float64({ ...o, allowNonFinite: true })
    case 'BYTE_ARRAY':
      return logical?.type === 'STRING' || converted === 'UTF8' ? text(o) : undefined
    default:
      return undefined
  }
}

/**
 * Reads a Parquet file's footer (only the footer) and returns the equivalent table definition:
 * BOOLEAN → bool, INT32 → int32 (DATE → date), INT64 → int64 (TIMESTAMP millis/micros → timestamp),
 * FLOAT/DOUBLE → float64, UTF8 BYTE_ARRAY → text; OPTIONAL columns are nullable. Nested columns,
 * decimals, unsigned integers and nanosecond timestamps are rejected rather than converted lossily.
 *
 * @example
 * ```ts
 * import { tableFromParquet } from 'hyperdelta'
 * const changes = await tableFromParquet('changes.parquet', { name: 'changes', schema: 'Extract' })
 * console.log(changes.columnNames)
 * ```
 */
export async function tableFromParquet(
  path: string,
  ref: { name: string; schema?: string | undefined },
): Promise<Table<Columns>> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
  const [root, ...elements] = metadata.schema
  const columns: Columns = {}
  if ((root?.num_children ?? 0) !== elements.length) {
    const nested = elements.find((e) => (e.num_children ?? 0) > 0)
    throw unsupported(path, nested?.name ?? '?', 'a nested (group) type')
  }
  for (const element of elements) {
    if (element.repetition_type === 'REPEATED') throw unsupported(path, element.name, 'a repeated type')
    const type = columnTypeOf(element)
    if (!type) {
      const what = [element.type, element.logical_type?.type ?? element.converted_type].filter(Boolean).join(' ')
      throw unsupported(path, element.name, `type ${what}`)
    }
    setOwn(columns, element.name, type)
  }
  return defineTable(ref, columns)
}
