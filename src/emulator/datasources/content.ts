import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { TABLE_DOWNLOAD_EXTENSION } from '../core/inferred.js'
import { ApiError } from '../http/api-error.js'
import { collection, el } from '../http/document.js'
import { revisionElement } from '../runtime/entities.js'
import { pageParams } from '../runtime/paging.js'
import type { EmulatorState, Handler, Reply, RequestContext } from '../runtime/state.js'
import type { DatasourceRecord, RevisionRecord } from '../store/catalog.js'
import { ident, LEDGER_SCHEMA, literal } from '../store/store.js'
import { booleanFlag } from './publish.js'
import { datasourceOf } from './query.js'

/**
 * The SQL name of the table a data source holds (old catalogs: the first table in its database), or undefined
 * when it holds an opaque file (or no table).
 */
export async function datasourceTable(state: EmulatorState, ds: DatasourceRecord): Promise<string | undefined> {
  if (ds.content?.kind === 'table') return `${ident(ds.alias)}.${ident(ds.content.schema)}.${ident(ds.content.table)}`
  if (ds.content?.kind === 'opaque') return undefined
  const [t] = await state.store.query(
    `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ${literal(ds.alias)} AND schema_name <> ${literal(LEDGER_SCHEMA)} LIMIT 1`,
  )
  return t ? `${ident(ds.alias)}.${ident(String(t['schema_name']))}.${ident(String(t['table_name']))}` : undefined
}

/** The table a table-backed data source holds. */
async function tableOf(state: EmulatorState, ds: DatasourceRecord): Promise<string> {
  const table = await datasourceTable(state, ds)
  if (!table) throw new ApiError(400, '400011', 'Download error', 'emulator: the data source holds no table.')
  return table
}

/** The current content: the opaque file as published, or the table exported to Parquet now. */
async function currentContent(state: EmulatorState, ds: DatasourceRecord): Promise<Reply> {
  if (ds.content?.kind === 'opaque') {
    return { status: 200, file: { path: join(state.store.dir, ds.content.file), filename: ds.content.filename } }
  }
  const path = join(state.uploadsDir, `download-${randomUUID()}.parquet`)
  await state.store.query(`COPY (SELECT * FROM ${await tableOf(state, ds)}) TO ${literal(path)} (FORMAT parquet)`)
  return { status: 200, file: { path, filename: `${ds.name}.${TABLE_DOWNLOAD_EXTENSION}`, temporary: true } }
}

/** GET …/datasources/{id}/content[?includeExtract=true|false]: streamed, Content-Disposition with the file name. */
export const downloadDatasource: Handler = async (state, ctx) => {
  ctx.req.resume()
  booleanFlag(ctx.query.get('includeExtract'), 'includeExtract parameter')
  return currentContent(state, datasourceOf(state, ctx))
}

function revisionOf(ds: DatasourceRecord, ctx: RequestContext): RevisionRecord {
  const n = ctx.params['revision']!
  const rev = ds.revisions?.find((r) => String(r.number) === n)
  if (!rev || rev.deleted) {
    throw new ApiError(404, '404024', 'Data source revision not found', `The data source has no revision '${n}'.`)
  }
  return rev
}

const isCurrent = (ds: DatasourceRecord, rev: RevisionRecord): boolean => ds.revisions?.at(-1) === rev

/** GET …/datasources/{id}/revisions[?pageSize=&pageNumber=]: oldest first; the last is current. */
export const listRevisions: Handler = async (state, ctx) => {
  ctx.req.resume()
  const ds = datasourceOf(state, ctx)
  const { pageSize, pageNumber } = pageParams(ctx.query)
  const all = ds.revisions ?? []
  const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  return {
    status: 200,
    body: [
      el('pagination', { pageNumber, pageSize, totalAvailable: all.length }),
      collection(
        'revisions',
        page.map((r) => revisionElement(state, r, isCurrent(ds, r))),
      ),
    ],
  }
}

/** GET …/revisions/{n}/content: the file as published in revision n (404024 when removed or unknown). */
export const downloadRevision: Handler = async (state, ctx) => {
  ctx.req.resume()
  const ds = datasourceOf(state, ctx)
  const rev = revisionOf(ds, ctx)
  if (rev.file === undefined) {
    if (isCurrent(ds, rev)) return currentContent(state, ds)
    throw new ApiError(404, '404024', 'Data source revision not found', 'The revision has no content.')
  }
  return { status: 200, file: { path: join(state.store.dir, rev.file), filename: rev.filename } }
}

/** DELETE …/revisions/{n}: 204; the current revision cannot go (403055); unknown data source → 404006. */
export const removeRevision: Handler = async (state, ctx) => {
  ctx.req.resume()
  const ds = datasourceOf(state, ctx, '404006')
  const rev = revisionOf(ds, ctx)
  if (isCurrent(ds, rev)) {
    throw new ApiError(
      403,
      '403055',
      'Cannot delete head revision',
      'The current revision cannot be removed; delete the data source instead.',
    )
  }
  if (rev.file !== undefined) await rm(join(state.store.dir, rev.file), { force: true })
  delete rev.file
  rev.deleted = true
  await state.catalog.save()
  return { status: 204 }
}
