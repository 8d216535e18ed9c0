import type { VizqlReader } from '../client/vizql-data-service/vds.js'
import { OBSERVED_AS, sameColumnValue } from '../plan/verify-compare.js'
import { bool, date, int64, text, timestamp } from '../schema/column-types.js'
import { defineTable, type RowOf } from '../schema/define-table.js'
import { formatEpochDay } from '../schema/temporal.js'

/** The scratch data source's table: one column per type whose wire spelling is inferred. */
export const probeTable = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    label: text(),
    flag: bool({ nullable: true }),
    day: date({ nullable: true }),
    at: timestamp({ nullable: true }),
  },
)
export type ProbeRow = RowOf<typeof probeTable>

/** The rows the scratch data source is published with; each step's expected table starts here. */
export function initialRows(): ProbeRow[] {
  const row = (id: number, label: string, flag: boolean | null, day: string, at: string): ProbeRow => ({
    id: BigInt(id),
    label,
    flag,
    day,
    at,
  })
  return [
    row(1, 'one', true, '2024-01-01', '2024-01-01T00:00:00Z'),
    row(2, 'two', false, '2024-01-02', '2024-01-02T00:00:00Z'),
    row(3, 'three', false, '2024-01-03', '2024-01-03T12:00:00Z'),
    row(4, 'four', false, '2024-01-04', '2024-01-04T00:00:00Z'),
    row(5, 'five', null, '2024-01-05', '2024-01-05T00:00:00.000005Z'),
    row(6, 'six', true, '2024-01-06', '2024-01-06T00:00:00Z'),
  ]
}

/** The table the probe expects the server to hold, keyed by id. */
export class ExpectedTable {
  readonly rows = new Map<bigint, ProbeRow>()
  constructor(rows: readonly ProbeRow[]) {
    for (const r of rows) this.rows.set(r.id as bigint, r)
  }
  put(rows: readonly ProbeRow[]): void {
    for (const r of rows) this.rows.set(r.id as bigint, r)
  }
  /**
   * Starts again from what the server holds (rows as the VizQL Data Service spells them), each value read by
   * its column's kind; a value no spelling of its kind is kept as is, so the next comparison reports it.
   */
  resetTo(rows: readonly Record<string, unknown>[]): void {
    this.rows.clear()
    for (const r of rows) {
      const row: Record<string, unknown> = {}
      for (const c of probeTable.columnNames) {
        const seen =
          r[c] === null || r[c] === undefined
            ? null
            : OBSERVED_AS[probeTable.columns[c]!.kind](r[c], probeTable.columns[c])
        // A date reads back as days since the epoch, which a date column does not take as input.
        row[c] = seen === undefined ? r[c] : c === 'day' && typeof seen === 'number' ? formatEpochDay(seen) : seen
      }
      const id = OBSERVED_AS.int64(r['id'])
      if (id !== undefined) this.rows.set(id, row as ProbeRow)
    }
  }
  remove(ids: readonly bigint[]): void {
    for (const id of ids) this.rows.delete(id)
  }
}

/** Every row of the scratch data source, through the VizQL Data Service. */
export function currentRows(vds: VizqlReader, datasource: string): Promise<Record<string, unknown>[]> {
  const fields = probeTable.columnNames.map((fieldCaption) => ({ fieldCaption }))
  return vds.queryDatasource(datasource, { fields }, { disaggregate: true })
}

/**
 * Reads the scratch data source back through the VizQL Data Service and lists how it differs
 * from the expected table (empty: identical). Throws when the service does not answer.
 */
export async function differences(vds: VizqlReader, datasource: string, expected: ExpectedTable): Promise<string[]> {
  const rows = await currentRows(vds, datasource)
  const seen = new Map<string, Record<string, unknown>>()
  for (const r of rows) seen.set(String(OBSERVED_AS.int64(r['id']) ?? r['id']), r)
  const out: string[] = []
  for (const [id, row] of expected.rows) {
    const got = seen.get(String(id))
    if (!got) {
      out.push(`id ${id} missing`)
      continue
    }
    for (const c of probeTable.columnNames) {
      const want = (row as Record<string, unknown>)[c]
      // By the column's declared kind; an expected value the column does not take counts as a difference.
      if (sameColumnValue(probeTable.columns[c]!, want, got[c]) !== true) {
        out.push(`id ${id}: ${c} = ${JSON.stringify(got[c])}, expected ${String(want)}`)
      }
    }
    seen.delete(String(id))
  }
  for (const id of seen.keys()) out.push(`id ${id} unexpected`)
  return out
}
