import { HyperdeltaError } from '../errors.js'
import type { Send } from './api-request.js'
import * as datasources from './resources/datasources.js'
import type { RawDatasource } from './responses.js'

// Finding the data source to update and choosing its connection (docs/protocol.md §5): the lookups behind
// TableauClient.findDatasource, listConnections and resolveConnection.

/** A published data source (docs/protocol.md §5.1). */
export interface Datasource {
  id: string
  name: string
  contentUrl?: string
  type?: string
  project?: { id?: string; name?: string }
  createdAt?: string
  updatedAt?: string
}

/** A data source connection (docs/protocol.md §5.3). */
export interface Connection {
  id: string
  type?: string
  serverAddress?: string
  userName?: string
}

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
): Promise<Datasource> {
  if ('id' in query) return toDatasource((await send(datasources.getDatasource(query.id))).datasource)
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

/**
 * Lists data sources, all pages. The REST filter cannot carry `,` or `&` (docs/protocol.md §5.1), so such names are matched
 * locally over the unfiltered list.
 */
async function listDatasources(send: Send, name: string): Promise<Datasource[]> {
  const out: Datasource[] = []
  for (let page = 1; ; page++) {
    const res = await send(datasources.listDatasources(name, page))
    const items = res.datasources ?? []
    out.push(...items.map(toDatasource))
    // Without a pagination element (docs/protocol.md §12), only a short page ends the list.
    const total = res.pagination?.totalAvailable
    if (
      items.length === 0 ||
      (total === undefined ? items.length < datasources.DATASOURCE_PAGE_SIZE : out.length >= total)
    )
      return out
  }
}

/**
 * The connections of a data source (docs/protocol.md §5.3). `DATASOURCE_NOT_FOUND` when the id is unknown.
 *
 * @example
 * ```ts
 * const connections = await client.listConnections(ds.id)
 * ```
 */
export async function listConnections(send: Send, datasourceId: string): Promise<Connection[]> {
  const res = await send(datasources.listConnections(datasourceId))
  return (res.connections ?? []).map((c) => ({
    id: c.id,
    ...(c.type !== undefined && { type: c.type }),
    ...(c.serverAddress !== undefined && { serverAddress: c.serverAddress }),
    ...(c.userName !== undefined && { userName: c.userName }),
  }))
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
  connections: readonly Connection[],
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

function toDatasource(d: RawDatasource): Datasource {
  return {
    id: d.id,
    name: d.name,
    ...(d.contentUrl !== undefined && { contentUrl: d.contentUrl }),
    ...(d.type !== undefined && { type: d.type }),
    ...(d.project !== undefined && {
      project: {
        ...(d.project.id !== undefined && { id: d.project.id }),
        ...(d.project.name !== undefined && { name: d.project.name }),
      },
    }),
    ...(d.createdAt !== undefined && { createdAt: d.createdAt }),
    ...(d.updatedAt !== undefined && { updatedAt: d.updatedAt }),
  }
}
