import type { z } from 'zod'
import type { EndpointName } from '../../protocol/endpoints.js'
import type { ApiRequest } from '../transport/api-request.js'
import { type EndpointPathParams, endpoint } from '../transport/endpoint.js'
import { emptyResponseSchema } from '../transport/responses.js'
import { dbConnectionBody, granteeType, permissionsBody, publishBody, tagsBody, updateBody } from './bodies.js'
import { mapVirtualConnectionError } from './error-codes.js'
import { listQuery, pageQuery } from './query-strings.js'
import {
  dbConnectionResponseSchema,
  dbConnectionsResponseSchema,
  permissionsResponseSchema,
  publishedVirtualConnectionResponseSchema,
  revisionsResponseSchema,
  tagsResponseSchema,
  updatedVirtualConnectionResponseSchema,
  virtualConnectionContentResponseSchema,
  virtualConnectionsResponseSchema,
} from './schemas.js'
import type {
  CapabilityMode,
  DatabaseConnectionUpdate,
  Grantee,
  GranteeCapabilities,
  PublishVirtualConnectionRequest,
  UpdateVirtualConnectionRequest,
  VirtualConnectionCapability,
  VirtualConnectionFormat,
} from './types.js'

// Endpoints of the Virtual Connections API. Paths use the reference page's spelling (`virtualconnections`); real
// servers also accept `virtualConnections`. Every request states its format: Accept (and Content-Type for bodies)
// is JSON for 'json', XML otherwise; the transport decodes either.

function headers(format: VirtualConnectionFormat, body: boolean): Record<string, string> {
  const type = format === 'json' ? 'application/json' : 'application/xml'
  return body ? { Accept: type, 'Content-Type': type } : { Accept: type }
}

function request<S extends z.ZodType, N extends EndpointName>(
  o: Pick<ApiRequest<S>, 'expect' | 'schema'> & {
    endpoint: N
    params: EndpointPathParams<N>
    query?: URLSearchParams
    what: string
    id?: string
    format: VirtualConnectionFormat
    body?: string
    signal?: AbortSignal | undefined
    retryAmbiguous?: boolean
  },
): ApiRequest<S> {
  const { body } = o
  return {
    label: 'virtual connection',
    ...endpoint(o.endpoint, o.params, o.query === undefined ? {} : { query: o.query }),
    headers: headers(o.format, body !== undefined),
    ...(body !== undefined && { body: () => body }),
    expect: o.expect,
    schema: o.schema,
    signal: o.signal,
    ...(o.retryAmbiguous !== undefined && { retryAmbiguous: o.retryAmbiguous }),
    mapError: mapVirtualConnectionError(o.endpoint, o.what, o.id),
  }
}

/** `GET …/virtualconnections?pageSize&pageNumber[&filter][&sort]` */
export function listVirtualConnections(
  o: { pageSize: number; pageNumber: number; filter?: readonly string[]; sort?: readonly string[] },
  format: VirtualConnectionFormat,
  signal?: AbortSignal,
) {
  return request({
    endpoint: 'listVirtualConnections',
    what: 'list',
    params: {},
    query: listQuery(o),
    expect: [200],
    schema: virtualConnectionsResponseSchema,
    format,
    signal,
  })
}

/** `GET …/virtualconnections/{id}` (the content as JSON text). */
export function downloadVirtualConnection(id: string, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'downloadVirtualConnection',
    what: 'download',
    id,
    params: { vconn: id },
    expect: [200],
    schema: virtualConnectionContentResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/revisions/{n}` */
export function downloadVirtualConnectionRevision(id: string, revision: number, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'downloadVirtualConnectionRevision',
    what: `download revision ${revision}`,
    id,
    params: { vconn: id, revision },
    expect: [200],
    schema: virtualConnectionContentResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/revisions?pageSize&pageNumber` */
export function listVirtualConnectionRevisions(
  id: string,
  page: { pageSize: number; pageNumber: number },
  format: VirtualConnectionFormat,
) {
  return request({
    endpoint: 'listVirtualConnectionRevisions',
    what: 'list revisions',
    id,
    params: { vconn: id },
    query: pageQuery(page),
    expect: [200],
    schema: revisionsResponseSchema,
    format,
  })
}

/** `POST …/virtualconnections?overwrite&publishAsDraft` (both always sent: the server's draft default is true). */
export function publishVirtualConnection(r: PublishVirtualConnectionRequest, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'publishVirtualConnection',
    what: `publish "${r.name}"`,
    params: {},
    query: new URLSearchParams({
      overwrite: `${r.overwrite === true}`,
      publishAsDraft: `${r.publishAsDraft === true}`,
    }),
    body: publishBody(r, format),
    // Not idempotent: after a lost answer, a repeat would meet its own first publish (409124 or a second revision).
    retryAmbiguous: false,
    expect: [201],
    schema: publishedVirtualConnectionResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}` */
export function updateVirtualConnection(
  id: string,
  r: UpdateVirtualConnectionRequest,
  format: VirtualConnectionFormat,
) {
  return request({
    endpoint: 'updateVirtualConnection',
    what: 'update',
    id,
    params: { vconn: id },
    body: updateBody(r, format),
    expect: [200],
    schema: updatedVirtualConnectionResponseSchema,
    format,
  })
}

/** `DELETE …/virtualconnections/{id}` → 204 */
export function deleteVirtualConnection(id: string, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'deleteVirtualConnection',
    what: 'delete',
    id,
    params: { vconn: id },
    expect: [204],
    schema: emptyResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/connections?pageSize&pageNumber` */
export function listDatabaseConnections(
  id: string,
  page: { pageSize: number; pageNumber: number },
  format: VirtualConnectionFormat,
) {
  return request({
    endpoint: 'listVirtualConnectionConnections',
    what: 'list database connections',
    id,
    params: { vconn: id },
    query: pageQuery(page),
    expect: [200],
    schema: dbConnectionsResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}/connections/{connectionId}/modify` */
export function updateDatabaseConnection(
  id: string,
  connectionId: string,
  u: DatabaseConnectionUpdate,
  format: VirtualConnectionFormat,
) {
  return request({
    endpoint: 'updateVirtualConnectionConnection',
    what: `update database connection ${connectionId}`,
    id,
    params: { vconn: id, connection: connectionId },
    body: dbConnectionBody(u, format),
    expect: [200],
    schema: dbConnectionResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}/tags` */
export function addTags(id: string, labels: readonly string[], format: VirtualConnectionFormat) {
  return request({
    endpoint: 'addVirtualConnectionTags',
    what: 'add tags',
    id,
    params: { vconn: id },
    body: tagsBody(labels, format),
    expect: [200],
    schema: tagsResponseSchema,
    format,
  })
}

/** `DELETE …/virtualconnections/{id}/tags/{label}` → 204 */
export function deleteTag(id: string, label: string, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'deleteVirtualConnectionTag',
    what: `delete tag "${label}"`,
    id,
    params: { vconn: id, tag: label },
    expect: [204],
    schema: emptyResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}/permissions` */
export function addPermissions(id: string, grants: readonly GranteeCapabilities[], format: VirtualConnectionFormat) {
  return request({
    endpoint: 'addVirtualConnectionPermissions',
    what: 'add permissions',
    id,
    params: { vconn: id },
    body: permissionsBody(grants, format),
    expect: [200],
    schema: permissionsResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/permissions` */
export function listPermissions(id: string, format: VirtualConnectionFormat) {
  return request({
    endpoint: 'listVirtualConnectionPermissions',
    what: 'list permissions',
    id,
    params: { vconn: id },
    expect: [200],
    schema: permissionsResponseSchema,
    format,
  })
}

/** `DELETE …/virtualconnections/{id}/permissions/{users|groups}/{granteeId}/{capability}/{mode}` → 204 */
export function deletePermission(
  id: string,
  grantee: Grantee,
  capability: VirtualConnectionCapability,
  mode: CapabilityMode,
  format: VirtualConnectionFormat,
) {
  const grantees = `${granteeType(grantee)}s`
  const at = { vconn: id, grantees, grantee: grantee.id, capability, mode }
  return request({
    endpoint: 'deleteVirtualConnectionPermission',
    what: `delete permission ${capability}:${mode}`,
    id,
    params: at,
    expect: [204],
    schema: emptyResponseSchema,
    format,
  })
}
