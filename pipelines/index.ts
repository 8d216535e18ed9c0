// Ready-made pipelines, built only on hyperdelta's public API.

export {
  type CdcEngineOptions,
  DEFAULT_CDC_MEMORY_LIMIT,
  DUCKDB_MEMORY_SHARE,
  duckdbMemoryLimit,
  parseMemorySize,
} from './nightly-cdc/cdc-engine.js'
export type { RowSource } from './nightly-cdc/cdc-input.js'
export { type ChangeLogOptions, compactChangeLog } from './nightly-cdc/change-log.js'
export type { ChangeSet } from './nightly-cdc/change-set.js'
export { type NightlyCdcOptions, type NightlyCdcReport, runNightlyCdc } from './nightly-cdc/run-nightly-cdc.js'
export { type DiffOptions, diffSnapshots } from './nightly-cdc/snapshot-diff.js'
export { type Watermark, WatermarkStore } from './nightly-cdc/watermark-store.js'
export {
  listParquetFiles,
  loadParquetFiles,
  type ParquetBatchLoaderOptions,
} from './parquet-batch-loader/load-parquet-files.js'
export type { PipelineFallback, PublishFallbackReport } from './publish-fallback.js'
export type { CreateIfMissing, PublishingClient } from './publish-target.js'
