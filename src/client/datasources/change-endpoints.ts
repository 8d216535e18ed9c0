import type { Readable } from 'node:stream'
import { z } from 'zod'
import { jobResponseSchema } from '../jobs/schemas.js'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { typedErrors } from './error-codes.js'
import * as bodies from './request-bodies.js'
import {
  connectionResponseSchema,
  datasourceDetailsResponseSchema,
  keychainResponseSchema,
  tagsResponseSchema,
} from './schemas.js'
import type { ConnectionChanges, DatasourceChanges, KeychainDestination, PublishDatasourceOptions } from './types.js'

// Write endpoints of the Data Sources page (publish's bodies and upload session are built in publish.ts): update, connection, refresh,
// revisions, tags, delete, keychains. Bodies are XML as the page shows them (see request-bodies.ts).

const XML = { 'Content-Type': 'application/xml' }

/** `PUT …/datasources/{id}` */
export function updateDatasource(id: string, c: DatasourceChanges): ApiRequest<typeof datasourceDetailsResponseSchema> {
  return {
    label: 'datasources',
    ...endpoint('updateDatasource', { datasource: id }),
    headers: XML,
    body: () => bodies.updateDatasourceBody(c),
    expect: [200],
    schema: datasourceDetailsResponseSchema,
    mapError: typedErrors('updateDatasource'),
  }
}

/** `PUT …/datasources/{id}/connections/{cid}` */
export function updateConnection(
  id: string,
  connectionId: string,
  c: ConnectionChanges,
): ApiRequest<typeof connectionResponseSchema> {
  return {
    label: 'datasources',
    ...endpoint('updateConnection', { datasource: id, connection: connectionId }),
    headers: XML,
    body: () => bodies.updateConnectionBody(c),
    expect: [200],
    schema: connectionResponseSchema,
    mapError: typedErrors('updateConnection'),
  }
}

/** `POST …/datasources/{id}/refresh`: 202 + a RefreshExtract job. Not repeated after a lost answer. */
export function refreshDatasource(id: string): ApiRequest<typeof jobResponseSchema> {
  return {
    label: 'datasources',
    ...endpoint('refreshDatasource', { datasource: id }),
    headers: XML,
    body: () => bodies.REFRESH_BODY,
    expect: [202, 200],
    schema: jobResponseSchema,
    retryAmbiguous: false,
    mapError: typedErrors('refreshDatasource'),
  }
}

/** `DELETE …/datasources/{id}/revisions/{n}` */
export function removeRevision(id: string, revision: number): ApiRequest<z.ZodUnknown> {
  return {
    label: 'datasources',
    ...endpoint('removeRevision', { datasource: id, revision }),
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('removeRevision'),
  }
}

/** `PUT …/datasources/{id}/tags` */
export function addTags(id: string, tags: readonly string[]): ApiRequest<typeof tagsResponseSchema> {
  return {
    label: 'datasources',
    ...endpoint('addTags', { datasource: id }),
    headers: XML,
    body: () => bodies.addTagsBody(tags),
    expect: [200],
    schema: tagsResponseSchema,
    mapError: typedErrors('addTags'),
  }
}

/** `DELETE …/datasources/{id}/tags/{tag}` */
export function deleteTag(id: string, tag: string): ApiRequest<z.ZodUnknown> {
  return {
    label: 'datasources',
    ...endpoint('deleteTag', { datasource: id, tag }),
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('deleteTag'),
  }
}

/** `DELETE …/datasources/{id}` */
export function deleteDatasource(id: string): ApiRequest<z.ZodUnknown> {
  return {
    label: 'datasources',
    ...endpoint('deleteDatasource', { datasource: id }),
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('deleteDatasource'),
  }
}

/** `POST …/datasources/{id}/retrieveKeychain` */
export function retrieveKeychain(id: string, d: KeychainDestination): ApiRequest<typeof keychainResponseSchema> {
  return {
    label: 'datasources',
    ...endpoint('retrieveKeychain', { datasource: id }),
    headers: XML,
    body: () => bodies.retrieveKeychainBody(d),
    expect: [200],
    schema: keychainResponseSchema,
    mapError: typedErrors('retrieveKeychain'),
  }
}

/** `PUT …/datasources/{id}/applykeychain` */
export function applyKeychain(
  id: string,
  keychains: readonly string[],
  userMapping: readonly unknown[],
): ApiRequest<z.ZodUnknown> {
  return {
    label: 'datasources',
    ...endpoint('applyKeychain', { datasource: id }),
    headers: { 'Content-Type': 'application/json' },
    body: () => bodies.applyKeychainBody(keychains, userMapping),
    expect: [200, 204],
    schema: z.unknown(),
    mapError: typedErrors('applyKeychain'),
  }
}

/** `POST …/datasources[?overwrite|append|asJob][&uploadSessionId&datasourceType]` with a multipart/mixed body. */
export function publishDatasource<S extends z.ZodType>(
  query: URLSearchParams,
  body: { headers: Record<string, string>; body: () => string | Readable },
  o: PublishDatasourceOptions,
  expect: readonly number[],
  schema: S,
): ApiRequest<S> {
  return {
    label: 'publish',
    ...endpoint('publishDatasource', {}, { query }),
    ...body,
    expect,
    schema,
    signal: o.signal,
    // create and append could apply twice if repeated after a lost answer; overwrite ends in the same state.
    retryAmbiguous: (o.mode ?? 'create') === 'overwrite',
    mapError: typedErrors('publishDatasource'),
  }
}
