import type { ResourceRouteName } from '../core/routes.js'
import type { Handler } from '../runtime/state.js'
import { downloadDatasource, downloadRevision, listRevisions, removeRevision } from './content.js'
import { deleteDatasource, refreshDatasource, updateConnection, updateDatasource } from './edit.js'
import { applyKeychain, retrieveKeychain } from './keychain.js'
import { publishDatasource } from './publish.js'
import { queryConnections, queryDatasource, queryDatasources } from './query.js'
import { addTags, deleteTag } from './tags.js'
import { updateData } from './update.js'

/** Every data-source endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const DATASOURCE_HANDLERS = {
  queryDatasources,
  publishDatasource,
  queryDatasource,
  updateDatasource,
  deleteDatasource,
  queryConnections,
  updateConnection,
  updateData,
  // The same Hyper Update, addressed through one of the data source's connections.
  updateConnectionData: updateData,
  refreshDatasource,
  downloadDatasource,
  addTags,
  deleteTag,
  listRevisions,
  downloadRevision,
  removeRevision,
  retrieveKeychain,
  applyKeychain,
} satisfies Record<ResourceRouteName<'datasource'>, Handler>
