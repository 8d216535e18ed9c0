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
export { HyperdeltaError, isHyperdeltaError } from './errors.js'
export { consoleLogger, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from './logger.js'
// plan: planning, pushing, journal, reports
export { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './plan/byte-limit.js'
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
  type RequestOutcome,
  type RequestReport,
  summarizeReport,
} from './plan/push-report.js'
export { deriveRequestId } from './plan/request-id.js'
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
