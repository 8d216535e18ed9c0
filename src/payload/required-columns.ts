import type { Table } from '../schema/define-table.js'
import { payloadError } from './payload-errors.js'

/**
 * Refuses an input that names its columns (a Parquet file's schema, an Arrow batch's fields) but lacks one the
 * table declares: packaging would write NULL in every row of it, and an upsert would overwrite the target's
 * values. (A delete's source declares only its condition's columns, so its files need only those.) `what`
 * names the input in the message (`file.parquet`, `Arrow input`).
 */
export function assertRequiredColumns(present: readonly string[], table: Table, what: string, path?: string): void {
  const have = new Set(present)
  const missing = table.columnNames.find((c) => !have.has(c))
  if (missing === undefined) return
  throw payloadError(
    'PAYLOAD_COLUMN_MISSING',
    `${what} has no column "${missing}", which ${table.name} declares (it would be NULL in every row); add the column, or declare the table without it`,
    { table: table.name, column: missing, columns: table.columnNames, ...(path !== undefined && { path }) },
  )
}
