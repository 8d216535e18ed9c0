// `hyperdelta/wire`: the wire-level pieces — the Hyper Update JSON schema and vocabulary, the REST API version
// rules, job finish codes, retry constants, the upload part body, and the value conversions the wire uses. For
// code that reads or writes the protocol itself (tests, emulators, other transports); applications need only the
// root entry.

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
  NATIVE_OPS,
  type NativeOp,
} from './actions/wire-vocabulary.js'
export { wireConditionNodes } from './actions/wire-walk.js'
export { FINISH_CODE, isJobFinished } from './client/jobs/job.js'
export { JOB_POLL_SCHEDULE } from './client/jobs/wait-for-job.js'
export {
  compareApiVersions,
  MAX_API_VERSION,
  MIN_API_VERSION,
  negotiateApiVersion,
} from './client/sessions/api-version.js'
export { RETRYABLE_STATUSES, UPDATE_JOB_CONFLICT_CODE } from './client/transport/retry-policy.js'
export { type MultipartPart, multipartPart } from './client/uploads/multipart.js'
export { MAX_UPLOAD_PART_BYTES } from './client/uploads/upload-file.js'
export {
  DOCUMENTED_ERROR_KINDS,
  type DocumentedError,
  type DocumentedErrorKind,
} from './protocol/documented-error.js'
export { documentedErrorKind } from './protocol/documented-error-kind.js'
export { DOCUMENTED_ERRORS } from './protocol/documented-errors.js'
export type { Endpoint, EndpointResource, EndpointScope, HttpMethod } from './protocol/endpoint.js'
export { ENDPOINT_NAMES, ENDPOINTS, type EndpointName, type EndpointParams } from './protocol/endpoints.js'
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
