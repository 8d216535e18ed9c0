import { HyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { toConnectionDetails, toDatasourceDetails } from './convert.js'
import { everyDatasource } from './datasources-api.js'
import { queryConnections, queryDatasource } from './endpoints.js'
import type { ConnectionDetails, DatasourceDetails, QueryDatasourcesOptions } from './types.js'

// Finding the data source to update and choosing its connection (docs/protocol.md §5): the lookups behind
// TableauClient.findDatasource, listConnections and resolveConnection.

/**
 * Finds a data source by LUID, or by name (and optionally project name or id). Throws `DATASOURCE_NOT_FOUND`, or
 * `DATASOURCE_AMBIGUOUS` when several match (pass `project`, or the id).
 *
 * @example
 * ```ts
 * const ds = await client.findDatasource({ name: 'Orders', project: 'Sales' })
 * ```
 */
export async function findDatasource(
  send: Send,
  query: { id: string } | { name: string; project?: string },
): Promise<DatasourceDetails> {
  if ('id' in query) return toDatasourceDetails((await send(queryDatasource(query.id))).datasource)
  const { name, project } = query
  if (typeof name !== 'string' || name === '') {
    throw new HyperdeltaError('CONFIG_INVALID', 'datasource: name must be a non-empty string', {
      details: { field: 'name' },
    })
  }
  const all = await listDatasources(send, name)
  const exact = all.filter((d) => d.name === name)
  let matches = exact.length > 0 ? exact : all.filter((d) => d.name.toLowerCase() === name.toLowerCase())
  // A server may leave out <project> (and <owner>) when the site limits user visibility (docs/protocol.md §12):
  // such a candidate cannot be placed in a project, and the error says so rather than only "not found".
  const unplaced = project === undefined ? 0 : matches.filter((d) => d.project === undefined).length
  if (project !== undefined) matches = matches.filter((d) => d.project?.name === project || d.project?.id === project)
  const where = project === undefined ? '' : ` in project "${project}"`
  if (matches.length === 0) {
    const hint =
      unplaced === 0 ? '' : ` (${unplaced} of that name came without their project; pass the data source id instead)`
    throw new HyperdeltaError('DATASOURCE_NOT_FOUND', `datasource: no data source named "${name}"${where}${hint}`, {
      details: { name, project, ...(unplaced > 0 && { withoutProject: unplaced }) },
    })
  }
  if (matches.length > 1) {
    throw new HyperdeltaError(
      'DATASOURCE_AMBIGUOUS',
      `datasource: ${matches.length} data sources are named "${name}"${where}; ` +
        (project === undefined ? 'pass the project, or the id' : 'pass the id'),
      { details: { name, project, candidates: matches.map((d) => ({ id: d.id, project: d.project?.name })) } },
    )
  }
  return matches[0]!
}

/** Page size of the lookup by name (the API allows 1..1000). */
const LOOKUP_PAGE_SIZE = 1000

/**
 * Lists data sources, all pages. The REST filter cannot carry `,` or `&` (docs/protocol.md §5.1), nor the `[`/`]` of
 * a list, so such names are matched locally over the unfiltered list.
 */
async function listDatasources(send: Send, name: string): Promise<DatasourceDetails[]> {
  const options: QueryDatasourcesOptions = {
    pageSize: LOOKUP_PAGE_SIZE,
    ...(!/[,&[\]]/.test(name) && { filter: [{ field: 'name', operator: 'eq', value: name }] }),
  }
  const out: DatasourceDetails[] = []
  for await (const d of everyDatasource(send, options)) out.push(d)
  return out
}

/**
 * The connections of a data source (docs/protocol.md §5.3). `DATASOURCE_NOT_FOUND` when the id is unknown.
 *
 * @example
 * ```ts
 * const connections = await client.listConnections(ds.id)
 * ```
 */
export async function listConnections(send: Send, datasourceId: string): Promise<ConnectionDetails[]> {
  return ((await send(queryConnections(datasourceId))).connections ?? []).map(toConnectionDetails)
}

/**
 * Preflight for `updateData`: which connection to target. Returns `connectionId` after checking it exists
 * (`CONNECTION_NOT_FOUND` otherwise); without one, `undefined` (use `…/data`) when the data source has at most one
 * connection, or `CONNECTION_REQUIRED` when it has several (the server would answer 403062).
 *
 * @example
 * ```ts
 * const connection = await client.resolveConnection(ds.id)
 * ```
 */
export function chooseConnection(
  connections: readonly ConnectionDetails[],
  datasourceId: string,
  connectionId?: string,
): string | undefined {
  const ids = connections.map((c) => c.id)
  if (connectionId !== undefined) {
    if (!ids.includes(connectionId)) {
      throw new HyperdeltaError(
        'CONNECTION_NOT_FOUND',
        `datasource: data source ${datasourceId} has no connection ${connectionId}`,
        { details: { datasourceId, connectionId, connections: ids } },
      )
    }
    return connectionId
  }
  if (connections.length > 1) {
    throw new HyperdeltaError(
      'CONNECTION_REQUIRED',
      `datasource: data source ${datasourceId} has ${connections.length} connections; pass the connection id ` +
        `(the server refuses …/data with 403062)`,
      { details: { datasourceId, connections: ids } },
    )
  }
  return undefined
}
