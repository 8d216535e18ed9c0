// `hyperdelta/wire`: the wire-level pieces — the Hyper Update JSON schema and vocabulary, the REST API version
// rules, job finish codes, retry constants, the upload part body, and the value conversions the wire uses — and
// the code tables: the error catalog and the Tableau error-code maps, the probed facts of a capabilities file, the
// column kinds, and the protocol defaults (retry policy, job timeout, change-file size, publish limits). For code
// that reads or writes the protocol itself (tests, emulators, other transports) or enumerates codes; applications
// need only the root entry.

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
export { wireConditionNodes } from './actions/wire-walk.js'
export {
  CAPABILITIES_VERSION,
  FACT_OUTCOMES,
  type FactOutcome,
  PROBED_FACTS,
  type ProbedFact,
  parseCapabilities,
} from './client/capabilities.js'
export { DATASOURCE_FILE_TYPES, SINGLE_REQUEST_PUBLISH_MAX_BYTES } from './client/datasources/index.js'
export { FINISH_CODE, isJobFinished } from './client/jobs/job.js'
export { DEFAULT_JOB_TIMEOUT_MS, JOB_POLL_SCHEDULE } from './client/jobs/wait-for-job.js'
export {
  compareApiVersions,
  MAX_API_VERSION,
  MIN_API_VERSION,
  negotiateApiVersion,
} from './client/sessions/api-version.js'
export { SIGN_IN_KINDS } from './client/sessions/auth.js'
export { CONNECTED_APP_DEFAULT_SCOPES } from './client/sessions/connected-app-jwt.js'
export { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, UPDATE_JOB_CONFLICT_CODE } from './client/transport/retry-policy.js'
export {
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  SITE_LIMIT_FACTS,
  type SiteLimitFact,
} from './client/transport/site-limits.js'
export { type MultipartPart, multipartPart } from './client/uploads/multipart.js'
export { MAX_UPLOAD_PART_BYTES } from './client/uploads/upload-file.js'
export { VIRTUAL_CONNECTION_CAPABILITIES } from './client/virtual-connections/types.js'
export { VDS_FACTS, type VdsFact } from './client/vizql-data-service/facts.js'
export { VDS_DATA_TYPE_KINDS } from './client/vizql-data-service/vds-metadata.js'
export { ERROR_CATALOG, ERROR_CODES } from './error-catalog.js'
export {
  ACTION_KINDS,
  type ActionKind,
  COMPARISON_OPS,
  CONST_TYPES,
  type ComparisonOp,
  type ConstType,
  JUNCTION_OPS,
  NATIVE_OPS,
  type NativeOp,
} from './model/wire-vocabulary.js'
export { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './payload/byte-limit.js'
export { DEFAULT_KEEP_RUNS } from './plan/journal-history.js'
export { DEFAULT_MAX_REQUEST_ATTEMPTS } from './plan/run-requests.js'
export { DEFAULT_VERIFY_LIMITS } from './plan/verify-limits.js'
export {
  DOCUMENTED_ERROR_KINDS,
  type DocumentedError,
  type DocumentedErrorKind,
} from './protocol/documented-error.js'
export { documentedErrorKind } from './protocol/documented-error-kind.js'
export { DOCUMENTED_ERRORS } from './protocol/documented-errors.js'
export type { Endpoint, EndpointResource, EndpointScope, HttpMethod } from './protocol/endpoint.js'
export { ENDPOINT_NAMES, ENDPOINTS, type EndpointName, type EndpointParams } from './protocol/endpoints.js'
export { COLUMN_KINDS, MAX_DECIMAL_PRECISION } from './schema/column-types.js'
export { setOwn } from './schema/own-property.js'
export { sqlTypeOf, sqlValueText } from './schema/sql-type.js'
export {
  formatEpochDay,
  formatMicrosIso,
  parseIsoTimestampMicros,
  toEpochDays,
  toEpochMicros,
} from './schema/temporal.js'
export { InvalidValue, type NormalizedValue, type NormalizedValueMap, normalizeValue } from './schema/values.js'
