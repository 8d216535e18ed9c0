import { HyperdeltaError } from '../errors.js'
import { type Columns, defineTable, type Table } from '../schema/define-table.js'
import { columnTypeFor, describeInput, parquetInputType } from '../schema/input-types.js'
import { setOwn } from '../schema/own-property.js'
import { openParquet } from './from-parquet.js'

function unsupported(path: string, column: string, what: string): HyperdeltaError {
  return new HyperdeltaError(
    'PARQUET_SCHEMA_UNSUPPORTED',
    `payload: ${path}: column "${column}" has ${what}, which hyperdelta cannot carry`,
    {
      details: { path, column },
    },
  )
}

/**
 * Reads a Parquet file's footer (only the footer) and returns the equivalent table definition:
 * each column's own type by the one input rule (input-types.ts): BOOLEAN → bool, INT(8/16) → int16,
 * INT32 → int32, INT64 → int64, DECIMAL(p, s) → decimal(p, s), FLOAT/DOUBLE → float64, UTF8 → text,
 * DATE → date, TIMESTAMP adjusted to UTC → timestamp(), not adjusted (DuckDB's default) →
 * timestamp({ timeZone: false }), TIME → time(); OPTIONAL columns are nullable. Nested columns and
 * types with no column kind (unsigned 64-bit, INT96, binary...) are refused naming the column.
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
    const input = parquetInputType(element)
    const type = columnTypeFor(input, element.repetition_type === 'OPTIONAL')
    if (!type) throw unsupported(path, element.name, `type ${describeInput(input)}`)
    setOwn(columns, element.name, type)
  }
  return defineTable(ref, columns)
}
