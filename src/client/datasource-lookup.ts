import { HyperdeltaError } from '../errors.js'
import {
  connectionsResponseSchema,
  datasourceResponseSchema,
  datasourcesResponseSchema,
  type RawDatasource,
} from './responses.js'
import type { UploadCaller } from './upload-file.js'

// Finding the data source to update and choosing its connection (spec §5): the lookups behind
// TableauClient.findDatasource, listConnections and resolveConnection.

/** The client's authenticated, retried call plus the site path prefix. */
export type ApiCaller = UploadCaller

/** Page size for listing data sources (the API allows 1..1000). */
const PAGE_SIZE = 1000

/** A published data source (spec §5.1). */
export interface Datasource {
  id: string
  name: string
  contentUrl?: string
  type?: string
  project?: { id?: string; name?: string }
  createdAt?: string
  updatedAt?: string
}

/** A data source connection (spec §5.3). */
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
  caller: ApiCaller,
  query: { id: string } | { name: string; project?: string },
): Promise<Datasource> {
  if ('id' in query) {
    try {
      const res = await caller.call({
        layer: 'datasource',
        method: 'GET',
        path: caller.sitePath(`/datasources/${encodeURIComponent(query.id)}`),
        expect: [200],
        schema: datasourceResponseSchema,
      })
      return toDatasource(res.datasource)
    } catch (error) {
      throw notFound(error, `datasource: no data source with id ${query.id}`, { id: query.id })
    }
  }
  const { name, project } = query
  if (typeof name !== 'string' || name === '') {
    throw new HyperdeltaError('CONFIG_INVALID', 'datasource: name must be a non-empty string', {
      details: { field: 'name' },
    })
  }
  const all = await listDatasources(caller, name)
  const exact = all.filter((d) => d.name === name)
  let matches = exact.length > 0 ? exact : all.filter((d) => d.name.toLowerCase() === name.toLowerCase())
  if (project !== undefined) matches = matches.filter((d) => d.project?.name === project || d.project?.id === project)
  const where = project === undefined ? '' : ` in project "${project}"`
  if (matches.length === 0) {
    throw new HyperdeltaError('DATASOURCE_NOT_FOUND', `datasource: no data source named "${name}"${where}`, {
      details: { name, project },
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
 * Lists data sources, all pages. The REST filter cannot carry `,` or `&` (spec §5.1), so such names are matched
 * locally over the unfiltered list.
 */
async function listDatasources(caller: ApiCaller, name: string): Promise<Datasource[]> {
  const filter = /[,&]/.test(name) ? '' : `filter=name:eq:${encodeURIComponent(name)}&`
  const out: Datasource[] = []
  for (let page = 1; ; page++) {
    const res = await caller.call({
      layer: 'datasource',
      method: 'GET',
      path: caller.sitePath(`/datasources?${filter}pageSize=${PAGE_SIZE}&pageNumber=${page}`),
      expect: [200],
      schema: datasourcesResponseSchema,
    })
    const items = res.datasources ?? []
    out.push(...items.map(toDatasource))
    const total = res.pagination?.totalAvailable ?? out.length
    if (items.length === 0 || out.length >= total) return out
  }
}

/**
 * The connections of a data source (spec §5.3). `DATASOURCE_NOT_FOUND` when the id is unknown.
 *
 * @example
 * ```ts
 * const connections = await client.listConnections(ds.id)
 * ```
 */
export async function listConnections(caller: ApiCaller, datasourceId: string): Promise<Connection[]> {
  try {
    const res = await caller.call({
      layer: 'datasource',
      method: 'GET',
      path: caller.sitePath(`/datasources/${encodeURIComponent(datasourceId)}/connections`),
      expect: [200],
      schema: connectionsResponseSchema,
    })
    return (res.connections ?? []).map((c) => ({
      id: c.id,
      ...(c.type !== undefined && { type: c.type }),
      ...(c.serverAddress !== undefined && { serverAddress: c.serverAddress }),
      ...(c.userName !== undefined && { userName: c.userName }),
    }))
  } catch (error) {
    throw notFound(error, `datasource: no data source with id ${datasourceId}`, { id: datasourceId })
  }
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

/** A 404 from a data source lookup becomes `DATASOURCE_NOT_FOUND`; anything else passes through. */
function notFound(error: unknown, message: string, details: Record<string, unknown>): unknown {
  if (error instanceof HyperdeltaError && error.code === 'API_ERROR' && error.details['status'] === 404) {
    return new HyperdeltaError('DATASOURCE_NOT_FOUND', message, {
      cause: error,
      details: { ...details, tableauCode: error.details['tableauCode'] },
    })
  }
  return error
}
