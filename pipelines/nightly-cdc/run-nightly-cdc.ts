import {
  batch,
  type Columns,
  environment,
  fromParquet,
  HyperdeltaError,
  type PushReport,
  pushChanges,
  type StateDir,
  type Table,
} from '../../src/index.js'
import { deriveRunId, openRunTemp, openStateDir } from '../../src/internal.js'
import {
  checkFallback,
  fileBytes,
  type PipelineFallback,
  type PublishFallbackReport,
  publishFullState,
} from '../publish-fallback.js'
import { type CreateIfMissing, createFromFirstSnapshot } from '../publish-target.js'
import { checkKeys, forwardPushOptions, type KeyOf, type PipelinePushOptions } from '../push-options.js'
import type { CdcEngineOptions } from './cdc-engine.js'
import { isParquetSource, parquetPaths, type RowSource } from './cdc-input.js'
import { cdcRunInputs } from './cdc-run-identity.js'
import { type ChangeLogOptions, compactChangeLog } from './change-log.js'
import type { ChangeSet } from './change-set.js'
import { diffSnapshots } from './snapshot-diff.js'
import { type Watermark, WatermarkStore } from './watermark-store.js'

export interface NightlyCdcOptions<T extends Table<Columns> = Table<Columns>> extends PipelinePushOptions {
  /** The target table as published. */
  table: T
  /** Key columns that identify a row: columns of `table` (a misspelt key does not compile, and is refused at run time). */
  keys: readonly [KeyOf<T>, ...KeyOf<T>[]]
  /** Where the changes come from: two snapshots, or a change log with an op and an order column. */
  source:
    | { snapshots: { previous: RowSource; current: RowSource } }
    | { changeLog: RowSource; orderColumn: string; opColumn?: string; ops?: ChangeLogOptions['ops'] }
  /** Pipeline name: keys the watermark and prefixes the run id. */
  name: string
  /**
   * Watermark file (change-log mode): the next night starts after the highest order value pushed. Default with
   * `stateDir`: its `watermarks.json`.
   */
  watermarks?: string
  /** Bounds for the DuckDB set work (memory limit, spill directory, threads). */
  engine?: CdcEngineOptions
  /**
   * Run id for RequestIDs. Default `<name>-<hash>` of the change rows, the snapshot pair or change log (paths and
   * content) and the watermark — not the date: a rerun of one night is the same run, two nights are two runs.
   */
  runId?: string
  /** When the data source (by name) does not exist: publish the previous snapshot (a Parquet path) first. */
  createIfMissing?: CreateIfMissing
  /**
   * `'publish-overwrite'` (snapshot mode, Parquet snapshots): publish the current snapshot with `overwrite` instead
   * of pushing the diff as Parquet update payloads — for servers that reject those (`CAPABILITY_REJECTED`, the
   * probe's `parquetPayload`). Atomic; costs a full publish, which the report states (`fallback`). Never chosen
   * by itself.
   */
  fallback?: PipelineFallback
}

export interface NightlyCdcReport {
  name: string
  runId: string
  stats: ChangeSet['stats']
  watermark?: { from: Watermark | undefined; to: Watermark | undefined } | undefined
  push: PushReport
  /** Present when `fallback` published the full state: what was published against what the diff held. */
  fallback?: PublishFallbackReport
}

/** The current snapshot's Parquet paths for `fallback`, checked before any work is done. */
function fallbackSnapshot(options: NightlyCdcOptions): readonly string[] | undefined {
  if (!checkFallback(options.fallback)) return undefined
  const current = 'snapshots' in options.source ? options.source.snapshots.current : undefined
  if (current === undefined || !isParquetSource(current)) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      current === undefined
        ? "nightly-cdc: fallback 'publish-overwrite' needs snapshot mode (a change log holds no full state to publish)"
        : "nightly-cdc: fallback 'publish-overwrite' needs source.snapshots.current as Parquet path(s) to publish",
      { details: { field: 'fallback' } },
    )
  }
  return parquetPaths(current)
}

/**
 * The nightly change-data-capture job: turns snapshots (diffed by key) or a change log (compacted to
 * the last operation per key since the watermark) into one upsert and one delete, pushes them, and
 * advances the watermark only when every request succeeded. The diff and the compaction run in
 * DuckDB and are deterministic (results sorted by key), so a run that dies before the push reruns
 * from the same inputs with the same change files. Upserts and deletes read separate change
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
export async function runNightlyCdc<T extends Table<Columns>>(
  options: NightlyCdcOptions<T>,
): Promise<NightlyCdcReport> {
  checkKeys(options.table, options.keys)
  const fullState = fallbackSnapshot(options)
  if (options.createIfMissing) await createFromFirstSnapshot(options)
  // The lane is held for the whole night: the diff, the push and the watermark.
  const own =
    typeof options.stateDir === 'string' ? await openStateDir(options.stateDir, { keep: options.keep }) : undefined
  const lane = own ?? (typeof options.stateDir === 'object' ? options.stateDir : undefined)
  try {
    const temp = await openRunTemp(options.dir ?? lane?.tmp)
    try {
      return await night({ ...options, ...(lane && { stateDir: lane }) }, lane, temp.dir, fullState)
    } finally {
      await temp.dispose()
    }
  } finally {
    await own?.release()
  }
}

async function night(
  options: NightlyCdcOptions,
  lane: StateDir | undefined,
  dir: string,
  fullState: readonly string[] | undefined,
): Promise<NightlyCdcReport> {
  const { now } = environment(options)
  const watermarks = options.watermarks ?? lane?.watermarks
  const store = watermarks ? new WatermarkStore(watermarks) : undefined
  let changes: ChangeSet
  let watermark: NightlyCdcReport['watermark']
  const engineOptions = { ...options.engine, dir }
  // The diff can run for minutes with nothing sent: say when it starts and what it found.
  const source = 'snapshots' in options.source ? 'snapshots' : 'change log'
  options.onProgress?.({ type: 'phase', phase: 'diff', state: 'start', detail: source })
  if ('snapshots' in options.source) {
    changes = await diffSnapshots(
      options.table,
      options.keys,
      options.source.snapshots.previous,
      options.source.snapshots.current,
      engineOptions,
    )
  } else {
    const since = await store?.get(options.name)
    const compacted = await compactChangeLog(options.table, options.source.changeLog, {
      keys: options.keys,
      orderColumn: options.source.orderColumn,
      since,
      ...(options.source.opColumn !== undefined && { opColumn: options.source.opColumn }),
      ...(options.source.ops !== undefined && { ops: options.source.ops }),
      ...engineOptions,
    })
    changes = compacted.changes
    watermark = { from: since, to: compacted.watermark }
  }
  const { upserts, deletes } = changes.stats
  options.onProgress?.({
    type: 'phase',
    phase: 'diff',
    state: 'done',
    detail: `${upserts} upsert(s), ${deletes} delete(s)`,
  })
  try {
    const inputs = await cdcRunInputs(options.source, changes.inputs, watermark?.from)
    if (fullState) {
      const runId = options.runId ?? deriveRunId({ fingerprint: 'publish-overwrite', inputs, name: options.name })
      const change = {
        rows: changes.stats.upserts + changes.stats.deletes,
        bytes: await fileBytes([changes.files.upserts, changes.files.deletes]),
      }
      const push = await publishFullState({ ...options, runId }, options.table, fullState, change)
      return { name: options.name, runId, stats: changes.stats, watermark, push, fallback: push.fallback }
    }
    const upserts = options.table.as('upserts')
    const deletes = options.table.pick(...(options.keys as readonly string[])).as('deletes')
    const b = batch()
      .upsert({ source: upserts, target: options.table, on: options.keys as never })
      .delete({ source: deletes, target: options.table, on: options.keys as never })
    const push = await pushChanges({
      ...forwardPushOptions(options),
      dir,
      batch: b,
      // The change files DuckDB wrote are passed on as Parquet input, read in place.
      rows: { upserts: fromParquet(changes.files.upserts), deletes: fromParquet(changes.files.deletes) },
      runIdentity: { name: options.name, inputs },
    })
    const runId = push.runId
    // A report can say failed without throwing: the watermark moves only when every request succeeded.
    if (store && watermark?.to !== undefined && push.outcome === 'succeeded') {
      await store.set(options.name, watermark.to, runId, new Date(now()))
    }
    return { name: options.name, runId, stats: changes.stats, watermark, push }
  } finally {
    await changes.dispose()
  }
}
