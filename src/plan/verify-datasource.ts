import type { VdsQuery, VizqlReader } from '../client/vizql-data-service/vds.js'
import { isHyperdeltaError } from '../errors.js'
import type { VerifyCheck, VerifyResult } from '../model/verify-result.js'
import type { ColumnType } from '../schema/column-types.js'
import { formatEpochDay, formatMicrosIso } from '../schema/temporal.js'
import type { NormalizedValue } from '../schema/values.js'
import { canonicalKey, OBSERVED_AS, sameCanonical } from './verify-compare.js'
import { type CheckedValue, type CheckedVerifySpec, checkVerifySpec, type VerifySpec } from './verify-spec.js'

export type { VerifyCheck, VerifyResult } from '../model/verify-result.js'
export type { VerifySpec } from './verify-spec.js'

/** At most this many keys go into one SET filter; longer lists are checked in chunks. */
const KEYS_PER_QUERY = 1000

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}` : (JSON.stringify(v) ?? 'undefined'))

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * A key as a SET filter value, in the spelling the service answers with (INFERRED, see verify-compare.ts):
 * integers beyond 2^53 as decimal strings so they are not rounded, dates and datetimes as ISO text.
 */
function keyValue(type: ColumnType, v: NormalizedValue): string | number | boolean {
  if (typeof v === 'bigint') {
    if (type.kind === 'timestamp') return formatMicrosIso(v)
    return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  }
  if (type.kind === 'date' && typeof v === 'number') return formatEpochDay(v)
  return v as string | number | boolean
}

/** The rows holding `keys`, by the canonical key each row reads back as (by the key column's kind). */
async function rowsByKey(
  vds: VizqlReader,
  datasource: string,
  key: { name: string; type: ColumnType },
  keys: readonly CheckedValue[],
  columns: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>()
  for (const part of chunks(keys, KEYS_PER_QUERY)) {
    const query: VdsQuery = {
      fields: [key.name, ...columns.filter((c) => c !== key.name)].map((fieldCaption) => ({ fieldCaption })),
      filters: [
        {
          filterType: 'SET',
          field: { fieldCaption: key.name },
          values: part.map((k) => keyValue(key.type, k.value)),
        },
      ],
    }
    for (const row of await vds.queryDatasource(datasource, query, { disaggregate: true })) {
      const observed = OBSERVED_AS[key.type.kind](row[key.name], key.type)
      if (observed !== undefined) found.set(canonicalKey(observed), row)
    }
  }
  return found
}

async function runChecks(vds: VizqlReader, datasource: string, spec: CheckedVerifySpec): Promise<VerifyCheck[]> {
  const checks: VerifyCheck[] = []
  if (spec.rowCount !== undefined) {
    const meta = await vds.readMetadata(datasource)
    const first = meta[0]?.fieldCaption ?? meta[0]?.fieldName
    if (first === undefined) throw new Error('the data source has no fields')
    // COUNT of a column skips NULLs; count the key when given (keys are not NULL), else the first field.
    const field = spec.key?.name ?? first
    const [row] = await vds.queryDatasource(datasource, {
      fields: [{ fieldCaption: field, function: 'COUNT', fieldAlias: 'n' }],
    })
    const observed = row?.['n'] ?? 0
    checks.push({
      check: 'rowCount',
      ok: OBSERVED_AS.int64(observed) === spec.rowCount,
      expected: show(spec.rowCount),
      observed: show(observed),
    })
  }
  const key = spec.key
  if (key && spec.present.length > 0) {
    const columns = [...new Set(spec.present.flatMap((r) => r.columns.map(([name]) => name)))]
    const found = await rowsByKey(
      vds,
      datasource,
      key,
      spec.present.map((r) => r.key),
      columns,
    )
    const wrong: string[] = []
    for (const row of spec.present) {
      const got = found.get(canonicalKey(row.key.value))
      const id = `${key.name}=${show(row.key.given)}`
      if (!got) wrong.push(`${id} missing`)
      else
        for (const [c, type, pushed] of row.columns) {
          if (!sameCanonical(type, pushed.value, got[c]))
            wrong.push(`${id}: ${c} is ${show(got[c])}, pushed ${show(pushed.given)}`)
        }
    }
    checks.push({
      check: 'present',
      ok: wrong.length === 0,
      expected: `${spec.present.length} rows as pushed`,
      observed: wrong.length === 0 ? 'all as pushed' : wrong.slice(0, 10).join('; '),
    })
  }
  if (key && spec.absent.length > 0) {
    const found = await rowsByKey(vds, datasource, key, spec.absent, [key.name])
    const still = spec.absent.filter((k) => found.has(canonicalKey(k.value)))
    checks.push({
      check: 'absent',
      ok: still.length === 0,
      expected: `${spec.absent.length} keys absent`,
      observed:
        still.length === 0
          ? 'all absent'
          : `still present: ${still
              .slice(0, 10)
              .map((k) => show(k.given))
              .join(', ')}`,
    })
  }
  return checks
}

/**
 * Checks a data source against `spec` through the VizQL Data Service, each value by its column's declared kind
 * (see `sameColumnValue`). A spec that does not fit its table is `CONFIG_INVALID` before anything is sent. A
 * server without the service (or a user without access to it) gives `not-verified` with the reason — never a
 * false `verified`.
 */
export async function verifyDatasource(vds: VizqlReader, datasource: string, spec: VerifySpec): Promise<VerifyResult> {
  const checked = checkVerifySpec(spec)
  let checks: VerifyCheck[]
  try {
    checks = await runChecks(vds, datasource, checked)
  } catch (e) {
    const reason = isHyperdeltaError(e) ? `${e.code}: ${e.message}` : (e as Error).message
    return { status: 'not-verified', checks: [], reason: `the VizQL Data Service did not answer (${reason})` }
  }
  if (checks.length === 0) return { status: 'not-verified', checks, reason: 'nothing to verify (empty spec)' }
  return { status: checks.every((c) => c.ok) ? 'verified' : 'mismatch', checks }
}
