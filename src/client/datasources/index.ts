// The Data Sources resource: public names (re-exported from the package root).
export { DatasourcesApi } from './datasources-api.js'
export type { DatasourceDescription } from './describe.js'
export type { DownloadRename } from './download-name.js'
export { DATASOURCE_FILE_TYPES, SINGLE_REQUEST_PUBLISH_MAX_BYTES } from './publish.js'
export type { IfRefreshQueued, RefreshOptions } from './refresh.js'
export type {
  ConnectionChanges,
  ConnectionCredentials,
  ConnectionDetails,
  DatasourceChanges,
  DatasourceDetails,
  DatasourceField,
  DatasourceFileType,
  DatasourceFilter,
  DownloadDatasourceOptions,
  DownloadResult,
  EncryptedKeychains,
  FilterOperator,
  KeychainDestination,
  Page,
  PublishDatasourceOptions,
  QueryDatasourcesOptions,
  Revision,
  TransferProgress,
} from './types.js'
