// The public API of hyperdelta: what applications write code against (tables and column types, batches and
// conditions, change files, plan and push, the client, errors, logger, environment). Wire-level pieces are in
// `hyperdelta/wire` (src/wire.ts), the change-file format seam in `hyperdelta/format` (src/format.ts). Explicit
// re-exports, nothing else.

export { type ActionNode, Batch, batch, type DeleteArgs, type Match, type SourceAndTarget } from './actions/batch.js'
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
// client: Tableau REST client for the update flow (sign-in, uploads, PATCH data, job waiter, retries)
export type { ApiRequest, RequestScope } from './client/api-request.js'
export type { TableauAuth } from './client/auth.js'
export {
  assertSupported,
  CAPABILITIES_VERSION,
  type Capabilities,
  FACT_OUTCOMES,
  type FactOutcome,
  PROBED_FACTS,
  type ProbedFact,
  parseCapabilities,
  readCapabilities,
} from './client/capabilities.js'
export {
  CONNECTED_APP_DEFAULT_SCOPES,
  type ConnectedAppJwtOptions,
  mintConnectedAppJwt,
} from './client/connected-app-jwt.js'
export * from './client/datasources/index.js'
export { FINISH_CODE, type Job } from './client/job.js'
export {
  type HasVirtualConnections,
  type PromotedVirtualConnection,
  type PromoteVirtualConnectionOptions,
  promoteVirtualConnection,
} from './client/promote-virtual-connection.js'
export {
  apiPath,
  checkPathValue,
  type PathValue,
  type QueryValue,
  type RequestPath,
} from './client/request-path.js'
export { findProjectId } from './client/resources/projects.js'
export { DEFAULT_RETRY_POLICY, type RetryPolicyOptions } from './client/retry-policy.js'
export {
  type Connection,
  type Datasource,
  type SignInOptions,
  TableauClient,
  type UpdateDataRequest,
} from './client/tableau-client.js'
export type { UploadFileOptions, UploadResult } from './client/upload-file.js'
export { VDS_FACTS, type VdsFact } from './client/vds-facts.js'
export { type DescribedColumn, VDS_DATA_TYPE_KINDS } from './client/vds-metadata.js'
export { VIRTUAL_CONNECTION_ERROR_CODES } from './client/virtual-connection-errors.js'
export * from './client/virtual-connection-types.js'
export { VirtualConnections } from './client/virtual-connections.js'
export type { VdsField, VdsFilter, VdsQuery, VizqlReader } from './client/vizql-data-service.js'
export { DEFAULT_JOB_TIMEOUT_MS, type WaitForJobOptions } from './client/wait-for-job.js'
export { defaultEnvironment, type Environment, environment } from './environment.js'
export {
  ERROR_CATALOG,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  type ErrorDetailsByCode,
  type FieldDetails,
  type HttpErrorDetails,
  type JobEndDetails,
} from './error-catalog.js'
export { type AnyHyperdeltaError, HyperdeltaError, isHyperdeltaError } from './errors.js'
export {
  consoleLogger,
  type FieldsFirstLogger,
  fieldsFirstLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  silentLogger,
  toLogger,
} from './logger.js'
// payload: change rows → size-limited change files (Parquet built in; the format seam is `hyperdelta/format`)
export { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './payload/byte-limit.js'
export type { DuplicateKey } from './payload/duplicate-keys.js'
export { fromParquet, type ParquetFiles, parquetRowCount, readParquetRows } from './payload/from-parquet.js'
export { type ParquetFormatOptions, parquetFormat } from './payload/parquet/index.js'
export type { PayloadFormat } from './payload/payload-format.js'
export type { ChangeRowsInput } from './payload/row-input.js'
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
  Journal,
  type JournalRequest,
  type JournalState,
  type RequestState,
  readJournal,
  removeJournal,
} from './plan/journal.js'
export { DEFAULT_KEEP_RUNS, historyDirOf } from './plan/journal-history.js'
export { type JournalLock, type LockHolder, lockJournal } from './plan/journal-lock.js'
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
  payloadSummary,
  type ReplayedJob,
  type RequestOutcome,
  type RequestReport,
  summarizeReport,
} from './plan/push-report.js'
export { deriveRequestId, type RequestIdentity } from './plan/request-id.js'
export { deriveRunId, type RunIdentity, randomRunId } from './plan/run-identity.js'
export {
  DEFAULT_MAX_REQUEST_ATTEMPTS,
  type RunRequestsInput,
  type RunTarget,
  runRequests,
} from './plan/run-requests.js'
export { openRunTemp, type RunTemp, sweepStaleRunTemps } from './plan/run-temp.js'
export { openStateDir, type StateDir, stateDirLayout } from './plan/state-dir.js'
export { COMPARE_BY_KIND, sameColumnValue } from './plan/verify-compare.js'
export {
  type VerifyCheck,
  type VerifyReasonCode,
  type VerifyResult,
  type VerifySpec,
  verifyDatasource,
} from './plan/verify-datasource.js'
export { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './plan/verify-limits.js'
export { summarizeVerification, type VerifyQueries } from './plan/verify-result.js'
export type { ProbeClient } from './probe/probe-context.js'
export type { ScratchDatasource } from './probe/probe-scratch.js'
export type { ProbeFinding } from './probe/probe-steps.js'
export { formatProbeTable, type ProbeOptions, type ProbeResult, probe } from './probe/run-probe.js'
export { COLUMN_SPEC_HINT, parseColumnSpec } from './schema/column-spec.js'
export {
  bool,
  COLUMN_KINDS,
  type ColumnKind,
  type ColumnOptions,
  type ColumnType,
  type ColumnValueMap,
  date,
  decimal,
  describeColumnType,
  type Float64Options,
  float64,
  int16,
  int32,
  int64,
  MAX_DECIMAL_PRECISION,
  type TimestampOptions,
  text,
  time,
  timestamp,
  type ValueOf,
} from './schema/column-types.js'
export { type Columns, defineTable, type RowOf, type Table } from './schema/define-table.js'
export {
  columnTypeFor,
  describeInput,
  duckdbInputType,
  type InputType,
  inputConverter,
  inputRefusal,
  parquetInputType,
} from './schema/input-types.js'
export { tableFromParquet } from './schema/table-from-parquet.js'
