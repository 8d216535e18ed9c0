import { createHash } from 'node:crypto'
import { serialize } from 'node:v8'
import { type Columns, HyperdeltaError, type Table } from '../../src/index.js'
import { PartitionSpool } from './partition-spool.js'
import { canonicalValues, keyString, type RowSource, rowsOf } from './row-source.js'

export interface ChangeSet extends AsyncDisposable {
  /** Rows to upsert (new or changed), read back from disk. */
  upserts(): AsyncIterable<Record<string, unknown>>
  /** Key rows to delete, read back from disk. */
  deletes(): AsyncIterable<Record<string, unknown>>
  readonly stats: { upserts: number; deletes: number; [name: string]: number }
  dispose(): Promise<void>
}

interface PreviousRecord {
  k: string
  h: string
  key: Record<string, unknown>
}
interface CurrentRecord {
  k: string
  h: string
  row: Record<string, unknown>
}

/** Builds a ChangeSet from two output spools. */
export async function changeSetFrom(
  upserts: PartitionSpool,
  deletes: PartitionSpool,
  stats: ChangeSet['stats'],
  extra: PartitionSpool[],
): Promise<ChangeSet> {
  await Promise.all([upserts.finish(), deletes.finish()])
  const dispose = async () => {
    await Promise.all([upserts, deletes, ...extra].map((s) => s.dispose()))
  }
  return {
    upserts: () => upserts.read<Record<string, unknown>>(0),
    deletes: () => deletes.read<Record<string, unknown>>(0),
    stats,
    dispose,
    [Symbol.asyncDispose]: dispose,
  }
}

/**
 * Compares two snapshots of a table by key columns: rows that are new or whose values changed become
 * upserts, keys that vanished become deletes. Both snapshots are spilled to disk in key-hash
 * partitions and compared one partition at a time, so memory stays bounded by one partition of the
 * previous snapshot's keys, whatever the snapshot size.
 *
 * @example
 * ```ts
 * const diff = await diffSnapshots(orders, ['id'], 'day1.parquet', 'day2.parquet')
 * console.log(diff.stats)          // { upserts, deletes, inserted, changed, unchanged, previous, current }
 * await diff.dispose()
 * ```
 */
export async function diffSnapshots(
  table: Table<Columns>,
  keys: readonly string[],
  previous: RowSource,
  current: RowSource,
  options: { partitions?: number; dir?: string } = {},
): Promise<ChangeSet> {
  for (const k of keys) {
    if (!(k in table.columns))
      throw new HyperdeltaError('CDC_INVALID', `cdc: key column "${k}" is not a column of ${table.name}`)
  }
  if (keys.length === 0) throw new HyperdeltaError('CDC_INVALID', 'cdc: a snapshot diff needs at least one key column')
  const partitions = options.partitions ?? 64
  const prev = await PartitionSpool.create(partitions, options.dir)
  const cur = await PartitionSpool.create(partitions, options.dir)
  const upserts = await PartitionSpool.create(1, options.dir)
  const deletes = await PartitionSpool.create(1, options.dir)
  const all = [prev, cur, upserts, deletes]
  try {
    const columns = table.columnNames
    const keyIndexes = keys.map((k) => columns.indexOf(k))
    const stats = { previous: 0, current: 0, inserted: 0, changed: 0, unchanged: 0, upserts: 0, deletes: 0 }
    // Each row is validated once; its key string and row hash both come from the canonical values.
    const canonical = (row: Record<string, unknown>, index: number, what: string) => {
      const values = canonicalValues(table, columns, row, index, what)
      const k = keyString(keyIndexes.map((i) => values[i]))
      return { k, h: createHash('sha1').update(serialize(values)).digest('base64') }
    }
    for await (const row of rowsOf(previous)) {
      const { k, h } = canonical(row, stats.previous++, 'cdc: previous snapshot')
      await prev.write(k, { k, h, key: Object.fromEntries(keys.map((name) => [name, row[name]])) })
    }
    for await (const row of rowsOf(current)) {
      const { k, h } = canonical(row, stats.current++, 'cdc: current snapshot')
      await cur.write(k, { k, h, row })
    }
    await Promise.all([prev.finish(), cur.finish()])
    for (let p = 0; p < partitions; p++) {
      const before = new Map<string, PreviousRecord>()
      for await (const r of prev.read<PreviousRecord>(p)) {
        if (before.has(r.k))
          throw new HyperdeltaError('DUPLICATE_KEY', `cdc: previous snapshot has key ${r.k} more than once`, {
            details: { key: r.k, snapshot: 'previous' },
          })
        before.set(r.k, r)
      }
      const seen = new Set<string>()
      for await (const r of cur.read<CurrentRecord>(p)) {
        if (seen.has(r.k))
          throw new HyperdeltaError('DUPLICATE_KEY', `cdc: current snapshot has key ${r.k} more than once`, {
            details: { key: r.k, snapshot: 'current' },
          })
        seen.add(r.k)
        const old = before.get(r.k)
        before.delete(r.k)
        if (old?.h === r.h) {
          stats.unchanged++
          continue
        }
        stats[old ? 'changed' : 'inserted']++
        stats.upserts++
        await upserts.write('', r.row)
      }
      for (const gone of before.values()) {
        stats.deletes++
        await deletes.write('', gone.key)
      }
    }
    return await changeSetFrom(upserts, deletes, stats, [prev, cur])
  } catch (error) {
    await Promise.all(all.map((s) => s.dispose()))
    throw error
  }
}
