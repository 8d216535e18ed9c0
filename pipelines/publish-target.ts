import { randomUUID } from 'node:crypto'
import { mkdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Columns,
  type DatasourceDetails,
  environment,
  fromParquet,
  HyperdeltaError,
  isHyperdeltaError,
  type Job,
  type PublishDatasourceOptions,
  type PushClient,
  type PushReport,
  type Table,
  writeChangeFiles,
} from '../src/index.js'
import { sqlTypeOf } from '../src/wire.js'
import type { PipelinePushOptions } from './push-options.js'
import { ident, literal } from './sql-text.js'

// Publishing from pipelines: create a missing target from the first load (`createIfMissing`), and the loader's
// atomic full reload (one `overwrite` publish instead of replace + inserts).

/** A client that can publish as well as push (TableauClient is one). */
export interface PublishingClient extends PushClient {
  datasources: { publish(options: PublishDatasourceOptions): Promise<DatasourceDetails | Job> }
}

/** `createIfMissing`: publish the first load when the data source (by name) does not exist; where it goes. */
export type CreateIfMissing = boolean | { projectId?: string; description?: string }

function publishing(client: PushClient): PublishingClient {
  if (!('datasources' in client)) {
    throw new HyperdeltaError('CONFIG_INVALID', 'pipeline: publishing needs a client with datasources.publish', {
      details: { field: 'client' },
    })
  }
  return client as PublishingClient
}

/** True when the named data source does not exist yet (only a lookup by name can be missing). */
export async function isMissing(o: PipelinePushOptions): Promise<boolean> {
  if (!('name' in o.datasource)) return false
  try {
    await o.client.findDatasource(o.datasource)
    return false
  } catch (error) {
    if (isHyperdeltaError(error, 'DATASOURCE_NOT_FOUND')) return true
    throw error
  }
}

/**
 * One Parquet file of `files`' rows written as the declared `table` (only its columns, by name), by the
 * same writer and the same input rule as change files: what a publish creates is then exactly the
 * table later change files update (a DuckDB-default TIMESTAMP stays what the table declares, a
 * DECIMAL keeps its precision and scale), and an input the table cannot take exactly is refused here,
 * before anything is published. `dispose` removes the file.
 */
export async function tableFile(table: Table<Columns>, files: readonly string[], dir: string | undefined) {
  if (dir !== undefined) await mkdir(dir, { recursive: true })
  const written = await writeChangeFiles(table, fromParquet(files), {
    maxBytes: Number.MAX_SAFE_INTEGER,
    extraColumns: 'ignore',
    ...(dir !== undefined && { dir }),
  })
  const first = written.files[0]
  if (first) return { path: first.path, rows: written.rows, bytes: written.bytes, dispose: () => written.dispose() }
  return emptyTableFile(table, dir)
}

/** No rows: a Parquet file of the table's columns (their SQL types) and none of its rows, written by DuckDB. */
async function emptyTableFile(table: Table<Columns>, dir: string | undefined) {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const path = join(dir ?? tmpdir(), `hyperdelta-publish-${randomUUID()}.parquet`)
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    const columns = table.columnNames.map((n) => `CAST(NULL AS ${sqlTypeOf(table.columns[n]!)}) AS ${ident(n)}`)
    await c.run(`COPY (SELECT ${columns.join(', ')} LIMIT 0) TO ${literal(path)} (FORMAT parquet)`)
  } finally {
    c.closeSync()
    db.closeSync()
  }
  return { path, rows: 0, bytes: (await stat(path)).size, dispose: () => rm(path, { force: true }) }
}

/** A publish's byte counts as the pipeline's progress events. */
function transferProgress(emit: NonNullable<PipelinePushOptions['onProgress']>) {
  return (p: { phase: 'upload' | 'download'; bytes: number; totalBytes: number | undefined }) =>
    emit({ type: 'transfer', phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes })
}

/**
 * Publishes `files` as the data source named in `o.datasource` in one request (or one upload session):
 * `create` when it is missing, `overwrite` for an atomic full reload. Returns a report in push form (no
 * Hyper Update requests; the warning says what happened).
 */
export async function publishFiles(
  o: PipelinePushOptions & { runId: string },
  table: Table<Columns>,
  files: readonly string[],
  mode: 'create' | 'overwrite',
  where: CreateIfMissing = true,
): Promise<PushReport> {
  const { now } = environment(o)
  const started = now()
  if (!('name' in o.datasource)) {
    throw new HyperdeltaError('CONFIG_INVALID', 'pipeline: publishing needs datasource: { name }', {
      details: { field: 'datasource' },
    })
  }
  const target = typeof where === 'object' ? where : {}
  if (o.datasource.project !== undefined && target.projectId === undefined) {
    throw new HyperdeltaError('CONFIG_INVALID', 'pipeline: publishing into a project needs createIfMissing.projectId', {
      details: { field: 'createIfMissing.projectId' },
    })
  }
  const file = await tableFile(table, files, o.dir)
  try {
    const { rows, bytes } = file
    const ds = await publishing(o.client).datasources.publish({
      name: o.datasource.name,
      file: file.path,
      fileType: 'parquet',
      mode,
      ...(target.projectId !== undefined && { projectId: target.projectId }),
      ...(target.description !== undefined && { description: target.description }),
      // A publish of a whole table can take long: its bytes sent are the run's progress.
      ...(o.onProgress !== undefined && { onProgress: transferProgress(o.onProgress) }),
    })
    const id = 'tags' in ds ? ds.id : ''
    return {
      runId: o.runId,
      datasource: { id, name: o.datasource.name },
      outcome: 'succeeded',
      requests: [],
      files: files.length,
      rows,
      bytes,
      warnings: [
        mode === 'create'
          ? `the data source did not exist: published ${files.length} file(s) as "${o.datasource.name}"`
          : `published ${files.length} file(s) with overwrite: the whole data source was replaced in one request`,
      ],
      packagingMs: 0,
      durationMs: now() - started,
    }
  } finally {
    await file.dispose()
  }
}

/**
 * Nightly CDC's `createIfMissing`: publishes the previous snapshot (the first one) when the data source is
 * missing, so the night's diff then applies as usual. Needs snapshot mode with Parquet paths.
 */
export async function createFromFirstSnapshot(
  o: PipelinePushOptions & { name: string; table: Table<Columns>; createIfMissing?: CreateIfMissing; source: object },
): Promise<void> {
  if (!(await isMissing(o))) return
  const previous = 'snapshots' in o.source ? (o.source.snapshots as { previous: unknown }).previous : undefined
  const files = typeof previous === 'string' ? [previous] : previous
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      'nightly-cdc: createIfMissing needs source.snapshots.previous as Parquet path(s) to publish',
      { details: { field: 'createIfMissing' } },
    )
  }
  await publishFiles({ ...o, runId: `${o.name}-create` }, o.table, files, 'create', o.createIfMissing)
}
