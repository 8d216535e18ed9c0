import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import type { EndpointName } from '../../protocol/endpoints.js'
import type { ApiRequest } from '../api-request.js'
import { documentedErrors } from '../client-errors.js'
import { apiPath } from '../request-path.js'
import {
  connectionsResponseSchema,
  datasourceResponseSchema,
  datasourcesResponseSchema,
  jobResponseSchema,
} from '../responses.js'

// Endpoints of published data sources used by the update flow. Lookups by name and the connection choice are
// operations over these, in ../datasource-lookup.ts.

/** Page size for listing data sources (the API allows 1..1000). */
export const DATASOURCE_PAGE_SIZE = 1000

/** `GET …/datasources/{id}`; a 404 is `DATASOURCE_NOT_FOUND`. */
export function getDatasource(id: string): ApiRequest<typeof datasourceResponseSchema> {
  return {
    label: 'datasource',
    method: 'GET',
    path: apiPath`/datasources/${id}`,
    expect: [200],
    schema: datasourceResponseSchema,
    mapError: notFound('queryDatasource', id),
  }
}

/**
 * `GET …/datasources?filter=name:eq:{name}&pageSize=…&pageNumber=…`. The filter cannot carry `,` or `&`, so such
 * names (and `undefined`) list without a filter and the caller matches locally.
 */
export function listDatasources(name: string | undefined, page: number): ApiRequest<typeof datasourcesResponseSchema> {
  const query = new URLSearchParams()
  if (name !== undefined && !/[,&]/.test(name)) query.set('filter', `name:eq:${name}`)
  query.set('pageSize', String(DATASOURCE_PAGE_SIZE))
  query.set('pageNumber', String(page))
  return {
    label: 'datasource',
    method: 'GET',
    path: apiPath`/datasources?${query}`,
    expect: [200],
    schema: datasourcesResponseSchema,
  }
}

/** `GET …/datasources/{id}/connections`; a 404 is `DATASOURCE_NOT_FOUND`. */
export function listConnections(id: string): ApiRequest<typeof connectionsResponseSchema> {
  return {
    label: 'datasource',
    method: 'GET',
    path: apiPath`/datasources/${id}/connections`,
    expect: [200],
    schema: connectionsResponseSchema,
    mapError: notFound('queryConnections', id),
  }
}

/** What {@link updateData} sends. */
export interface UpdateDataTarget {
  datasource: string
  connection?: string | undefined
  uploadSessionId?: string | undefined
  /** The wire actions, serialized once. */
  body: string
  requestId: string
  signal?: AbortSignal | undefined
}

/**
 * `PATCH …/datasources/{id}[/connections/{cid}]/data[?uploadSessionId=…]` with the actions as JSON and the
 * `RequestID` header (the same on every retry, so the server applies the request once). 202 is what servers
 * send; the reference says 200.
 */
export function updateData(target: UpdateDataTarget): ApiRequest<typeof jobResponseSchema> {
  const { datasource: ds, connection } = target
  // Upload session ids contain colons: a percent-encoded query value like any other.
  const query = new URLSearchParams()
  if (target.uploadSessionId !== undefined) query.set('uploadSessionId', target.uploadSessionId)
  return {
    label: 'update',
    method: 'PATCH',
    path:
      connection === undefined
        ? apiPath`/datasources/${ds}/data?${query}`
        : apiPath`/datasources/${ds}/connections/${connection}/data?${query}`,
    headers: { 'Content-Type': 'application/json', RequestID: target.requestId },
    body: () => target.body,
    expect: [202, 200],
    schema: jobResponseSchema,
    requestId: target.requestId,
    signal: target.signal,
  }
}

/**
 * A documented code becomes its kind (a wrong site is SITE_NOT_FOUND); the data source's own 404s, and any other
 * 404, become `DATASOURCE_NOT_FOUND` naming the id. Anything else passes through.
 */
function notFound(endpoint: EndpointName, id: string): (error: unknown) => unknown {
  const documented = documentedErrors(endpoint)
  return (error) => {
    const typed = documented(error)
    if (typed !== error && !isHyperdeltaError(typed, 'DATASOURCE_NOT_FOUND')) return typed
    if (isHyperdeltaError(error, 'API_ERROR') && error.details.status === 404) {
      return new HyperdeltaError('DATASOURCE_NOT_FOUND', `datasource: no data source with id ${id}`, {
        cause: error,
        details: { ...error.details, id, resource: 'datasource', endpoint },
      })
    }
    return error
  }
}
