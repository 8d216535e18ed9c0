import type { Table } from '../schema/define-table.js'
import { parquetFormat } from './parquet/index.js'
import type { PayloadFormat } from './payload-format.js'

// The shapes of change files and of the options that make them.

/** One complete change file on disk. */
export interface ChangeFile {
  readonly path: string
  readonly rows: number
  readonly bytes: number
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string
  /** The table whose rows the file holds (its name is the source table name of the actions). */
  readonly table: Table
  /** Input index of the file's first row. */
  readonly firstRow: number
  /** Format name, e.g. `parquet`. */
  readonly format: string
}

/** The change files of one change set. `dispose()` (or `await using`) removes what was created. */
export interface ChangeFiles extends AsyncDisposable {
  readonly files: readonly ChangeFile[]
  readonly rows: number
  readonly bytes: number
  dispose(): Promise<void>
}

export interface WriteChangeFilesOptions {
  /** The server's max_size_in_mb (default 100): every file stays ≤ payloadByteLimit(maxSizeInMb), which is < maxSizeInMb × 10^6 < maxSizeInMb × 2^20. */
  maxSizeInMb?: number
  /** Exact byte limit per file; overrides maxSizeInMb. */
  maxBytes?: number
  /** Where files go (default: a fresh directory under os.tmpdir()). dispose() removes only what was created. */
  dir?: string
  /** Key columns: duplicate key tuples across the whole change set are detected. */
  keys?: readonly string[]
  /** 'error' (default) throws PAYLOAD_DUPLICATE_KEYS listing the first duplicates; 'keep-last' keeps the last occurrence. */
  duplicateKeys?: 'error' | 'keep-last'
  /** Row properties the table does not define: 'error' (default) or 'ignore'. */
  extraColumns?: 'error' | 'ignore'
  /** File format (default: {@link parquetFormat}). */
  format?: PayloadFormat
  /** Called after each row group and each completed file. */
  onProgress?: (p: { rows: number; bytes: number; files: number }) => void
  signal?: AbortSignal
}
