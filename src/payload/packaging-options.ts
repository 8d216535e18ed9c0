import type { Table } from '../schema/define-table.js'
import { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from './byte-limit.js'
import type { WriteChangeFilesOptions } from './change-file-types.js'
import { parquetFormat } from './parquet/index.js'
import { payloadError } from './payload-errors.js'
import type { PayloadFormat } from './payload-format.js'

/** Most rows per row group: measured best for speed and RSS (bench/results.md, "Measurements behind design choices"). */
export const MAX_GROUP_ROWS = 32_768

/** The options of one packaging run, validated and with their defaults filled in. */
export interface PackagingOptions {
  /** Byte limit per file. */
  readonly maxBytes: number
  /** Row-group target in estimated raw bytes. */
  readonly groupTargetBytes: number
  readonly format: PayloadFormat
  /** Key columns (checked to be columns of the table), or undefined: no duplicate detection. */
  readonly keys: readonly string[] | undefined
  readonly duplicateKeys: 'error' | 'keep-last'
  readonly extraColumns: 'error' | 'ignore'
}

/**
 * Validates the options of writeChangeFiles / changeFileStream against `table` (typed PAYLOAD_OPTIONS_INVALID
 * naming the option) and fills in the defaults, before any file is created.
 */
export function resolvePackagingOptions(table: Table, options: WriteChangeFilesOptions): PackagingOptions {
  const maxBytes = byteLimit(options)
  const format = options.format ?? parquetFormat()
  for (const [name, value, allowed] of [
    ['duplicateKeys', options.duplicateKeys, ['error', 'keep-last']],
    ['extraColumns', options.extraColumns, ['error', 'ignore']],
  ] as const) {
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      throw payloadError('PAYLOAD_OPTIONS_INVALID', `${name} must be ${allowed.join(' or ')}, got ${value}`, {
        [name]: value,
      })
    }
  }
  const keys = options.keys
  if (keys !== undefined) {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw payloadError('PAYLOAD_OPTIONS_INVALID', 'keys must be a non-empty array of column names', {})
    }
    for (const k of keys) {
      if (!table.columnNames.includes(k)) {
        throw payloadError('PAYLOAD_OPTIONS_INVALID', `key column "${k}" is not a column of ${table.name}`, {
          table: table.name,
          column: k,
          columns: table.columnNames,
        })
      }
    }
  }
  return {
    maxBytes,
    groupTargetBytes: groupTargetBytes(maxBytes),
    format,
    keys,
    duplicateKeys: options.duplicateKeys ?? 'error',
    extraColumns: options.extraColumns ?? 'error',
  }
}

function byteLimit(options: WriteChangeFilesOptions): number {
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

/** Small against the limit so a cut wastes little space; bounded so a group is neither tiny nor huge. */
function groupTargetBytes(maxBytes: number): number {
  return Math.min(8 << 20, Math.max(16 << 10, Math.floor(maxBytes / 8)))
}
