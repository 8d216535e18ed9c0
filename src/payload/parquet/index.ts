// The Parquet engine's one face. Everything in this folder (page encoding, Thrift metadata, SNAPPY and its
// worker pool, row-group splicing) is an internal of the built-in change-file format; the rest of the library
// reaches it only through the names below, so the hand-tuned writer can change without touching its users
// (enforced by test/unit/architecture/import-graph.test.ts).

export { type ParquetFormatOptions, parquetFormat, splicesParquet } from './parquet-format.js'
export { parquetSchema } from './parquet-schema.js'
export { keyBatch, type SpliceHost, spliceParquetFiles } from './parquet-splice-run.js'
export { resolveSnappy, type SnappyChoice, type SnappyImplementation } from './snappy.js'
