import { stat } from 'node:fs/promises'
import { type Columns, type DatasourceDetails, HyperdeltaError, type PushReport, type Table } from '../src/index.js'
import { publishFiles } from './publish-target.js'
import type { PipelinePushOptions } from './push-options.js'

// `fallback: 'publish-overwrite'`: for servers that reject Parquet update payloads (the probe's `parquetPayload`
// fact, CAPABILITY_REJECTED), the full current state is published instead of a delta. Publishing Parquet is
// confirmed; `overwrite` swaps the whole data source in one request (an upload session from 64 MB on), so the
// data source never shows a half-applied load.

/** The one fallback there is; named so a pipeline never switches to a full publish by itself. */
export type PipelineFallback = 'publish-overwrite'

/** What the fallback cost, next to what a Hyper Update would have sent: in the report, for the people paying it. */
export interface PublishFallbackReport {
  mode: 'publish-overwrite'
  /** Rows and bytes published: the whole current state. */
  publishedRows: number
  publishedBytes: number
  /** Change rows (and their Parquet bytes, where known) a Hyper Update would have sent instead. */
  changeRows: number
  changeBytes?: number
  /** The publish replaced the whole data source (its revision history gains one entry). */
  replacedWholeDatasource: true
}

/** Checks the option's value where the pipeline's options are read: a typo must not silently push a delta. */
export function checkFallback(value: unknown, field = 'fallback'): value is PipelineFallback {
  if (value === undefined) return false
  if (value === 'publish-overwrite') return true
  throw new HyperdeltaError(
    'CONFIG_INVALID',
    `${field}: ${JSON.stringify(value)} is not a fallback; use 'publish-overwrite'`,
    {
      details: { field },
    },
  )
}

/**
 * Publishes the full current state (`files`, the table's columns) with `overwrite` and reports the cost against
 * `change` (the rows a Hyper Update would have sent). Needs `datasource: { name }`, as every publish does.
 */
export async function publishFullState(
  o: PipelinePushOptions & { runId: string },
  table: Table<Columns>,
  files: readonly string[],
  change: { rows: number; bytes?: number },
): Promise<PushReport & { fallback: PublishFallbackReport }> {
  // Overwrite the data source where it is: its own name and project, whichever way `datasource` names it.
  const found = await o.client.findDatasource(o.datasource)
  const api = (o.client as { datasources?: { get?: (id: string) => Promise<DatasourceDetails> } }).datasources
  if (typeof api?.get !== 'function') {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      'fallback publish-overwrite needs a client that can publish (TableauClient)',
      {
        details: { field: 'client' },
      },
    )
  }
  const details = await api.get(found.id)
  const report = await publishFiles(
    { ...o, datasource: { name: details.name } },
    table,
    files,
    'overwrite',
    details.project?.id === undefined ? true : { projectId: details.project.id },
  )
  const fallback: PublishFallbackReport = {
    mode: 'publish-overwrite',
    publishedRows: report.rows,
    publishedBytes: report.bytes,
    changeRows: change.rows,
    ...(change.bytes !== undefined && { changeBytes: change.bytes }),
    replacedWholeDatasource: true,
  }
  const warning =
    `fallback publish-overwrite: published the full state (${report.rows} row(s), ${report.bytes} byte(s)) and ` +
    `replaced the whole data source, instead of a Hyper Update of ${change.rows} change row(s)` +
    (change.bytes === undefined ? '' : ` (${change.bytes} byte(s))`)
  return { ...report, files: files.length, warnings: [warning], fallback }
}

/** Bytes of files on disk (the change files a Hyper Update would have uploaded). */
export async function fileBytes(paths: readonly string[]): Promise<number> {
  let n = 0
  for (const p of paths) n += (await stat(p)).size
  return n
}
