import type { SchemaElement } from 'hyparquet'
import { HyperdeltaError } from '../errors.js'
import { openParquet } from '../payload/from-parquet.js'
import { decimalOf } from '../payload/parquet-decimal.js'
import { bool, type ColumnType, date, float64, int32, int64, text, timestamp } from './column-types.js'
import { type Columns, defineTable, type Table } from './define-table.js'
import { setOwn } from './own-property.js'

/** Every DECIMAL(p, 0) with p ≤ 18 fits a signed 64-bit integer. */
const MAX_INT64_DECIMAL_PRECISION = 18

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
 * FLOAT/DOUBLE → float64, UTF8 BYTE_ARRAY → text, DECIMAL(p ≤ 18, 0) → int64 (exact); OPTIONAL columns
 * are nullable. Nested columns, other decimals, unsigned integers and nanosecond timestamps are
 * rejected rather than converted lossily.
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
  // A file that is not Parquet is PAYLOAD_PARQUET_INPUT naming it (bad input), like every other Parquet read.
  const { metadata } = await openParquet(path)
  const [root, ...elements] = metadata.schema
  const columns: Columns = {}
  if ((root?.num_children ?? 0) !== elements.length) {
    const nested = elements.find((e) => (e.num_children ?? 0) > 0)
    throw unsupported(path, nested?.name ?? '?', 'a nested (group) type')
  }
  for (const element of elements) {
    if (element.repetition_type === 'REPEATED') throw unsupported(path, element.name, 'a repeated type')
    const decimal = decimalOf(element)
    if (decimal && (decimal.scale !== 0 || decimal.precision > MAX_INT64_DECIMAL_PRECISION)) {
      throw unsupported(
        path,
        element.name,
        decimal.scale !== 0
          ? `type DECIMAL(${decimal.precision}, ${decimal.scale}) (fractional digits; hyperdelta has no decimal column type and does not round: cast it to DOUBLE, or to BIGINT when whole)`
          : `type DECIMAL(${decimal.precision}, 0) (values up to ${decimal.precision} digits can exceed int64's 18: cast it to BIGINT or DECIMAL(18, 0))`,
      )
    }
    // DECIMAL(p ≤ 18, 0) always fits int64 and is read exactly (see parquet-decimal.ts).
    const type = decimal ? int64({ nullable: element.repetition_type === 'OPTIONAL' }) : columnTypeOf(element)
    if (!type) {
      const what = [element.type, element.logical_type?.type ?? element.converted_type].filter(Boolean).join(' ')
      throw unsupported(path, element.name, `type ${what}`)
    }
    setOwn(columns, element.name, type)
  }
  return defineTable(ref, columns)
}
