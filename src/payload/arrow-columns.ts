import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { InvalidValue, normalizeValue } from '../schema/values.js'
import { arrowColumnVector } from './arrow-column-vectors.js'
import { ArrowBadValue, type ArrowData } from './arrow-data.js'
import {
  type ArrowRecordBatchLike,
  type ArrowVectorLike,
  arrowColumns,
  assertArrowInput,
  checkedReader,
} from './arrow-input.js'
import { payloadError } from './payload-errors.js'
import type { ColumnVector, RowBatch } from './payload-format.js'
import { allocateColumn } from './row-batcher.js'
import { TextColumn } from './text-column.js'

/**
 * Arrow record batches as row batches, column by column: each column the fast path takes
 * (arrow-column-vectors.ts: every integer width, floats, decimals, timestamps/times of every unit,
 * dates, bools, Utf8 / LargeUtf8 / Utf8View / dictionary text) comes straight from its buffers, and
 * no row object is built. A column it cannot take (an unusual layout, a chunked or sliced vector,
 * or a value the column refuses) is converted alone, value by value, through the same reader and
 * `normalizeValue` as the row path: the other columns stay columnar, and a bad value is named with
 * its row exactly as the row path names it.
 */

/** One column through the row path's reader and `normalizeValue`, into the batcher's column form. */
function convertAlone(table: Table, name: string, vector: ArrowVectorLike, n: number): ColumnVector {
  const column = table.columns[name]!
  const read = checkedReader(table, name, vector)
  const out = allocateColumn(column, n)
  for (let i = 0; i < n; i++) {
    const value = normalizeValue(column, read(i))
    if (value instanceof InvalidValue) throw new ArrowBadValue(i, value.reason)
    if (out instanceof TextColumn) out.push(value as string | null)
    else if (out instanceof Uint8Array) out[i] = value ? 1 : 0
    else (out as unknown[])[i] = value
  }
  return out
}

/** The fast path's vector of a column held in one unsliced chunk, or undefined. */
function fastVector(column: ColumnType, vector: ArrowVectorLike, n: number): ColumnVector | undefined {
  const chunks = vector.data as readonly ArrowData[]
  const chunk = chunks.length === 1 ? chunks[0] : undefined
  if (!chunk || chunk.offset || chunk.length !== n) return undefined
  return arrowColumnVector(column, chunk)
}

/**
 * The rows of `batch` as RowBatches of at most `maxRows` rows, the first with input index `firstRow`.
 * Fields the table does not define are an error unless `extraColumns` is 'ignore'; a field the table
 * declares but the batch lacks, or an Arrow type its column cannot take, is an error.
 */
export function arrowRowBatches(
  batch: ArrowRecordBatchLike,
  table: Table,
  extraColumns: 'error' | 'ignore',
  firstRow: number,
  maxRows: number,
): RowBatch[] {
  const n = batch.numRows
  const vectors = new Map(arrowColumns(batch, table, extraColumns))
  const columns: ColumnVector[] = []
  for (const name of table.columnNames) {
    const vector = vectors.get(name)!
    const column = table.columns[name]!
    try {
      assertArrowInput(table, name, vector)
      columns.push(fastVector(column, vector, n) ?? convertAlone(table, name, vector, n))
    } catch (error) {
      if (!(error instanceof ArrowBadValue)) throw error
      const row = firstRow + error.row
      throw payloadError('PAYLOAD_VALUE_INVALID', `${table.name}.${name}, row ${row}: ${error.reason}`, {
        table: table.name,
        column: name,
        row,
        kind: column.kind,
        reason: error.reason,
      })
    }
  }
  const out: RowBatch[] = []
  for (let start = 0; start < n; start += maxRows) {
    const end = Math.min(n, start + maxRows)
    const rowIndexes = new Float64Array(end - start)
    for (let i = 0; i < rowIndexes.length; i++) rowIndexes[i] = firstRow + start + i
    out.push({ length: end - start, columns: columns.map((c) => sliceVector(c, start, end)), rowIndexes })
  }
  return out
}

function sliceVector(vector: ColumnVector, start: number, end: number): ColumnVector {
  if (vector instanceof TextColumn) {
    if (start === 0 && end === vector.length) return vector
    return TextColumn.fromUtf8(vector.data, vector.starts.subarray(start, end + 1), vector.nulls?.subarray(start, end))
  }
  if (Array.isArray(vector)) return vector.slice(start, end)
  return (vector as Exclude<ColumnVector, TextColumn | unknown[]>).subarray(start, end)
}
