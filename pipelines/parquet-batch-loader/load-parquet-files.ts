import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  batch,
  type Columns,
  fromParquet,
  HyperdeltaError,
  type PushProgress,
  type PushReport,
  pushChanges,
  type Table,
  tableFromParquet,
} from '../../src/index.js'
import { deriveRunId, parquetRowCount } from '../../src/internal.js'
import { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from '../../src/wire.js'
import {
  checkFallback,
  type PipelineFallback,
  type PublishFallbackReport,
  publishFullState,
} from '../publish-fallback.js'
import { type CreateIfMissing, isMissing, publishFiles } from '../publish-target.js'
import { checkKeys, forwardPushOptions, type KeyOf, type PipelinePushOptions } from '../push-options.js'

export interface ParquetBatchLoaderOptions<T extends Table<Columns> = Table<Columns>> extends PipelinePushOptions {
  /** A directory (every *.parquet in it) or a glob with `*`/`?` in the file name, e.g. `exports/orders-*.parquet`. */
  files: string
  /** insert appends, upsert matches `keys`, replace swaps the table's content. */
  mode: 'insert' | 'upsert' | 'replace'
  /** Key columns (upsert): columns of `target` (a misspelt key does not compile, and is refused at run time). */
  keys?: readonly [KeyOf<T>, ...KeyOf<T>[]]
  /**
   * The target table: it decides every column's type, in the change files and in any publish (`createIfMissing`,
   * the overwrite of a large replace, the fallback). Default: the first file's own types (tableFromParquet),
   * named Extract.Extract.
   */
  target?: T
  /** When the data source (by name) does not exist: publish the files as it (one request), instead of failing. */
  createIfMissing?: CreateIfMissing
  /**
   * `'publish-overwrite'` (mode `replace`): publish the files with `overwrite` instead of sending them as Parquet
   * update payloads — for servers that reject those (`CAPABILITY_REJECTED`, the probe's `parquetPayload`). Atomic;
   * the report's `fallback` states the cost. `insert` and `upsert` are refused with it: their resulting table
   * includes rows only the server holds.
   */
  fallback?: PipelineFallback
}

/** The Parquet files a directory or a file-name glob names, sorted so runs are reproducible. */
export async function listParquetFiles(pattern: string): Promise<string[]> {
  const isDir = await stat(pattern).then(
    (s) => s.isDirectory(),
    () => false,
  )
  const dir = isDir ? pattern : dirname(pattern)
  const glob = isDir ? '*.parquet' : basename(pattern)
  const regex = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  )
  const names = (await readdir(dir)).filter((n) => regex.test(n)).sort()
  if (names.length === 0) throw new HyperdeltaError('INPUT_INVALID', `loader: no Parquet files match ${pattern}`)
  return names.map((n) => join(dir, n))
}

/**
 * Loads a set of Parquet files of any size into a published data source: streamed row group by row
 * group, re-chunked into change files under the size limit, applied as insert, upsert or replace.
 * A load that needs several files is several requests (not atomic together). A `replace` of
 * Extract.Extract larger than one payload is instead one publish with `overwrite` (atomic: the
 * server swaps the whole data source). With `createIfMissing`, a missing data source is published
 * from the files.
 *
 * @example
 * ```ts
 * import { loadParquetFiles } from 'hyperdelta/pipelines'
 * const report = await loadParquetFiles({ client, datasource: { name: 'Orders' }, files: 'exports/orders-*.parquet', mode: 'upsert', keys: ['id'] })
 * ```
 */
export async function loadParquetFiles<T extends Table<Columns> = Table<Columns>>(
  options: ParquetBatchLoaderOptions<T>,
): Promise<PushReport & { fallback?: PublishFallbackReport }> {
  const fallback = checkFallback(options.fallback)
  if (fallback && options.mode !== 'replace') {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      `loader: fallback 'publish-overwrite' publishes the whole table, so it needs mode 'replace' (an ${options.mode} keeps rows only the server holds); use nightly CDC with snapshots for deltas`,
      { details: { field: 'fallback' } },
    )
  }
  const paths = await listParquetFiles(options.files)
  // Every file's footer is read before anything is sent: a file that is not Parquet is bad input naming it.
  const rows = await totalRows(paths, options.onProgress)
  // A publish is not a PATCH (no RequestID): its run id only names it in the report, from the files it sends.
  const runId = options.runId ?? deriveRunId({ fingerprint: await filesIdentity(paths), name: 'load' })
  // The declared table (or the first file's own types) decides every type: of the publish and of the change files.
  const target: Table<Columns> =
    options.target ?? (await tableFromParquet(paths[0]!, { schema: 'Extract', name: 'Extract' }))
  checkKeys(target, options.keys)
  if (options.createIfMissing && (await isMissing(options))) {
    return publishFiles({ ...options, runId }, target, paths, 'create', options.createIfMissing)
  }
  if (fallback) {
    // A replace would have sent every row of the files as change rows: the cost is the same rows, published.
    return publishFullState({ ...options, runId }, target, paths, { rows, bytes: await totalBytes(paths) })
  }
  if (
    options.mode === 'replace' &&
    isPublishedExtract(target) &&
    (await totalBytes(paths)) > payloadByteLimit(options.maxSizeInMb ?? DEFAULT_MAX_SIZE_IN_MB)
  ) {
    return publishFiles({ ...options, runId }, target, paths, 'overwrite')
  }
  const source = target.as('loaded')
  let b = batch()
  if (options.mode === 'insert') b = b.insert({ source, target })
  else if (options.mode === 'replace') b = b.replace({ source, target })
  else {
    if (!options.keys) {
      throw new HyperdeltaError('CONFIG_INVALID', 'loader: upsert needs keys', { details: { field: 'keys' } })
    }
    b = b.upsert({ source, target, on: options.keys as never })
  }
  // The default run id derives from the batch and the payload bytes: the same files loaded twice are applied once.
  return pushChanges({
    ...forwardPushOptions(options),
    batch: b,
    rows: { loaded: fromParquet(paths) },
    runIdentity: { name: 'load' },
  })
}

/** A Parquet publish becomes the table Extract.Extract: only that target can be replaced by a publish. */
const isPublishedExtract = (t: Table<Columns>): boolean => (t.schema ?? 'Extract') === 'Extract' && t.name === 'Extract'

/** Reads every file's footer (its row count), one progress event per file. */
async function totalRows(
  paths: readonly string[],
  onProgress: ((e: PushProgress) => void) | undefined,
): Promise<number> {
  let n = 0
  for (const [i, path] of paths.entries()) {
    const rows = await parquetRowCount(path)
    n += rows
    onProgress?.({ type: 'file', index: i + 1, files: paths.length, path, rows })
  }
  return n
}

async function filesIdentity(paths: readonly string[]): Promise<string> {
  const parts: string[] = []
  for (const p of paths) parts.push(`${p}:${(await stat(p)).size}`)
  return parts.join('\n')
}

async function totalBytes(paths: readonly string[]): Promise<number> {
  let n = 0
  for (const p of paths) n += (await stat(p)).size
  return n
}
