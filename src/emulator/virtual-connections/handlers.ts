import type { ResourceRouteName } from '../core/routes.js'
import type { Handler } from '../runtime/state.js'
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

/** Every virtual-connection endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const VIRTUAL_CONNECTION_HANDLERS = {
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
} satisfies Record<ResourceRouteName<'virtual-connection'>, Handler>
