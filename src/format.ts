// `hyperdelta/format`: the change-file format seam — what a format plug-in (e.g. a `.hyper` producer) implements
// and the pieces of the built-in Parquet format it can reuse, and `parquetFormat()`, the built-in format an
// application passes to tune it (statistics, compression threads, snappy).

export type { ArrowRecordBatchLike, ArrowTableLike, ArrowVectorLike } from './payload/arrow-input.js'
export {
  type ParquetFormatOptions,
  parquetFormat,
  parquetSchema,
  resolveSnappy,
  type SnappyChoice,
  type SnappyImplementation,
} from './payload/parquet/index.js'
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
export { TextColumn } from './payload/text-column.js'
