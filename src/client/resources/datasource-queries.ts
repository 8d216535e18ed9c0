import { z } from 'zod'
import type { ApiRequest } from '../api-request.js'
import { typedErrors } from '../datasources/error-codes.js'
import { queryString } from '../datasources/query-string.js'
import {
  connectionListSchema,
  datasourceDetailsResponseSchema,
  datasourcePageSchema,
  revisionPageSchema,
} from '../datasources/schemas.js'
import type { QueryDatasourcesOptions } from '../datasources/types.js'
import { apiPath } from '../request-path.js'

// Read endpoints of the Data Sources page: Query Data Sources / Data Source / Connections, revisions, downloads.

/** `GET …/datasources?pageSize&pageNumber&filter&sort&fields` */
export function queryDatasources(
  o: QueryDatasourcesOptions,
  pageNumber: number,
): ApiRequest<typeof datasourcePageSchema> {
  return {
    label: 'datasources',
    method: 'GET',
    path: apiPath`/datasources?${queryString(o, pageNumber)}`,
    expect: [200],
    schema: datasourcePageSchema,
    signal: o.signal,
    mapError: typedErrors('queryDatasources'),
  }
}

/** `GET …/datasources/{id}` with every attribute (tags, certification, owner…). */
export function queryDatasource(id: string): ApiRequest<typeof datasourceDetailsResponseSchema> {
  return {
    label: 'datasources',
    method: 'GET',
    path: apiPath`/datasources/${id}`,
    expect: [200],
    schema: datasourceDetailsResponseSchema,
    mapError: typedErrors('queryDatasource'),
  }
}

/** `GET …/datasources/{id}/connections` with every attribute. */
export function queryConnections(id: string): ApiRequest<typeof connectionListSchema> {
  return {
    label: 'datasources',
    method: 'GET',
    path: apiPath`/datasources/${id}/connections`,
    expect: [200],
    schema: connectionListSchema,
    mapError: typedErrors('queryConnections'),
  }
}

/** `GET …/datasources/{id}/revisions?pageSize&pageNumber` */
export function getRevisions(id: string, pageSize: number, pageNumber: number): ApiRequest<typeof revisionPageSchema> {
  return {
    label: 'datasources',
    method: 'GET',
    path: apiPath`/datasources/${id}/revisions?pageSize=${pageSize}&pageNumber=${pageNumber}`,
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
    method: 'GET',
    path:
      t.revision === undefined
        ? apiPath`/datasources/${t.id}/content?${query}`
        : apiPath`/datasources/${t.id}/revisions/${t.revision}/content?${query}`,
    headers: { Accept: 'application/octet-stream, application/json' },
    expect: [200],
    schema: z.unknown(),
    sink: t.sink,
    signal: t.signal,
    mapError: typedErrors(t.revision === undefined ? 'downloadDatasource' : 'downloadRevision'),
  }
}
