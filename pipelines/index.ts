// Ready-made pipelines, built only on hyperdelta's public API.
export { type ChangeLogOptions, compactChangeLog } from './nightly-cdc/change-log.js'
export { PartitionSpool } from './nightly-cdc/partition-spool.js'
export type { RowSource } from './nightly-cdc/row-source.js'
export { type NightlyCdcOptions, type NightlyCdcReport, runNightlyCdc } from './nightly-cdc/run-nightly-cdc.js'
export { type ChangeSet, diffSnapshots } from './nightly-cdc/snapshot-diff.js'
export { type Watermark, WatermarkStore } from './nightly-cdc/watermark-store.js'
export {
  listParquetFiles,
  loadParquetFiles,
  type ParquetBatchLoaderOptions,
} from './parquet-batch-loader/load-parquet-files.js'
export type { CreateIfMissing, PublishingClient } from './publish-target.js'
