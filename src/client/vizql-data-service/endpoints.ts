import type { ApiRequest, Send } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { cappedQuery } from './capped-query.js'
import {
  type VdsQuery,
  type VizqlReader,
  vdsMetadataBody,
  vdsMetadataOutputSchema,
  vdsQueryBody,
  vdsQueryOutputSchema,
} from './vds.js'

// Endpoints of the VizQL Data Service. They sit beside the REST API on the same server (not under
// /api/{v}/sites/…), take JSON, and use the REST session token.

/** `POST /api/v1/vizql-data-service/read-metadata`: the data source's fields and their types. */
export function readMetadata(datasourceLuid: string, signal?: AbortSignal): ApiRequest<typeof vdsMetadataOutputSchema> {
  return {
    label: 'vizql',
    ...endpoint('readMetadata', {}),
    headers: { 'Content-Type': 'application/json' },
    body: () => vdsMetadataBody(datasourceLuid),
    expect: [200],
    schema: vdsMetadataOutputSchema,
    signal,
  }
}

/** `POST /api/v1/vizql-data-service/query-datasource`: rows (or aggregates) of the data source. */
export function queryDatasource(
  datasourceLuid: string,
  query: VdsQuery,
  options: { disaggregate?: boolean; signal?: AbortSignal } = {},
): ApiRequest<typeof vdsQueryOutputSchema> {
  return {
    label: 'vizql',
    ...endpoint('queryDatasourceData', {}),
    headers: { 'Content-Type': 'application/json' },
    body: () => vdsQueryBody(datasourceLuid, query, options.disaggregate === true),
    expect: [200],
    schema: vdsQueryOutputSchema,
    signal: options.signal,
  }
}

/** The VDS methods over a client's transport (`client.vizql`). */
export function vizqlReader(send: Send): VizqlReader {
  return {
    readMetadata: async (luid, signal) => (await send(readMetadata(luid, signal))).data,
    queryDatasource: async (luid, query, options) =>
      options?.maxResponseBytes === undefined
        ? (await send(queryDatasource(luid, query, options))).data
        : cappedQuery(send, queryDatasource(luid, query, options), options.maxResponseBytes),
  }
}
