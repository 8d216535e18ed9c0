// The public API of hyperdelta: what applications write code against (tables and column types, batches and
// conditions, change files, plan and push, the client, errors, logger, environment). Wire-level pieces and code
// tables (error-code maps, probe facts, protocol defaults) are in `hyperdelta/wire` (src/wire.ts), the change-file
// format seam and `parquetFormat` in `hyperdelta/format` (src/format.ts); helpers only the CLI, the emulator and the
// pipelines need are in src/internal.ts (not published). Explicit re-exports, nothing else; the value budget is
// checked by test/unit/architecture/public-face.test.ts.

export {
  type ActionNode,
  type Batch,
  batch,
  type DeleteArgs,
  type Match,
  type SourceAndTarget,
} from './actions/batch.js'
export {
  and,
  type ColumnRef,
  type ColumnRefs,
  type Comparison,
  type Condition,
  type ConstFor,
  eq,
  gt,
  gte,
  type Junction,
  lt,
  lte,
  type Negation,
  ne,
  not,
  or,
} from './actions/conditions.js'
export { type ParseActionsOptions, parseActions } from './actions/parse-actions.js'
export type { WireBatch } from './actions/wire-schema.js'
export { writeFileAtomic } from './atomic-write.js'
export { type Capabilities, readCapabilities } from './client/capabilities.js'
export type {
  ConnectionChanges,
  ConnectionCredentials,
  ConnectionDetails,
  DatasourceChanges,
  DatasourceDescription,
  DatasourceDetails,
  DatasourceField,
  DatasourceFileType,
  DatasourceFilter,
  DatasourcesApi,
  DownloadDatasourceOptions,
  DownloadRename,
  DownloadResult,
  EncryptedKeychains,
  FilterOperator,
  KeychainDestination,
  Page,
  PublishDatasourceOptions,
  QueryDatasourcesOptions,
  RefreshOptions,
  Revision,
  TransferProgress,
} from './client/datasources/index.js'
export { findProjectId } from './client/directory/projects.js'
export type { Job } from './client/jobs/job.js'
export type { WaitForJobOptions } from './client/jobs/wait-for-job.js'
export type { SignInKind, TableauAuth } from './client/sessions/auth.js'
export { type ConnectedAppJwtOptions, mintConnectedAppJwt } from './client/sessions/connected-app-jwt.js'
export {
  type Connection,
  type Datasource,
  type SignInOptions,
  TableauClient,
  type UpdateDataRequest,
} from './client/tableau-client.js'
// client: Tableau REST client for the update flow (sign-in, uploads, PATCH data, job waiter, retries)
export type { ApiRequest, RequestScope } from './client/transport/api-request.js'
export { apiPath, type PathValue, type QueryValue, type RequestPath } from './client/transport/request-path.js'
export type { RetryPolicyOptions } from './client/transport/retry-policy.js'
export type { UploadFileOptions, UploadResult } from './client/uploads/upload-file.js'
export {
  type HasVirtualConnections,
  type PromotedVirtualConnection,
  type PromoteVirtualConnectionOptions,
  promoteVirtualConnection,
} from './client/virtual-connections/promote.js'
export type {
  CapabilityMode,
  DatabaseConnectionUpdate,
  DownloadedVirtualConnection,
  Grantee,
  GranteeCapabilities,
  ListVirtualConnectionsOptions,
  PublishedVirtualConnection,
  PublishVirtualConnectionRequest,
  UpdatedVirtualConnection,
  UpdateVirtualConnectionRequest,
  VirtualConnectionCapability,
  VirtualConnectionDatabaseConnection,
  VirtualConnectionFormat,
  VirtualConnectionPermissions,
  VirtualConnectionRevision,
  VirtualConnectionSummary,
} from './client/virtual-connections/types.js'
export type { VirtualConnections } from './client/virtual-connections/virtual-connections-api.js'
export type { VdsField, VdsFilter, VdsQuery, VizqlReader } from './client/vizql-data-service/vds.js'
export type { DescribedColumn } from './client/vizql-data-service/vds-metadata.js'
export { type Environment, environment } from './environment.js'
export type {
  DocumentedErrorDetails,
  ErrorCode,
  ErrorDetails,
  ErrorDetailsByCode,
  FieldDetails,
  HttpErrorDetails,
  JobEndDetails,
} from './error-catalog.js'
export { type AnyHyperdeltaError, HyperdeltaError, isHyperdeltaError } from './errors.js'
export {
  consoleLogger,
  type FieldsFirstLogger,
  fieldsFirstLogger,
  type Logger,
  type LogLevel,
} from './logger.js'
export type { VerifyQueries } from './model/verify-result.js'
// payload: change rows → size-limited change files (Parquet built in; the format seam is `hyperdelta/format`)
export type { DuplicateKey } from './payload/duplicate-keys.js'
export { fromParquet, type ParquetFiles, readParquetRows } from './payload/from-parquet.js'
export type { ParquetFormatOptions } from './payload/parquet/index.js'
export type { PayloadFormat } from './payload/payload-format.js'
export type { ChangeRowsInput } from './payload/row-input.js'
export { tableFromParquet } from './payload/table-from-parquet.js'
export {
  type ChangeFile,
  type ChangeFiles,
  changeFileStream,
  type WriteChangeFilesOptions,
  writeChangeFiles,
} from './payload/write-change-files.js'
// plan: planning, pushing, journal, reports
export type { ActionGroup, PlannedAction } from './plan/group-actions.js'
export {
  type ChangePlan,
  type ChangeRows,
  type PlannedRequest,
  type PlanOptions,
  planChanges,
} from './plan/plan-changes.js'
export { planRequests, type RequestPart, type RequestPlan } from './plan/plan-requests.js'
export { type PushClient, type PushOptions, pushChanges, type SubmittedJob } from './plan/push-changes.js'
export {
  type PushProgress,
  type PushReport,
  type ReplayedJob,
  type RequestOutcome,
  type RequestReport,
  summarizeReport,
} from './plan/push-report.js'
export { type RunRequestsInput, type RunTarget, runRequests } from './plan/run-requests.js'
export type { StateDir } from './plan/state-dir.js'
export type { VerifyCheck, VerifyReasonCode, VerifyResult, VerifySpec } from './plan/verify-datasource.js'
export type { VerifyLimits } from './plan/verify-limits.js'
export type { ProbeClient } from './probe/probe-context.js'
export type { ScratchDatasource } from './probe/probe-scratch.js'
export type { ProbeFinding } from './probe/probe-steps.js'
export { type ProbeOptions, type ProbeResult, probe } from './probe/run-probe.js'
export {
  bool,
  type ColumnKind,
  type ColumnOptions,
  type ColumnType,
  type ColumnValueMap,
  date,
  decimal,
  type Float64Options,
  float64,
  int16,
  int32,
  int64,
  type TimestampOptions,
  text,
  time,
  timestamp,
  type ValueOf,
} from './schema/column-types.js'
export { type Columns, defineTable, type RowOf, type Table } from './schema/define-table.js'
export type { InputType } from './schema/input-types.js'
