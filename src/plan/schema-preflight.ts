import type { Batch } from '../actions/batch.js'
import type { WireBatch } from '../actions/wire-schema.js'
import type { VizqlReader } from '../client/vizql-data-service/vds.js'
import { type DescribedColumn, describedColumns } from '../client/vizql-data-service/vds-metadata.js'
import { HyperdeltaError } from '../errors.js'
import { type ColumnType, describeColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'

/** `schemaCheck`: compare the batch's target tables with the server's before uploading (default 'error'). */
export type SchemaCheck = 'error' | 'skip'

type Problem = { table: string; column: string; ours: string | undefined; theirs: string | undefined }

/** The distinct target tables of a typed batch (a wire-JSON batch declares no column types: none). */
function targetTables(batch: Batch | WireBatch): Table[] {
  if (!('compile' in batch)) return []
  const seen = new Map<string, Table>()
  for (const action of batch.actions) seen.set(`${action.target.schema ?? ''}.${action.target.name}`, action.target)
  return [...seen.values()]
}

function problemsOf(table: Table, theirs: ReadonlyMap<string, DescribedColumn>, replaces: boolean): Problem[] {
  const problems: Problem[] = []
  const label = `${table.schema ?? 'Extract'}.${table.name}`
  for (const name of table.columnNames) {
    const ours: ColumnType = table.columns[name]!
    const column = theirs.get(name)
    if (!column) {
      problems.push({ table: label, column: name, ours: describeColumnType(ours), theirs: undefined })
    } else if (column.kinds.length > 0 && !column.kinds.includes(ours.kind)) {
      problems.push({ table: label, column: name, ours: describeColumnType(ours), theirs: column.dataType })
    }
  }
  // A replace writes every column: one the table does not declare would be left without values.
  if (replaces) {
    for (const column of new Set(theirs.values())) {
      if (!column.names.some((n) => Object.hasOwn(table.columns, n))) {
        problems.push({ table: label, column: column.name, ours: undefined, theirs: column.dataType })
      }
    }
  }
  return problems
}

/**
 * Before any upload: the batch's target tables against the data source's columns as the VizQL Data
 * Service describes them (names, and type families: the service does not give integer width,
 * decimal precision, time zone or nullability, see vds-metadata.ts). A mismatch throws
 * SCHEMA_MISMATCH naming each column, ours and theirs. Returns a warning when the target cannot be
 * described (no reader, the service refused, a data source of several tables), else undefined.
 */
export async function checkTargetSchema(
  vizql: VizqlReader | undefined,
  datasource: { id: string; name?: string },
  batch: Batch | WireBatch,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const tables = targetTables(batch)
  if (tables.length === 0) return undefined
  const notChecked = (why: string) => `schema check: not done (${why}); pass schemaCheck: 'skip' to silence this`
  if (!vizql) return notChecked('the client has no VizQL Data Service reader')
  if (tables.length > 1)
    return notChecked('the batch targets several tables; the service describes a data source as one')
  let fields: DescribedColumn[]
  try {
    fields = describedColumns(await vizql.readMetadata(datasource.id, signal))
  } catch (error) {
    if (signal?.aborted) throw error
    return notChecked(`the VizQL Data Service did not describe the data source: ${(error as Error).message}`)
  }
  if (fields.length === 0) return notChecked('the VizQL Data Service listed no columns')
  const theirs = new Map(fields.flatMap((f) => f.names.map((n) => [n, f] as const)))
  if (!tables[0]!.columnNames.some((c) => theirs.has(c))) {
    return notChecked("none of the service's field names is a column of the table (captions may differ from names)")
  }
  const replaces = 'compile' in batch && batch.actions.some((a) => a.kind === 'replace')
  const problems = problemsOf(tables[0]!, theirs, replaces)
  if (problems.length === 0) return undefined
  const what = problems
    .map((p) =>
      p.theirs === undefined
        ? `"${p.column}" (${p.ours}) is not in the data source`
        : p.ours === undefined
          ? `"${p.column}" (${p.theirs}) is in the data source but not in ${p.table}`
          : `"${p.column}" is ${p.ours} here but ${p.theirs} in the data source`,
    )
    .join('; ')
  const name = datasource.name ?? datasource.id
  throw new HyperdeltaError('SCHEMA_MISMATCH', `push: ${name}: the batch does not match the data source: ${what}`, {
    details: { datasource: name, problems },
  })
}
