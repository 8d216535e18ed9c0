import type { Table } from '../schema/define-table.js'
import { payloadError } from './payload-errors.js'
import { assertRequiredColumns } from './required-columns.js'

/**
 * The parts of apache-arrow's Vector / RecordBatch / Table that the payload layer reads. Arrow is
 * an optional peer: objects are recognised by shape, apache-arrow is never imported.
 */
export interface ArrowVectorLike {
  readonly type: { readonly typeId: number; readonly unit?: number }
  readonly data: readonly { readonly length: number; readonly values: unknown }[]
  get(index: number): unknown
  isValid(index: number): boolean
}
export interface ArrowRecordBatchLike {
  readonly numRows: number
  readonly schema: { readonly fields: readonly { readonly name: string }[] }
  getChildAt(index: number): ArrowVectorLike | null
}
export interface ArrowTableLike {
  readonly numRows: number
  readonly schema: { readonly fields: readonly { readonly name: string }[] }
  readonly batches: readonly ArrowRecordBatchLike[]
}

function hasArrowSchema(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { numRows?: unknown; schema?: { fields?: unknown } }
  return typeof v.numRows === 'number' && Array.isArray(v.schema?.fields)
}

export function isArrowTable(value: unknown): value is ArrowTableLike {
  return hasArrowSchema(value) && Array.isArray((value as ArrowTableLike).batches)
}

export function isArrowRecordBatch(value: unknown): value is ArrowRecordBatchLike {
  return (
    hasArrowSchema(value) &&
    !('batches' in (value as object)) &&
    typeof (value as ArrowRecordBatchLike).getChildAt === 'function'
  )
}

// apache-arrow `Type` enum values (stable across versions: they mirror the Arrow format's Type union).
const ARROW_DATE = 8
const ARROW_TIMESTAMP = 10
// TimeUnit: SECOND, MILLISECOND, MICROSECOND, NANOSECOND → factor to microseconds.
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n] as const

/** A reader of row `i` giving a value `normalizeValue` accepts (exact µs for timestamps). */
function columnReader(vector: ArrowVectorLike): (i: number) => unknown {
  const typeId = vector.type.typeId
  if (typeId === ARROW_TIMESTAMP) {
    // Vector.get() returns milliseconds as a float, which loses microseconds: read the raw int64s.
    const unit = vector.type.unit ?? 0
    const chunks = vector.data
    return (i) => {
      if (!vector.isValid(i)) return null
      let at = i
      let chunk = chunks[0]!
      for (const c of chunks) {
        chunk = c
        if (at < c.length) break
        at -= c.length
      }
      const raw = BigInt((chunk.values as ArrayLike<bigint | number>)[at]!)
      if (unit === 3) return raw % 1000n === 0n ? raw / 1000n : `${raw} ns`
      return raw * MICROS_PER_UNIT[unit as 0 | 1 | 2]
    }
  }
  if (typeId === ARROW_DATE) {
    return (i) => {
      const ms = vector.get(i)
      return ms === null || ms === undefined ? null : ms instanceof Date ? ms : new Date(Number(ms))
    }
  }
  return (i) => {
    const v = vector.get(i)
    return v === undefined ? null : v
  }
}

/**
 * Row objects of one Arrow record batch. Fields the table does not define are an error unless
 * `extraColumns` is 'ignore'.
 */
export function arrowBatchRows(
  batch: ArrowRecordBatchLike,
  known: ReadonlySet<string>,
  extraColumns: 'error' | 'ignore',
  table: Table,
): Record<string, unknown>[] {
  const tableName = table.name
  // A field the batch lacks would be NULL in every row: refused, like a Parquet file's missing column.
  assertRequiredColumns(
    batch.schema.fields.map((f) => f.name),
    table,
    'Arrow input',
  )
  const readers: [string, (i: number) => unknown][] = []
  batch.schema.fields.forEach((field, j) => {
    if (!known.has(field.name)) {
      if (extraColumns === 'error') {
        throw payloadError(
          'PAYLOAD_COLUMN_UNKNOWN',
          `Arrow input has column "${field.name}", which ${tableName} does not define`,
          { table: tableName, column: field.name },
        )
      }
      return
    }
    const vector = batch.getChildAt(j)
    if (vector) readers.push([field.name, columnReader(vector)])
  })
  const rows: Record<string, unknown>[] = new Array(batch.numRows)
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {}
    for (const [name, read] of readers) row[name] = read(i)
    rows[i] = row
  }
  return rows
}
