import { z } from 'zod'
import type { ApiRequest } from '../api-request.js'
import { typedErrors } from '../datasources/error-codes.js'
import * as bodies from '../datasources/request-bodies.js'
import {
  connectionResponseSchema,
  datasourceDetailsResponseSchema,
  keychainResponseSchema,
  tagsResponseSchema,
} from '../datasources/schemas.js'
import type { ConnectionChanges, DatasourceChanges, KeychainDestination } from '../datasources/types.js'
import { apiPath } from '../request-path.js'
import { jobResponseSchema } from '../responses.js'

// Write endpoints of the Data Sources page (publish is in ../datasources/publish.ts): update, connection, refresh,
// revisions, tags, delete, keychains. Bodies are XML as the page shows them (see request-bodies.ts).

const XML = { 'Content-Type': 'application/xml' }

/** `PUT …/datasources/{id}` */
export function updateDatasource(id: string, c: DatasourceChanges): ApiRequest<typeof datasourceDetailsResponseSchema> {
  return {
    label: 'datasources',
    method: 'PUT',
    path: apiPath`/datasources/${id}`,
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
    method: 'PUT',
    path: apiPath`/datasources/${id}/connections/${connectionId}`,
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
    method: 'POST',
    path: apiPath`/datasources/${id}/refresh`,
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
    method: 'DELETE',
    path: apiPath`/datasources/${id}/revisions/${revision}`,
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('removeRevision'),
  }
}

/** `PUT …/datasources/{id}/tags` */
export function addTags(id: string, tags: readonly string[]): ApiRequest<typeof tagsResponseSchema> {
  return {
    label: 'datasources',
    method: 'PUT',
    path: apiPath`/datasources/${id}/tags`,
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
    method: 'DELETE',
    path: apiPath`/datasources/${id}/tags/${tag}`,
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('deleteTag'),
  }
}

/** `DELETE …/datasources/{id}` */
export function deleteDatasource(id: string): ApiRequest<z.ZodUnknown> {
  return {
    label: 'datasources',
    method: 'DELETE',
    path: apiPath`/datasources/${id}`,
    expect: [204, 200],
    schema: z.unknown(),
    mapError: typedErrors('deleteDatasource'),
  }
}

/** `POST …/datasources/{id}/retrieveKeychain` */
export function retrieveKeychain(id: string, d: KeychainDestination): ApiRequest<typeof keychainResponseSchema> {
  return {
    label: 'datasources',
    method: 'POST',
    path: apiPath`/datasources/${id}/retrieveKeychain`,
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
    method: 'PUT',
    path: apiPath`/datasources/${id}/applykeychain`,
    headers: { 'Content-Type': 'application/json' },
    body: () => bodies.applyKeychainBody(keychains, userMapping),
    expect: [200, 204],
    schema: z.unknown(),
    mapError: typedErrors('applyKeychain'),
  }
}
