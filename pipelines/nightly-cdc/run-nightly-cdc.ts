import { batch, type Columns, environment, type PushReport, pushChanges, type Table } from '../../src/index.js'
import { forwardPushOptions, type PipelinePushOptions } from '../push-options.js'
import { type ChangeLogOptions, compactChangeLog } from './change-log.js'
import type { RowSource } from './row-source.js'
import { type ChangeSet, diffSnapshots } from './snapshot-diff.js'
import { type Watermark, WatermarkStore } from './watermark-store.js'

export interface NightlyCdcOptions extends PipelinePushOptions {
  /** The target table as published. */
  table: Table<Columns>
  /** Key columns that identify a row. */
  keys: readonly [string, ...string[]]
  /** Where the changes come from: two snapshots, or a change log with an op and an order column. */
  source:
    | { snapshots: { previous: RowSource; current: RowSource } }
    | { changeLog: RowSource; orderColumn: string; opColumn?: string; ops?: ChangeLogOptions['ops'] }
  /** Pipeline name: keys the watermark and prefixes the run id. */
  name: string
  /** Watermark file (change-log mode): the next night starts after the highest order value pushed. */
  watermarks?: string
  /** Run id for RequestIDs; default `<name>-<since watermark or snapshot-day>`, so a rerun of the same night is idempotent. */
  runId?: string
}

export interface NightlyCdcReport {
  name: string
  runId: string
  stats: ChangeSet['stats']
  watermark?: { from: Watermark | undefined; to: Watermark | undefined } | undefined
  push: PushReport
}

function describe(w: Watermark | undefined): string {
  if (w === undefined) return 'start'
  return w instanceof Date ? w.toISOString() : String(w)
}

/**
 * The nightly change-data-capture job: turns snapshots (diffed by key) or a change log (compacted to
 * the last operation per key since the watermark) into one upsert and one delete, pushes them, and
 * advances the watermark only when every request succeeded. Upserts and deletes read separate change
 * files, so they run as separate requests: each is all-or-nothing, the two together are not.
 *
 * @example
 * ```ts
 * import { runNightlyCdc } from 'hyperdelta/pipelines'
 * const report = await runNightlyCdc({
 *   client, datasource: { name: 'Orders' }, table: orders, keys: ['id'], name: 'orders',
 *   source: { snapshots: { previous: 'snapshots/2026-11-21.parquet', current: 'snapshots/2026-11-22.parquet' } },
 * })
 * ```
 */
export async function runNightlyCdc(options: NightlyCdcOptions): Promise<NightlyCdcReport> {
  const { now } = environment(options)
  const store = options.watermarks ? new WatermarkStore(options.watermarks) : undefined
  let changes: ChangeSet
  let watermark: NightlyCdcReport['watermark']
  const dirOption = options.dir !== undefined ? { dir: options.dir } : {}
  if ('snapshots' in options.source) {
    changes = await diffSnapshots(
      options.table,
      options.keys,
      options.source.snapshots.previous,
      options.source.snapshots.current,
      dirOption,
    )
  } else {
    const since = await store?.get(options.name)
    const compacted = await compactChangeLog(options.table, options.source.changeLog, {
      keys: options.keys,
      orderColumn: options.source.orderColumn,
      since,
      ...(options.source.opColumn !== undefined && { opColumn: options.source.opColumn }),
      ...(options.source.ops !== undefined && { ops: options.source.ops }),
      ...dirOption,
    })
    changes = compacted.changes
    watermark = { from: since, to: compacted.watermark }
  }
  try {
    const runId =
      options.runId ??
      (watermark
        ? `${options.name}-after-${describe(watermark.from)}`
        : `${options.name}-${new Date(now()).toISOString().slice(0, 10)}`)
    const upserts = options.table.as('upserts')
    const deletes = options.table.pick(...(options.keys as [string, ...string[]])).as('deletes')
    const b = batch()
      .upsert({ source: upserts, target: options.table, on: options.keys as never })
      .delete({ source: deletes, target: options.table, on: options.keys as never })
    const push = await pushChanges({
      ...forwardPushOptions(options),
      batch: b,
      rows: { upserts: changes.upserts(), deletes: changes.deletes() },
      runId,
    })
    if (store && watermark?.to !== undefined) await store.set(options.name, watermark.to, runId, new Date(now()))
    return { name: options.name, runId, stats: changes.stats, watermark, push }
  } finally {
    await changes.dispose()
  }
}
