import type { z } from 'zod'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { emptyResponseSchema } from '../transport/responses.js'
import { dbConnectionBody, granteeType, permissionsBody, publishBody, tagsBody, updateBody } from './bodies.js'
import { mapVirtualConnectionError } from './error-codes.js'
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

function request<S extends z.ZodType>(
  o: Pick<ApiRequest<S>, 'method' | 'path' | 'scope' | 'expect' | 'schema'> & {
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
    method: o.method,
    path: o.path,
    ...(o.scope !== undefined && { scope: o.scope }),
    headers: headers(o.format, body !== undefined),
    ...(body !== undefined && { body: () => body }),
    expect: o.expect,
    schema: o.schema,
    signal: o.signal,
    ...(o.retryAmbiguous !== undefined && { retryAmbiguous: o.retryAmbiguous }),
    mapError: mapVirtualConnectionError(o.what, o.id === undefined ? {} : { virtualConnection: o.id }),
  }
}

/** Query string of List Virtual Connections. */
function listQuery(o: {
  pageSize: number
  pageNumber: number
  filter?: readonly string[]
  sort?: readonly string[]
}): URLSearchParams {
  const q = new URLSearchParams({ pageSize: String(o.pageSize), pageNumber: String(o.pageNumber) })
  if (o.filter?.length) q.set('filter', o.filter.join(','))
  if (o.sort?.length) q.set('sort', o.sort.join(','))
  return q
}

/** Query string of the paged lists of one virtual connection. */
function pageQuery(page: { pageSize: number; pageNumber: number }): URLSearchParams {
  return new URLSearchParams({ pageSize: String(page.pageSize), pageNumber: String(page.pageNumber) })
}

/** `GET …/virtualconnections?pageSize&pageNumber[&filter][&sort]` */
export function listVirtualConnections(
  o: { pageSize: number; pageNumber: number; filter?: readonly string[]; sort?: readonly string[] },
  format: VirtualConnectionFormat,
  signal?: AbortSignal,
) {
  return request({
    what: 'list',
    ...endpoint('listVirtualConnections', {}, { query: listQuery(o) }),
    expect: [200],
    schema: virtualConnectionsResponseSchema,
    format,
    signal,
  })
}

/** `GET …/virtualconnections/{id}` (the content as JSON text). */
export function downloadVirtualConnection(id: string, format: VirtualConnectionFormat) {
  return request({
    what: 'download',
    id,
    ...endpoint('downloadVirtualConnection', { vconn: id }),
    expect: [200],
    schema: virtualConnectionContentResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/revisions/{n}` */
export function downloadVirtualConnectionRevision(id: string, revision: number, format: VirtualConnectionFormat) {
  return request({
    what: `download revision ${revision}`,
    id,
    ...endpoint('downloadVirtualConnectionRevision', { vconn: id, revision }),
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
    what: 'list revisions',
    id,
    ...endpoint('listVirtualConnectionRevisions', { vconn: id }, { query: pageQuery(page) }),
    expect: [200],
    schema: revisionsResponseSchema,
    format,
  })
}

/** `POST …/virtualconnections?overwrite&publishAsDraft` (both always sent: the server's draft default is true). */
export function publishVirtualConnection(r: PublishVirtualConnectionRequest, format: VirtualConnectionFormat) {
  return request({
    what: `publish "${r.name}"`,
    ...endpoint(
      'publishVirtualConnection',
      {},
      {
        query: new URLSearchParams({
          overwrite: `${r.overwrite === true}`,
          publishAsDraft: `${r.publishAsDraft === true}`,
        }),
      },
    ),
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
    what: 'update',
    id,
    ...endpoint('updateVirtualConnection', { vconn: id }),
    body: updateBody(r, format),
    expect: [200],
    schema: updatedVirtualConnectionResponseSchema,
    format,
  })
}

/** `DELETE …/virtualconnections/{id}` → 204 */
export function deleteVirtualConnection(id: string, format: VirtualConnectionFormat) {
  return request({
    what: 'delete',
    id,
    ...endpoint('deleteVirtualConnection', { vconn: id }),
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
    what: 'list database connections',
    id,
    ...endpoint('listVirtualConnectionConnections', { vconn: id }, { query: pageQuery(page) }),
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
    what: `update database connection ${connectionId}`,
    id,
    ...endpoint('updateVirtualConnectionConnection', { vconn: id, connection: connectionId }),
    body: dbConnectionBody(u, format),
    expect: [200],
    schema: dbConnectionResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}/tags` */
export function addTags(id: string, labels: readonly string[], format: VirtualConnectionFormat) {
  return request({
    what: 'add tags',
    id,
    ...endpoint('addVirtualConnectionTags', { vconn: id }),
    body: tagsBody(labels, format),
    expect: [200],
    schema: tagsResponseSchema,
    format,
  })
}

/** `DELETE …/virtualconnections/{id}/tags/{label}` → 204 */
export function deleteTag(id: string, label: string, format: VirtualConnectionFormat) {
  return request({
    what: `delete tag "${label}"`,
    id,
    ...endpoint('deleteVirtualConnectionTag', { vconn: id, tag: label }),
    expect: [204],
    schema: emptyResponseSchema,
    format,
  })
}

/** `PUT …/virtualconnections/{id}/permissions` */
export function addPermissions(id: string, grants: readonly GranteeCapabilities[], format: VirtualConnectionFormat) {
  return request({
    what: 'add permissions',
    id,
    ...endpoint('addVirtualConnectionPermissions', { vconn: id }),
    body: permissionsBody(grants, format),
    expect: [200],
    schema: permissionsResponseSchema,
    format,
  })
}

/** `GET …/virtualconnections/{id}/permissions` */
export function listPermissions(id: string, format: VirtualConnectionFormat) {
  return request({
    what: 'list permissions',
    id,
    ...endpoint('listVirtualConnectionPermissions', { vconn: id }),
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
    what: `delete permission ${capability}:${mode}`,
    id,
    ...endpoint('deleteVirtualConnectionPermission', at),
    expect: [204],
    schema: emptyResponseSchema,
    format,
  })
}
