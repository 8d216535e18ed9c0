import type { Endpoint } from './endpoint.js'

// Every REST endpoint hyperdelta speaks, declared once. The names are also the emulator's route names (what a fault
// is aimed at), so they are public and stable.

const DS = ['datasources', ':datasource'] as const
const VC = ['virtualconnections'] as const
const ONE_VC = [...VC, ':vconn'] as const

export const ENDPOINTS = {
  serverInfo: { method: 'GET', scope: 'api', segments: ['serverinfo'], resource: 'session', anonymous: true },
  signIn: { method: 'POST', scope: 'api', segments: ['auth', 'signin'], resource: 'session', anonymous: true },
  signOut: { method: 'POST', scope: 'api', segments: ['auth', 'signout'], resource: 'session' },

  queryDatasources: { method: 'GET', scope: 'site', segments: ['datasources'], resource: 'datasource' },
  publishDatasource: { method: 'POST', scope: 'site', segments: ['datasources'], resource: 'datasource' },
  queryDatasource: { method: 'GET', scope: 'site', segments: [...DS], resource: 'datasource' },
  updateDatasource: { method: 'PUT', scope: 'site', segments: [...DS], resource: 'datasource' },
  deleteDatasource: { method: 'DELETE', scope: 'site', segments: [...DS], resource: 'datasource' },
  queryConnections: { method: 'GET', scope: 'site', segments: [...DS, 'connections'], resource: 'datasource' },
  updateConnection: {
    method: 'PUT',
    scope: 'site',
    segments: [...DS, 'connections', ':connection'],
    resource: 'datasource',
  },
  updateData: { method: 'PATCH', scope: 'site', segments: [...DS, 'data'], resource: 'datasource' },
  updateConnectionData: {
    method: 'PATCH',
    scope: 'site',
    segments: [...DS, 'connections', ':connection', 'data'],
    resource: 'datasource',
  },
  refreshDatasource: { method: 'POST', scope: 'site', segments: [...DS, 'refresh'], resource: 'datasource' },
  downloadDatasource: { method: 'GET', scope: 'site', segments: [...DS, 'content'], resource: 'datasource' },
  addTags: { method: 'PUT', scope: 'site', segments: [...DS, 'tags'], resource: 'datasource' },
  deleteTag: { method: 'DELETE', scope: 'site', segments: [...DS, 'tags', ':tag'], resource: 'datasource' },
  listRevisions: { method: 'GET', scope: 'site', segments: [...DS, 'revisions'], resource: 'datasource' },
  downloadRevision: {
    method: 'GET',
    scope: 'site',
    segments: [...DS, 'revisions', ':revision', 'content'],
    resource: 'datasource',
  },
  removeRevision: {
    method: 'DELETE',
    scope: 'site',
    segments: [...DS, 'revisions', ':revision'],
    resource: 'datasource',
  },
  retrieveKeychain: { method: 'POST', scope: 'site', segments: [...DS, 'retrieveKeychain'], resource: 'datasource' },
  applyKeychain: { method: 'PUT', scope: 'site', segments: [...DS, 'applykeychain'], resource: 'datasource' },

  initiateUpload: { method: 'POST', scope: 'site', segments: ['fileUploads'], resource: 'upload' },
  appendUpload: { method: 'PUT', scope: 'site', segments: ['fileUploads', ':upload'], resource: 'upload' },

  queryJobs: { method: 'GET', scope: 'site', segments: ['jobs'], resource: 'job' },
  queryJob: { method: 'GET', scope: 'site', segments: ['jobs', ':job'], resource: 'job' },
  cancelJob: { method: 'PUT', scope: 'site', segments: ['jobs', ':job'], resource: 'job' },

  queryUsers: { method: 'GET', scope: 'site', segments: ['users'], resource: 'directory' },
  queryGroups: { method: 'GET', scope: 'site', segments: ['groups'], resource: 'directory' },
  queryProjects: { method: 'GET', scope: 'site', segments: ['projects'], resource: 'directory' },

  listVirtualConnections: { method: 'GET', scope: 'site', segments: [...VC], resource: 'virtual-connection' },
  publishVirtualConnection: { method: 'POST', scope: 'site', segments: [...VC], resource: 'virtual-connection' },
  downloadVirtualConnection: { method: 'GET', scope: 'site', segments: [...ONE_VC], resource: 'virtual-connection' },
  updateVirtualConnection: { method: 'PUT', scope: 'site', segments: [...ONE_VC], resource: 'virtual-connection' },
  deleteVirtualConnection: { method: 'DELETE', scope: 'site', segments: [...ONE_VC], resource: 'virtual-connection' },
  listVirtualConnectionRevisions: {
    method: 'GET',
    scope: 'site',
    segments: [...ONE_VC, 'revisions'],
    resource: 'virtual-connection',
  },
  downloadVirtualConnectionRevision: {
    method: 'GET',
    scope: 'site',
    segments: [...ONE_VC, 'revisions', ':revision'],
    resource: 'virtual-connection',
  },
  listVirtualConnectionConnections: {
    method: 'GET',
    scope: 'site',
    segments: [...ONE_VC, 'connections'],
    resource: 'virtual-connection',
  },
  updateVirtualConnectionConnection: {
    method: 'PUT',
    scope: 'site',
    segments: [...ONE_VC, 'connections', ':connection', 'modify'],
    resource: 'virtual-connection',
  },
  addVirtualConnectionTags: {
    method: 'PUT',
    scope: 'site',
    segments: [...ONE_VC, 'tags'],
    resource: 'virtual-connection',
  },
  deleteVirtualConnectionTag: {
    method: 'DELETE',
    scope: 'site',
    segments: [...ONE_VC, 'tags', ':tag'],
    resource: 'virtual-connection',
  },
  addVirtualConnectionPermissions: {
    method: 'PUT',
    scope: 'site',
    segments: [...ONE_VC, 'permissions'],
    resource: 'virtual-connection',
  },
  listVirtualConnectionPermissions: {
    method: 'GET',
    scope: 'site',
    segments: [...ONE_VC, 'permissions'],
    resource: 'virtual-connection',
  },
  deleteVirtualConnectionPermission: {
    method: 'DELETE',
    scope: 'site',
    segments: [...ONE_VC, 'permissions', ':grantees', ':grantee', ':capability', ':mode'],
    resource: 'virtual-connection',
  },

  readMetadata: { method: 'POST', scope: 'vds', segments: ['read-metadata'], resource: 'vizql-data-service' },
  queryDatasourceData: { method: 'POST', scope: 'vds', segments: ['query-datasource'], resource: 'vizql-data-service' },
} as const satisfies Record<string, Endpoint>

export type EndpointName = keyof typeof ENDPOINTS

/** Every endpoint name, in declaration order. */
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[]

/** The parameter names of an endpoint's path (`:datasource` → `datasource`). */
export type EndpointParams<N extends EndpointName> = {
  [S in (typeof ENDPOINTS)[N]['segments'][number] as S extends `:${infer P}` ? P : never]: string
}
