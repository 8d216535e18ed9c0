// The public API of hyperdelta: explicit re-exports, nothing else.

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
export { parseActions } from './actions/parse-actions.js'
export {
  type WireAction,
  type WireBatch,
  type WireComparison,
  type WireCondition,
  type WireConst,
  type WireJunction,
  wireBatchSchema,
} from './actions/wire-schema.js'
export {
  ACTION_KINDS,
  type ActionKind,
  COMPARISON_OPS,
  CONST_TYPES,
  type ComparisonOp,
  type ConstType,
  JUNCTION_OPS,
} from './actions/wire-vocabulary.js'
// client: Tableau REST client for the update flow (sign-in, uploads, PATCH data, job waiter, retries)
export type { ApiRequest, RequestScope } from './client/api-request.js'
export { compareApiVersions, MAX_API_VERSION, MIN_API_VERSION, negotiateApiVersion } from './client/api-version.js'
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
export { FINISH_CODE, isJobFinished, type Job } from './client/job.js'
export {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_STATUSES,
  type RetryPolicyOptions,
  UPDATE_JOB_CONFLICT_CODE,
} from './client/retry-policy.js'
export {
  type Connection,
  type Datasource,
  type SignInOptions,
  TableauClient,
  type UpdateDataRequest,
} from './client/tableau-client.js'
export { MAX_UPLOAD_PART_BYTES, type UploadFileOptions, type UploadResult } from './client/upload-file.js'
export type { VdsField, VdsFilter, VdsQuery, VizqlReader } from './client/vizql-data-service.js'
export { DEFAULT_JOB_TIMEOUT_MS, JOB_POLL_SCHEDULE, type WaitForJobOptions } from './client/wait-for-job.js'
export { defaultEnvironment, type Environment, environment } from './environment.js'
export { HyperdeltaError, isHyperdeltaError } from './errors.js'
export { consoleLogger, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from './logger.js'
// payload (issue 3): change rows → size-limited change files (Parquet built in, format seam for .hyper)
export type { ArrowRecordBatchLike, ArrowTableLike, ArrowVectorLike } from './payload/arrow-input.js'
// plan: planning, pushing, journal, reports
export { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './payload/byte-limit.js'
export type { DuplicateKey } from './payload/duplicate-keys.js'
export { fromParquet, type ParquetFiles, readParquetRows } from './payload/from-parquet.js'
export { type ParquetFormatOptions, parquetFormat } from './payload/parquet-format.js'
export { PAYLOAD_ERROR_CODES, type PayloadErrorCode } from './payload/payload-errors.js'
export {
  type ColumnVector,
  type PayloadEncoder,
  type PayloadEncoderContext,
  type PayloadFormat,
  type PayloadSink,
  type RowBatch,
  valueAt,
} from './payload/payload-format.js'
export type { ChangeRowsInput } from './payload/row-input.js'
export { TextColumn } from './payload/text-column.js'
export {
  type ChangeFile,
  type ChangeFiles,
  changeFileStream,
  type WriteChangeFilesOptions,
  writeChangeFiles,
} from './payload/write-change-files.js'
export type { ActionGroup, PlannedAction } from './plan/group-actions.js'
export {
  type JournalRequest,
  type JournalState,
  type RequestState,
  readJournal,
  removeJournal,
} from './plan/journal.js'
export {
  type ChangePlan,
  type ChangeRows,
  type PlannedRequest,
  type PlanOptions,
  planChanges,
} from './plan/plan-changes.js'
export { type PushClient, type PushOptions, pushChanges } from './plan/push-changes.js'
export {
  type PushProgress,
  type PushReport,
  payloadSummary,
  type RequestOutcome,
  type RequestReport,
  summarizeReport,
} from './plan/push-report.js'
export { deriveRequestId } from './plan/request-id.js'
export {
  sameValue,
  type VerifyCheck,
  type VerifyResult,
  type VerifySpec,
  verifyDatasource,
} from './plan/verify-datasource.js'
export type { ProbeClient } from './probe/probe-context.js'
export type { ProbeFinding } from './probe/probe-steps.js'
export { formatProbeTable, type ProbeOptions, type ProbeResult, probe } from './probe/run-probe.js'
export {
  bool,
  COLUMN_KINDS,
  type ColumnKind,
  type ColumnOptions,
  type ColumnType,
  type ColumnValueMap,
  date,
  type Float64Options,
  float64,
  int32,
  int64,
  text,
  timestamp,
  type ValueOf,
} from './schema/column-types.js'
export { type Columns, defineTable, type RowOf, type Table } from './schema/define-table.js'
export { tableFromParquet } from './schema/table-from-parquet.js'
export { formatMicrosIso, parseIsoTimestampMicros, toEpochDays, toEpochMicros } from './schema/temporal.js'
export { InvalidValue, type NormalizedValue, type NormalizedValueMap, normalizeValue } from './schema/values.js'
