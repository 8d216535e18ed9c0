import type { Table } from '../../schema/define-table.js'
import { InvalidValue, normalizeValue } from '../../schema/values.js'
import type { ParquetFiles } from '../from-parquet.js'
import type { ColumnVector, PayloadSink, RowBatch } from '../payload-format.js'
import { parquetUnits } from './parquet-splice-input.js'
import { ParquetSplicer } from './parquet-splicer.js'

/** What packaging lends the Parquet splice path: its files, its row path and its key tracking. */
export interface SpliceHost {
  readonly table: Table
  readonly extraColumns: 'error' | 'ignore'
  readonly maxBytes: number
  openFile(): Promise<PayloadSink>
  closeFile(sink: PayloadSink, rows: number, firstRow: number): Promise<void>
  /** Input index the next row gets. */
  nextRow(): number
  /** Feeds decoded rows to the row path (validated, batched, encoded; indexes advance). */
  pushRows(rows: readonly unknown[]): Promise<void>
  /** Completes the row path's current file, so the next file holds spliced groups. */
  endRows(): Promise<void>
  /** Records `rows` spliced rows (indexes advance, progress); `readKeys` decodes the group's key columns. */
  spliced(
    rows: number,
    readKeys: (columns: readonly string[]) => Promise<Record<string, unknown>[]>,
    finishFile: () => Promise<void>,
  ): Promise<void>
  checkAbort(): void
}

/**
 * Packages Parquet files by copying every row group that maps onto the table and is proven valid
 * (see parquet-splice-plan.ts) as bytes into change files, and sending every other row group
 * through the row path. Files hold either kind, never both, and stay in input order.
 */
export async function spliceParquetFiles(input: ParquetFiles, host: SpliceHost): Promise<void> {
  const splicer = new ParquetSplicer(host.table, host.maxBytes, host.openFile, host.closeFile)
  let rowPath = false
  for (const path of input.paths) {
    for await (const unit of parquetUnits(path, host.table, host.extraColumns)) {
      host.checkAbort()
      let rows: readonly unknown[]
      if (unit.kind === 'group') {
        const group = { ...unit.group, firstRow: host.nextRow() }
        if (splicer.fitsAlone(group)) {
          if (rowPath) await host.endRows()
          rowPath = false
          await splicer.append(group)
          await host.spliced(group.layout.rows, unit.readRows, () => splicer.finish())
          continue
        }
        // A row group larger than a file on its own: re-encoded and cut on rows.
        rows = await unit.readRows()
      } else {
        rows = unit.rows
      }
      if (!rowPath) await splicer.finish()
      rowPath = true
      await host.pushRows(rows)
    }
  }
  await splicer.finish()
}

/**
 * A batch holding only the key columns of spliced rows, normalized as the row path would (dates
 * as days), for duplicate-key tracking. Other columns are left empty: the tracker reads keys only.
 */
export function keyBatch(
  table: Table,
  keys: readonly string[],
  records: readonly Record<string, unknown>[],
  firstRow: number,
): RowBatch {
  const columns: ColumnVector[] = table.columnNames.map(() => [])
  for (const key of keys) {
    const type = table.columns[key]!
    columns[table.columnNames.indexOf(key)] = records.map((r) => {
      const v = normalizeValue(type, r[key])
      return v instanceof InvalidValue ? null : v
    })
  }
  const rowIndexes = new Float64Array(records.length)
  for (let i = 0; i < records.length; i++) rowIndexes[i] = firstRow + i
  return { length: records.length, columns, rowIndexes }
}
