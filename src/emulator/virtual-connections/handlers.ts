import { queryGroups, queryProjects, queryUsers } from '../directory/handlers.js'
import type { Handler } from '../state.js'
import type { VCONN_ROUTE_NAMES } from '../vconn-route-names.js'
import {
  addVirtualConnectionPermissions,
  addVirtualConnectionTags,
  deleteVirtualConnectionPermission,
  deleteVirtualConnectionTag,
  listVirtualConnectionConnections,
  listVirtualConnectionPermissions,
  updateVirtualConnectionConnection,
} from './access-handlers.js'
import {
  deleteVirtualConnection,
  downloadVirtualConnection,
  downloadVirtualConnectionRevision,
  listVirtualConnectionRevisions,
  listVirtualConnections,
  publishVirtualConnection,
  updateVirtualConnection,
} from './lifecycle.js'

type Name = (typeof VCONN_ROUTE_NAMES)[number]
const VC = ['sites', ':site', 'virtualconnections'] // literals match case-insensitively: virtualConnections too

/** The virtual-connection routes (and the users/groups/projects they refer to), spread into ROUTES. */
export const VCONN_ROUTES: readonly { name: Name; method: string; segments: readonly string[] }[] = [
  { name: 'queryUsers', method: 'GET', segments: ['sites', ':site', 'users'] },
  { name: 'queryGroups', method: 'GET', segments: ['sites', ':site', 'groups'] },
  { name: 'queryProjects', method: 'GET', segments: ['sites', ':site', 'projects'] },
  { name: 'listVirtualConnections', method: 'GET', segments: VC },
  { name: 'publishVirtualConnection', method: 'POST', segments: VC },
  { name: 'downloadVirtualConnection', method: 'GET', segments: [...VC, ':vconn'] },
  { name: 'updateVirtualConnection', method: 'PUT', segments: [...VC, ':vconn'] },
  { name: 'deleteVirtualConnection', method: 'DELETE', segments: [...VC, ':vconn'] },
  { name: 'listVirtualConnectionRevisions', method: 'GET', segments: [...VC, ':vconn', 'revisions'] },
  { name: 'downloadVirtualConnectionRevision', method: 'GET', segments: [...VC, ':vconn', 'revisions', ':revision'] },
  { name: 'listVirtualConnectionConnections', method: 'GET', segments: [...VC, ':vconn', 'connections'] },
  {
    name: 'updateVirtualConnectionConnection',
    method: 'PUT',
    segments: [...VC, ':vconn', 'connections', ':connection', 'modify'],
  },
  { name: 'addVirtualConnectionTags', method: 'PUT', segments: [...VC, ':vconn', 'tags'] },
  { name: 'deleteVirtualConnectionTag', method: 'DELETE', segments: [...VC, ':vconn', 'tags', ':tag'] },
  { name: 'addVirtualConnectionPermissions', method: 'PUT', segments: [...VC, ':vconn', 'permissions'] },
  { name: 'listVirtualConnectionPermissions', method: 'GET', segments: [...VC, ':vconn', 'permissions'] },
  {
    name: 'deleteVirtualConnectionPermission',
    method: 'DELETE',
    segments: [...VC, ':vconn', 'permissions', ':grantees', ':grantee', ':capability', ':mode'],
  },
]

export const VCONN_HANDLERS: Record<Name, Handler> = {
  queryUsers,
  queryGroups,
  queryProjects,
  listVirtualConnections,
  publishVirtualConnection,
  downloadVirtualConnection,
  updateVirtualConnection,
  deleteVirtualConnection,
  listVirtualConnectionRevisions,
  downloadVirtualConnectionRevision,
  listVirtualConnectionConnections,
  updateVirtualConnectionConnection,
  addVirtualConnectionTags,
  deleteVirtualConnectionTag,
  addVirtualConnectionPermissions,
  listVirtualConnectionPermissions,
  deleteVirtualConnectionPermission,
}
