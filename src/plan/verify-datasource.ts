import type { VdsQuery, VizqlReader } from '../client/vizql-data-service.js'
import { HyperdeltaError, isHyperdeltaError } from '../errors.js'
import type { VerifyCheck, VerifyResult } from './verify-result.js'

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
  /** The key column for `present` / `absent` (one column). */
  key?: string
  /** Rows that must be there, with these values (columns not given are not compared). */
  present?: readonly Record<string, unknown>[]
  /** Key values that must not be there. */
  absent?: readonly unknown[]
}

export type { VerifyCheck, VerifyResult } from './verify-result.js'

/** At most this many keys go into one SET filter; longer lists are checked in chunks. */
const KEYS_PER_QUERY = 1000

/** Compares a pushed value with the VDS's JSON spelling of it (see docs on `verify` for the rules). */
export function sameValue(expected: unknown, observed: unknown): boolean {
  if (expected === null || expected === undefined) return observed === null || observed === undefined
  if (observed === null || observed === undefined) return false
  if (typeof expected === 'bigint' || typeof expected === 'number') {
    if (typeof observed !== 'number' && typeof observed !== 'string') return false
    if (typeof expected === 'number' && !Number.isInteger(expected)) return Number(observed) === expected
    try {
      return BigInt(expected) === BigInt(observed)
    } catch {
      return Number(observed) === Number(expected)
    }
  }
  if (expected instanceof Date) return typeof observed === 'string' && Date.parse(observed) === expected.getTime()
  if (typeof expected === 'string' && typeof observed === 'string' && expected !== observed) {
    // Datetimes may be spelled differently (offset, `Z`, trailing zeros): compare the instants.
    const a = Date.parse(expected)
    const b = Date.parse(observed)
    return /\d{2}:\d{2}/.test(expected) && !Number.isNaN(a) && a === b
  }
  return expected === observed
}

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}` : (JSON.stringify(v) ?? 'undefined'))

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A key as a SET filter value: integers beyond 2^53 as decimal strings, so they are not rounded (INFERRED). */
function keyValue(v: unknown): string | number {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  return typeof v === 'number' ? v : String(v)
}

/** One spelling per key value, whichever way the VDS spelled it (numeric keys: the integer's digits). */
function canonicalKey(v: unknown, numeric: boolean): string {
  if (numeric && (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string')) {
    try {
      return BigInt(v).toString()
    } catch {
      return String(v)
    }
  }
  return show(v)
}

async function rowsByKey(
  vds: VizqlReader,
  datasource: string,
  key: string,
  keys: readonly unknown[],
  columns: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>()
  const numeric = isNumericKeys(keys)
  for (const part of chunks(keys, KEYS_PER_QUERY)) {
    const query: VdsQuery = {
      fields: [key, ...columns.filter((c) => c !== key)].map((fieldCaption) => ({ fieldCaption })),
      filters: [{ filterType: 'SET', field: { fieldCaption: key }, values: part.map(keyValue) }],
    }
    for (const row of await vds.queryDatasource(datasource, query, { disaggregate: true })) {
      found.set(canonicalKey(row[key], numeric), row)
    }
  }
  return found
}

const isNumericKeys = (keys: readonly unknown[]): boolean =>
  keys.some((k) => typeof k === 'bigint' || (typeof k === 'number' && Number.isInteger(k)))

async function runChecks(vds: VizqlReader, datasource: string, spec: VerifySpec): Promise<VerifyCheck[]> {
  const checks: VerifyCheck[] = []
  if (spec.rowCount !== undefined) {
    const meta = await vds.readMetadata(datasource)
    const first = meta[0]?.fieldCaption ?? meta[0]?.fieldName
    if (first === undefined) throw new Error('the data source has no fields')
    // COUNT of a column skips NULLs; count the key when given (keys are not NULL), else the first field.
    const field = spec.key ?? first
    const [row] = await vds.queryDatasource(datasource, {
      fields: [{ fieldCaption: field, function: 'COUNT', fieldAlias: 'n' }],
    })
    const observed = row?.['n']
    checks.push({
      check: 'rowCount',
      ok: sameValue(spec.rowCount, observed ?? 0),
      expected: show(spec.rowCount),
      observed: show(observed ?? 0),
    })
  }
  const key = spec.key!
  if (spec.present?.length) {
    const columns = [...new Set(spec.present.flatMap((r) => Object.keys(r)))]
    const keys = spec.present.map((r) => r[key])
    const found = await rowsByKey(vds, datasource, key, keys, columns)
    const numeric = isNumericKeys(keys)
    const wrong: string[] = []
    for (const row of spec.present) {
      const got = found.get(canonicalKey(row[key], numeric))
      if (!got) wrong.push(`${key}=${show(row[key])} missing`)
      else
        for (const c of Object.keys(row)) {
          if (!sameValue(row[c], got[c]))
            wrong.push(`${key}=${show(row[key])}: ${c} is ${show(got[c])}, pushed ${show(row[c])}`)
        }
    }
    checks.push({
      check: 'present',
      ok: wrong.length === 0,
      expected: `${spec.present.length} rows as pushed`,
      observed: wrong.length === 0 ? 'all as pushed' : wrong.slice(0, 10).join('; '),
    })
  }
  if (spec.absent?.length) {
    const found = await rowsByKey(vds, datasource, key, spec.absent, [key])
    const numeric = isNumericKeys(spec.absent)
    const still = spec.absent.filter((k) => found.has(canonicalKey(k, numeric)))
    checks.push({
      check: 'absent',
      ok: still.length === 0,
      expected: `${spec.absent.length} keys absent`,
      observed: still.length === 0 ? 'all absent' : `still present: ${still.slice(0, 10).map(show).join(', ')}`,
    })
  }
  return checks
}

/**
 * Checks a data source against `spec` through the VizQL Data Service. A server without the
 * service (or a user without access to it) gives `not-verified` with the reason — never a
 * false `verified`.
 */
export async function verifyDatasource(vds: VizqlReader, datasource: string, spec: VerifySpec): Promise<VerifyResult> {
  if ((spec.present?.length || spec.absent?.length) && spec.key === undefined) {
    throw new HyperdeltaError('CONFIG_INVALID', 'verify: `present` and `absent` need `key` (the key column)', {
      details: { field: 'verify.key' },
    })
  }
  let checks: VerifyCheck[]
  try {
    checks = await runChecks(vds, datasource, spec)
  } catch (e) {
    const reason = isHyperdeltaError(e) ? `${e.code}: ${e.message}` : (e as Error).message
    return { status: 'not-verified', checks: [], reason: `the VizQL Data Service did not answer (${reason})` }
  }
  if (checks.length === 0) return { status: 'not-verified', checks, reason: 'nothing to verify (empty spec)' }
  return { status: checks.every((c) => c.ok) ? 'verified' : 'mismatch', checks }
}
