import type { Table } from '../schema/define-table.js'
import type { NormalizedValue } from '../schema/values.js'
import { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './byte-limit.js'
import type { DuplicateKey } from './duplicate-keys.js'
import { parquetFormat } from './parquet/index.js'
import { payloadError } from './payload-errors.js'
import type { PayloadFormat } from './payload-format.js'

// The shapes and limits of change files, and small helpers of packaging.

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

/** Most rows per row group: measured best for speed and RSS (65,536 and 131,072 were slower and used more memory). */
export const MAX_GROUP_ROWS = 32_768
/** Distinct duplicate-key candidates collected before checking them in 'error' mode. */
export const ERROR_CANDIDATES = 16
/** Duplicates listed in a PAYLOAD_DUPLICATE_KEYS error. */
export const LISTED_DUPLICATES = 10

export function byteLimit(options: WriteChangeFilesOptions): number {
  if (options.maxBytes !== undefined) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) {
      throw payloadError('PAYLOAD_OPTIONS_INVALID', `maxBytes must be a positive integer, got ${options.maxBytes}`, {
        maxBytes: options.maxBytes,
      })
    }
    return options.maxBytes
  }
  const mb = options.maxSizeInMb ?? DEFAULT_MAX_SIZE_IN_MB
  if (typeof mb !== 'number' || !Number.isFinite(mb) || mb <= 0) {
    throw payloadError('PAYLOAD_OPTIONS_INVALID', `maxSizeInMb must be a positive number, got ${mb}`, {
      maxSizeInMb: mb,
    })
  }
  // Below maxSizeInMb × 2^20 as promised, and below the server's possibly-decimal MB too (see byte-limit.ts).
  return payloadByteLimit(mb)
}

/** Row-group target in estimated raw bytes: small against the limit so a cut wastes little space. */
export function groupTargetBytes(maxBytes: number): number {
  return Math.min(8 << 20, Math.max(16 << 10, Math.floor(maxBytes / 8)))
}

export function jsonValue(v: NormalizedValue): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}

export function duplicateError(table: Table, keys: readonly string[], duplicates: readonly DuplicateKey[]): Error {
  const listed = duplicates.slice(0, LISTED_DUPLICATES).map((d) => ({
    key: Object.fromEntries(keys.map((k, j) => [k, jsonValue(d.key[j] ?? null)])),
    rows: d.rows,
  }))
  const text = listed
    .map((d) => `${JSON.stringify(d.key)} at rows ${d.rows.join(', ')}`)
    .slice(0, 3)
    .join('; ')
  return payloadError(
    'PAYLOAD_DUPLICATE_KEYS',
    `${table.name} has duplicate keys on (${keys.join(', ')}): ${text}${listed.length > 3 ? '; …' : ''} (use duplicateKeys: 'keep-last' to keep the last occurrence)`,
    { table: table.name, keys, duplicates: listed },
  )
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'changes'
}
