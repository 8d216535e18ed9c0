import type { WireAction } from '../actions/wire-schema.js'
import { wireConditionNodes } from '../actions/wire-walk.js'
import type { Table } from '../schema/define-table.js'

/**
 * The columns of `source` its input must hold. Every column it declares — an insert, upsert, update or replace
 * writes each of them, so one missing from a file would overwrite the target's values with NULL — except for a
 * table that only deletes read: a delete reads just the source columns its condition names.
 */
export function requiredSourceColumns(actions: readonly WireAction[], source: Table): readonly string[] {
  const reading = actions.filter((a) => a['source-table'] === source.name)
  if (reading.length === 0 || reading.some((a) => a.action !== 'delete')) return source.columnNames
  const named = new Set<string>()
  for (const action of reading) {
    for (const node of wireConditionNodes(action.condition)) {
      if (!('args' in node) && node['source-col'] !== undefined) named.add(node['source-col'])
    }
  }
  return source.columnNames.filter((c) => named.has(c))
}
