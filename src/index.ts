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
