import { z } from 'zod'
import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import type { EndpointName } from '../../protocol/endpoints.js'
import { jobResponseSchema } from '../jobs/schemas.js'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { typedErrors } from './error-codes.js'
import { queryString } from './query-string.js'
import {
  connectionListSchema,
  datasourceDetailsResponseSchema,
  datasourcePageSchema,
  revisionPageSchema,
} from './schemas.js'
import type { QueryDatasourcesOptions } from './types.js'

// Read endpoints of the Data Sources page (Query Data Sources / Data Source / Connections, revisions, downloads) and
// the update flow's PATCH …/data. The write endpoints are in change-endpoints.ts, publish in publish.ts.

/** `GET …/datasources?pageSize&pageNumber&filter&sort&fields` */
export function queryDatasources(
  o: QueryDatasourcesOptions,
  pageNumber: number,
): ApiRequest<typeof datasourcePageSchema> {
  return {
    label: 'datasource',
    ...endpoint('queryDatasources', {}, { query: queryString(o, pageNumber) }),
    expect: [200],
    schema: datasourcePageSchema,
    signal: o.signal,
    mapError: typedErrors('queryDatasources'),
  }
}

/** `GET …/datasources/{id}` with every attribute (tags, certification, owner…); any 404 is `DATASOURCE_NOT_FOUND`. */
export function queryDatasource(id: string): ApiRequest<typeof datasourceDetailsResponseSchema> {
  return {
    label: 'datasource',
    ...endpoint('queryDatasource', { datasource: id }),
    expect: [200],
    schema: datasourceDetailsResponseSchema,
    mapError: notFound('queryDatasource', id),
  }
}

/** `GET …/datasources/{id}/connections` with every attribute; any 404 is `DATASOURCE_NOT_FOUND`. */
export function queryConnections(id: string): ApiRequest<typeof connectionListSchema> {
  return {
    label: 'datasource',
    ...endpoint('queryConnections', { datasource: id }),
    expect: [200],
    schema: connectionListSchema,
    mapError: notFound('queryConnections', id),
  }
}

/** `GET …/datasources/{id}/revisions?pageSize&pageNumber` */
export function getRevisions(id: string, pageSize: number, pageNumber: number): ApiRequest<typeof revisionPageSchema> {
  const query = new URLSearchParams({ pageSize: String(pageSize), pageNumber: String(pageNumber) })
  return {
    label: 'datasources',
    ...endpoint('listRevisions', { datasource: id }, { query }),
    expect: [200],
    schema: revisionPageSchema,
    mapError: typedErrors('listRevisions'),
  }
}

/** What a download sends: the data source (and revision), the extract choice, and where the body streams. */
export interface DownloadTarget {
  id: string
  revision?: number | undefined
  includeExtract?: boolean | undefined
  sink: NonNullable<ApiRequest['sink']>
  signal?: AbortSignal | undefined
}

/** `GET …/datasources/{id}[/revisions/{n}]/content[?includeExtract=False]`, streamed into `sink`. */
export function downloadContent(t: DownloadTarget): ApiRequest<z.ZodUnknown> {
  const query = new URLSearchParams(t.includeExtract === false ? { includeExtract: 'False' } : {})
  return {
    label: 'download',
    ...(t.revision === undefined
      ? endpoint('downloadDatasource', { datasource: t.id }, { query })
      : endpoint('downloadRevision', { datasource: t.id, revision: t.revision }, { query })),
    headers: { Accept: 'application/octet-stream, application/json' },
    expect: [200],
    schema: z.unknown(),
    sink: t.sink,
    signal: t.signal,
    mapError: typedErrors(t.revision === undefined ? 'downloadDatasource' : 'downloadRevision'),
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
  const { datasource, connection } = target
  // Upload session ids contain colons: a percent-encoded query value like any other.
  const query = new URLSearchParams()
  if (target.uploadSessionId !== undefined) query.set('uploadSessionId', target.uploadSessionId)
  return {
    label: 'update',
    ...(connection === undefined
      ? endpoint('updateData', { datasource }, { query })
      : endpoint('updateConnectionData', { datasource, connection }, { query })),
    headers: { 'Content-Type': 'application/json', RequestID: target.requestId },
    body: () => target.body,
    expect: [202, 200],
    schema: jobResponseSchema,
    requestId: target.requestId,
    signal: target.signal,
  }
}

/**
 * The documented codes of `endpoint` become their kind (a wrong site is SITE_NOT_FOUND); the data source's own 404s,
 * and any other 404, become `DATASOURCE_NOT_FOUND` naming the id it did not find.
 */
function notFound(endpoint: EndpointName, id: string): (error: unknown) => unknown {
  const documented = typedErrors(endpoint)
  return (error) => {
    const typed = documented(error)
    const missing =
      isHyperdeltaError(typed, 'DATASOURCE_NOT_FOUND') ||
      (isHyperdeltaError(typed, 'API_ERROR') && typed.details.status === 404)
    if (!missing || !isHyperdeltaError(error, 'API_ERROR')) return typed
    return new HyperdeltaError('DATASOURCE_NOT_FOUND', `datasource: no data source with id ${id}`, {
      cause: error,
      details: { ...error.details, id, resource: 'datasource', endpoint },
    })
  }
}
