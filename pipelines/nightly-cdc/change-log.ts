import { type Columns, HyperdeltaError, type Table } from '../../src/index.js'
import { PartitionSpool } from './partition-spool.js'
import { canonicalValues, keyString, type RowSource, rowsOf } from './row-source.js'
import { type ChangeSet, changeSetFrom } from './snapshot-diff.js'
import type { Watermark } from './watermark-store.js'

export interface ChangeLogOptions {
  /** Key columns of the target table. */
  keys: readonly string[]
  /** Column holding the operation; its values are mapped by `ops`. Default `op`. */
  opColumn?: string
  /** Values of the op column. Default `{ insert: 'insert', update: 'update', delete: 'delete' }`. */
  ops?: { insert: string; update: string; delete: string }
  /** Column that orders changes (a log sequence number or a change timestamp). */
  orderColumn: string
  /** Only entries with order > since are taken (the last run's watermark). */
  since?: Watermark | undefined
  partitions?: number
  dir?: string
}

interface LogRecord {
  k: string
  o: bigint | number | string
  seq: number
  op: 'upsert' | 'delete'
  row: Record<string, unknown>
}

/** Order values compared as one type: bigint, number or string (Dates as epoch ms). */
function orderValue(value: unknown, index: number, column: string): bigint | number | string {
  if (typeof value === 'bigint' || typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime()
  throw new HyperdeltaError(
    'ROW_INVALID',
    `cdc: change log row ${index}: order column "${column}" has no usable value`,
    {
      details: { row: index, column },
    },
  )
}

function compare(a: bigint | number | string, b: bigint | number | string): number {
  if (typeof a !== typeof b) {
    throw new HyperdeltaError('CDC_INVALID', `cdc: order values mix ${typeof a} and ${typeof b}; use one type`)
  }
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Compacts a change log (rows with an op column and an order column) to the last operation per key,
 * taking only entries after `since`: insert/update → one upsert row (the target's columns),
 * delete → one key row. Returns the change set and the new watermark (the highest order value seen).
 * Spilled to disk in key-hash partitions, so memory holds one partition at a time.
 *
 * @example
 * ```ts
 * const { changes, watermark } = await compactChangeLog(orders, 'log.parquet', { keys: ['id'], orderColumn: 'lsn', since: 100n })
 * ```
 */
export async function compactChangeLog(
  table: Table<Columns>,
  log: RowSource,
  options: ChangeLogOptions,
): Promise<{ changes: ChangeSet; watermark: Watermark | undefined }> {
  const opColumn = options.opColumn ?? 'op'
  const ops = options.ops ?? { insert: 'insert', update: 'update', delete: 'delete' }
  const since = options.since instanceof Date ? options.since.getTime() : options.since
  const partitions = options.partitions ?? 16
  const spool = await PartitionSpool.create(partitions, options.dir)
  const upserts = await PartitionSpool.create(1, options.dir)
  const deletes = await PartitionSpool.create(1, options.dir)
  try {
    let seq = 0
    let max: bigint | number | string | undefined
    let maxRaw: unknown
    const stats = { entries: 0, taken: 0, upserts: 0, deletes: 0 }
    for await (const row of rowsOf(log)) {
      const index = stats.entries++
      const order = orderValue(row[options.orderColumn], index, options.orderColumn)
      if (since !== undefined && compare(order, since) <= 0) continue
      const opValue = row[opColumn]
      const op =
        opValue === ops.delete ? 'delete' : opValue === ops.insert || opValue === ops.update ? 'upsert' : undefined
      if (!op) {
        throw new HyperdeltaError(
          'ROW_INVALID',
          `cdc: change log row ${index}: op "${String(opValue)}" is not ${Object.values(ops).join(', ')}`,
          {
            details: { row: index, column: opColumn },
          },
        )
      }
      if (max === undefined || compare(order, max) > 0) {
        max = order
        maxRaw = row[options.orderColumn]
      }
      const k = keyString(canonicalValues(table, options.keys, row, index, 'cdc: change log'))
      // Keep only the target's columns: the op column (and a log-only order column) are not written.
      const values: Record<string, unknown> = {}
      for (const c of op === 'delete' ? options.keys : table.columnNames) if (c in row) values[c] = row[c]
      await spool.write(k, { k, o: order, seq: seq++, op, row: values })
      stats.taken++
    }
    await spool.finish()
    for (let p = 0; p < partitions; p++) {
      const last = new Map<string, LogRecord>()
      for await (const r of spool.read<LogRecord>(p)) {
        const prev = last.get(r.k)
        if (!prev || compare(r.o, prev.o) > 0 || (compare(r.o, prev.o) === 0 && r.seq > prev.seq)) last.set(r.k, r)
      }
      for (const r of last.values()) {
        if (r.op === 'delete') {
          stats.deletes++
          await deletes.write('', r.row)
        } else {
          stats.upserts++
          await upserts.write('', r.row)
        }
      }
    }
    const changes = await changeSetFrom(upserts, deletes, stats, [spool])
    return { changes, watermark: maxRaw === undefined ? options.since : (maxRaw as Watermark) }
  } catch (error) {
    await Promise.all([spool, upserts, deletes].map((s) => s.dispose()))
    throw error
  }
}
