import type { Batch } from '../actions/batch.js'
import type { WireBatch } from '../actions/wire-schema.js'
import { HyperdeltaError } from '../errors.js'
import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { InvalidValue, type NormalizedValue, normalizeValue } from '../schema/values.js'
import { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './verify-limits.js'

/**
 * What to check after a push, read back through the VizQL Data Service. Every part is optional;
 * give at least one.
 *
 * @example
 * ```ts
 * const report = await pushChanges({ ...options, verify: { rowCount: 10_250n, key: 'id', present: upserts, absent: [17n, 42n] } })
 * if (report.verification?.status !== 'verified') console.error(report.verification)
 * ```
 */
export interface VerifySpec {
  /** The data source's row count after the last job. */
  rowCount?: number | bigint
  /**
   * The table the rows were pushed into: its declared column kinds decide how values compare (a text is compared
   * as text, a timestamp as an instant), never the look of a value. Needed for `present` / `absent`; pushChanges
   * takes it from a typed batch whose actions all write one target table.
   */
  table?: Table
  /** The key column for `present` / `absent` (one column). */
  key?: string
  /** Rows that must be there, with these values (columns not given are not compared). */
  present?: readonly Record<string, unknown>[]
  /** Key values that must not be there. */
  absent?: readonly unknown[]
  /**
   * Most VizQL Data Service queries this check may send (default {@link DEFAULT_VERIFY_LIMITS}): the site's query
   * cap is per hour and shared by everyone on the site. A check that needs more verifies what fits (counts first)
   * and reports `not-verified` (reason `query-budget`).
   */
  maxQueries?: number
  /** Largest answer read from the service, in bytes (default 64 MiB); larger key lists are split across queries. */
  maxResponseBytes?: number
  /** Most keys in one query's filter (default 1000). */
  keysPerQuery?: number
}

/** A pushed value in its column's canonical form, and as it was given (for messages). */
export interface CheckedValue {
  readonly value: NormalizedValue
  readonly given: unknown
}

/** A VerifySpec checked against its table: every value in canonical form. */
export interface CheckedVerifySpec {
  rowCount?: bigint
  key?: { name: string; type: ColumnType }
  table?: Table
  present: PresentRow[]
  absent: CheckedValue[]
  limits: VerifyLimits
  /** The column the row count counts: the key column when named (keys are not NULL), else found from the metadata. */
  countField?: string
}

/** A row expected present: its key and the columns given, each with its type. */
export interface PresentRow {
  key: CheckedValue
  columns: [string, ColumnType, CheckedValue][]
}

function invalid(field: string, message: string, value?: unknown): HyperdeltaError {
  return new HyperdeltaError('CONFIG_INVALID', `verify: ${field}: ${message}`, {
    details: { field, ...(value !== undefined && { value }) },
  })
}

function checkedValue(field: string, type: ColumnType, given: unknown): CheckedValue {
  const value = normalizeValue(type, given)
  if (value instanceof InvalidValue) throw invalid(field, `${value.reason} (a ${type.kind} column)`)
  return { value, given }
}

function rowCountOf(rowCount: number | bigint): bigint {
  if (typeof rowCount === 'bigint' ? rowCount >= 0n : Number.isSafeInteger(rowCount) && rowCount >= 0) {
    return BigInt(rowCount)
  }
  throw invalid('verify.rowCount', 'expected a whole number of rows, 0 or more', String(rowCount))
}

function limitsOf(spec: VerifySpec): VerifyLimits {
  const limits = { ...DEFAULT_VERIFY_LIMITS }
  for (const name of ['maxQueries', 'maxResponseBytes', 'keysPerQuery'] as const) {
    const value = spec[name]
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < 1) {
      throw invalid(`verify.${name}`, 'expected a whole number, 1 or more', String(value))
    }
    limits[name] = value
  }
  return limits
}

/**
 * Checks a VerifySpec against its table before anything is sent — key and columns exist, every value fits its
 * column's type, exactly as for a push — and returns it in canonical form. Errors are `CONFIG_INVALID` naming
 * the field (`verify.present[3].at`).
 */
export function checkVerifySpec(spec: VerifySpec): CheckedVerifySpec {
  const out: CheckedVerifySpec = { present: [], absent: [], limits: limitsOf(spec) }
  if (spec.rowCount !== undefined) out.rowCount = rowCountOf(spec.rowCount)
  if (spec.key !== undefined) out.countField = spec.key
  if (!spec.present?.length && !spec.absent?.length) return out
  if (spec.key === undefined) throw invalid('verify.key', '`present` and `absent` need `key` (the key column)')
  const table = spec.table
  if (table === undefined) {
    throw invalid('verify.table', '`present` and `absent` need `table` (the target table whose column types apply)')
  }
  const keyType = table.columns[spec.key]
  if (keyType === undefined) throw invalid('verify.key', `"${spec.key}" is not a column of ${table.name}`, spec.key)
  out.table = table
  out.key = { name: spec.key, type: keyType }
  spec.present?.forEach((row, i) => {
    const field = `verify.present[${i}]`
    if (typeof row !== 'object' || row === null) throw invalid(field, 'expected a row object')
    if (!Object.hasOwn(row, spec.key!)) throw invalid(field, `has no key column "${spec.key}"`)
    const columns: [string, ColumnType, CheckedValue][] = []
    for (const [name, given] of Object.entries(row)) {
      const type = table.columns[name]
      if (type === undefined) throw invalid(`${field}.${name}`, `"${name}" is not a column of ${table.name}`)
      columns.push([name, type, checkedValue(`${field}.${name}`, type, given)])
    }
    out.present.push({ key: checkedValue(`${field}.${spec.key}`, keyType, row[spec.key!]), columns })
  })
  spec.absent?.forEach((given, i) => {
    out.absent.push(checkedValue(`verify.absent[${i}]`, keyType, given))
  })
  return out
}

/**
 * The spec with its `table` filled in from a typed batch whose actions all write one target table (a wire batch
 * names no column types, so there the caller gives `table`).
 */
export function withVerifyTable(spec: VerifySpec, batch: Batch | WireBatch): VerifySpec {
  if (spec.table !== undefined || !('compile' in batch)) return spec
  const targets = new Set(batch.actions.map((a) => a.target))
  const [only] = targets
  return targets.size === 1 && only !== undefined ? { ...spec, table: only } : spec
}
