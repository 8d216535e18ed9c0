import type { Table } from '../schema/define-table.js'
import {
  type ArrowRecordBatchLike,
  type ArrowTableLike,
  arrowBatchRows,
  isArrowRecordBatch,
  isArrowTable,
} from './arrow-input.js'
import { isParquetFiles, type ParquetFiles, readParquetRowGroups } from './from-parquet.js'
import { payloadError } from './payload-errors.js'

/**
 * Every input `writeChangeFiles` accepts: an array or (async) iterable of row objects (an async
 * iterable may also yield arrays of them, e.g. a cursor's pages), an apache-arrow Table or an
 * (async) iterable of RecordBatches, or Parquet files via `fromParquet()`.
 */
export type ChangeRowsInput =
  | Iterable<object>
  | AsyncIterable<object | readonly object[]>
  | ArrowTableLike
  | Iterable<ArrowRecordBatchLike>
  | AsyncIterable<ArrowRecordBatchLike>
  | ParquetFiles

/** Receives rows; `push` returns true when the caller must `await drain()` before pushing more. */
export interface RowConsumer {
  push(row: unknown): boolean
  drain(): Promise<void>
  /** Takes a whole Arrow record batch in columnar form; false when it must come row by row instead. */
  pushArrow?(batch: ArrowRecordBatchLike): Promise<boolean>
}

/** Rows an async iterable yields that are collected before they are read (see `pushAsync`). */
const ASYNC_ROW_CHUNK = 256

/**
 * The row loop of async iterables, kept in a function of its own so V8 optimizes it alone. No async
 * helper per row: an extra promise and await per row cost a large share of packaging time (bench/results.md).
 *
 * Rows are collected ASYNC_ROW_CHUNK at a time and then read together: switching between the
 * caller's generator and the row reader on every row measured slower on the benchmark (bench/results.md;
 * no gain for sync iterables, so they are read row by row). The cost: a bad
 * row is reported once up to 255 later rows have been pulled from the source (its error still names
 * its own index), and 256 rows are held at most.
 */
async function pushAsync(
  input: AsyncIterable<unknown>,
  consumer: RowConsumer,
  pushItem: (item: unknown) => Promise<void>,
): Promise<void> {
  const rows: unknown[] = new Array(ASYNC_ROW_CHUNK).fill(undefined)
  let count = 0
  const pushRows = async () => {
    for (let k = 0; k < count; k++) {
      const row = rows[k]
      rows[k] = undefined // read rows die young
      if (consumer.push(row)) await consumer.drain()
    }
    count = 0
  }
  for await (const item of input) {
    if (isArrowRecordBatch(item) || Array.isArray(item)) {
      await pushRows()
      await pushItem(item)
    } else {
      rows[count++] = item
      if (count === ASYNC_ROW_CHUNK) await pushRows()
    }
  }
  await pushRows()
}

/** Feeds every row of `input` to `consumer`, in input order, holding at most one chunk in memory. */
export async function consumeRows(
  input: unknown,
  table: Table,
  extraColumns: 'error' | 'ignore',
  consumer: RowConsumer,
): Promise<void> {
  const pushAll = async (rows: readonly unknown[]) => {
    for (const row of rows) if (consumer.push(row)) await consumer.drain()
  }
  const pushBatch = async (batch: ArrowRecordBatchLike) => {
    if (!(await consumer.pushArrow?.(batch))) await pushAll(arrowBatchRows(batch, table, extraColumns))
  }
  const pushItem = async (item: unknown) => {
    if (isArrowRecordBatch(item)) await pushBatch(item)
    else if (consumer.push(item)) await consumer.drain()
  }
  // An async iterable may yield arrays of rows (a cursor's pages): one await per page instead of per row.
  const pushAsyncItem = async (item: unknown) => (Array.isArray(item) ? pushAll(item) : pushItem(item))

  if (isParquetFiles(input)) {
    for (const path of input.paths) {
      for await (const rows of readParquetRowGroups(path, { table, extraColumns })) await pushAll(rows)
    }
    return
  }
  if (isArrowTable(input)) {
    for (const batch of input.batches) await pushBatch(batch)
    return
  }
  if (isArrowRecordBatch(input)) return pushBatch(input)
  if (Array.isArray(input)) {
    // Plain arrays of rows take the synchronous path (no await per row).
    for (let i = 0; i < input.length; i++) {
      const row = input[i]
      if (isArrowRecordBatch(row)) await pushItem(row)
      else if (consumer.push(row)) await consumer.drain()
    }
    return
  }
  if (typeof input === 'object' && input !== null && Symbol.iterator in input) {
    for (const item of input as Iterable<unknown>) {
      if (isArrowRecordBatch(item)) await pushItem(item)
      else if (consumer.push(item)) await consumer.drain()
    }
    return
  }
  if (typeof input === 'object' && input !== null && Symbol.asyncIterator in input) {
    return pushAsync(input as AsyncIterable<unknown>, consumer, pushAsyncItem)
  }
  throw payloadError(
    'PAYLOAD_INPUT_INVALID',
    `rows for ${table.name} must be an array or (async) iterable of row objects, an Arrow Table or RecordBatches, or fromParquet(paths); got ${input === null ? 'null' : typeof input}`,
    { table: table.name },
  )
}
