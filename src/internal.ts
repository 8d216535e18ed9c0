// Internal entry (not published: it is not in package.json `exports`): the helpers that hyperdelta's own CLI,
// emulator, pipelines and testing kit share with the library, which applications do not write against. Only those
// folders may import it (test/unit/architecture/import-graph.test.ts); anything an application needs belongs in the
// root entry (src/index.ts) or `hyperdelta/wire` instead. Explicit re-exports, nothing else.

export { Batch } from './actions/batch.js'
export { checkPathValue } from './client/transport/request-path.js'
export { LOG_LEVELS, silentLogger, toLogger } from './logger.js'
export { parquetRowCount } from './payload/from-parquet.js'
export { type JournalLock, type LockHolder, lockJournal } from './plan/journal-lock.js'
export { payloadSummary } from './plan/push-report.js'
export { deriveRunId } from './plan/run-identity.js'
export { openRunTemp, type RunTemp } from './plan/run-temp.js'
export { openStateDir } from './plan/state-dir.js'
export { verifyDatasource } from './plan/verify-datasource.js'
export { formatProbeTable } from './probe/run-probe.js'
export { type XmlReadingMode, type XmlTreeLayout, xmlParser } from './protocol/xml.js'
export { COLUMN_SPEC_HINT, parseColumnSpec } from './schema/column-spec.js'
export { describeColumnType } from './schema/column-types.js'
export { describeInput, duckdbInputType, inputRefusal } from './schema/input-types.js'
