import { HyperdeltaError } from '../../index.js'
import { ApiError } from '../http/api-error.js'
import { collection, el } from '../http/document.js'
import { connectionsElement, datasourceElement } from '../runtime/entities.js'
import { pageParams } from '../runtime/paging.js'
import { type EmulatorState, type Handler, type RequestContext, siteOf } from '../runtime/state.js'
import type { DatasourceRecord } from '../store/catalog.js'
import { datasourceNameKey } from '../store/name-locks.js'
import type { CreateDatasourceOptions } from './create-options.js'
import { createDatasourceRecord } from './publish-content.js'
import { applyFilter, applySort, parseFields } from './query-options.js'

/** The data source in the path, or 404 with `code` (404004; 404011 on connections, 404006 on remove revision). */
export function datasourceOf(state: EmulatorState, ctx: RequestContext, code = '404004'): DatasourceRecord {
  const site = siteOf(state, ctx)
  const id = ctx.params['datasource']!
  const ds = state.catalog.datasource(site.id, id)
  if (!ds) throw new ApiError(404, code, 'Data source not found', `The data source '${id}' could not be found.`)
  return ds
}

/** GET …/datasources[?filter=…][&sort=…][&fields=…][&pageSize=&pageNumber=] (docs/protocol.md §5.1). */
export const queryDatasources: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const { pageSize, pageNumber } = pageParams(ctx.query)
  let list = state.catalog.data.datasources.filter((d) => d.siteId === site.id)
  const filter = ctx.query.get('filter')
  if (filter) list = applyFilter(state, list, filter)
  const sort = ctx.query.get('sort')
  if (sort) list = applySort(state, list, sort)
  const fields = parseFields(ctx.query.get('fields'))
  const page = list.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  return {
    status: 200,
    body: [
      el('pagination', { pageNumber, pageSize, totalAvailable: list.length }),
      collection(
        'datasources',
        page.map((d) => datasourceElement(state, d, fields)),
      ),
    ],
  }
}

/** GET …/datasources/{id} (docs/protocol.md §5.2). */
export const queryDatasource: Handler = async (state, ctx) => ({
  status: 200,
  body: [datasourceElement(state, datasourceOf(state, ctx))],
})

/** GET …/datasources/{id}/connections (docs/protocol.md §5.3); unknown data source → 404011. */
export const queryConnections: Handler = async (state, ctx) => ({
  status: 200,
  body: [connectionsElement(datasourceOf(state, ctx, '404011'))],
})

/** The programmatic initial publish behind `Emulator.createDatasource`. */
export async function createDatasource(
  state: EmulatorState,
  o: CreateDatasourceOptions,
): Promise<{ id: string; name: string; connectionIds: string[] }> {
  const site = state.catalog.data.sites.find((s) => s.contentUrl.toLowerCase() === (o.site ?? '').toLowerCase())
  if (!site) {
    throw new HyperdeltaError('EMULATOR_SITE_UNKNOWN', `emulator: no site with contentUrl "${o.site}"`, {
      details: { site: o.site },
    })
  }
  const project = state.catalog.ensureProject(site.id, o.project ?? 'Default')
  const owner = state.catalog.ensureUser(state.users[0]?.name ?? 'admin')
  const ds = await state.names.with([datasourceNameKey(site.id, project.id, o.name)], async () => {
    if (state.catalog.datasourceNamed(site.id, project.id, o.name)) {
      throw new HyperdeltaError(
        'EMULATOR_DATASOURCE_EXISTS',
        `emulator: data source "${o.name}" already exists in project "${project.name}"`,
        { details: { name: o.name } },
      )
    }
    const record = { siteId: site.id, projectId: project.id, ownerId: owner.id, name: o.name }
    return createDatasourceRecord(state, { ...record, connections: o.connections ?? 1 }, async (d) => {
      await state.store.createTable(d.alias, o.table, {
        ...(o.rows !== undefined && { rows: o.rows }),
        ...(o.parquet !== undefined && { parquet: o.parquet }),
      })
      d.content = { kind: 'table', schema: o.table.schema ?? 'Extract', table: o.table.name }
      // Revision 1 has no file of its own: downloading it exports the table as it is.
      d.revisions = [
        {
          number: 1,
          publishedAt: d.createdAt,
          publisherId: owner.id,
          filename: `${o.name}.parquet`,
          size: 0,
          deleted: false,
        },
      ]
    })
  })
  return { id: ds.id, name: ds.name, connectionIds: [...ds.connectionIds] }
}
