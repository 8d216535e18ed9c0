import { VDS_FACTS } from '../client/vizql-data-service/facts.js'
import type { VdsQuery, VizqlReader } from '../client/vizql-data-service/vds.js'
import { isHyperdeltaError } from '../errors.js'
import type { VerifyReasonCode } from '../model/verify-result.js'
import type { ColumnType } from '../schema/column-types.js'
import { formatEpochDay, formatMicrosIso } from '../schema/temporal.js'
import type { NormalizedValue } from '../schema/values.js'
import { canonicalKey, OBSERVED_AS } from './verify-compare.js'
import { splitQuery, type VerifyQuery } from './verify-plan.js'
import type { CheckedValue, CheckedVerifySpec } from './verify-spec.js'

// Sends a verify plan within its budget and keeps every answer; what the answers mean is verify-datasource.ts's.

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

/** Why the run stopped (or skipped a query), for the report. */
export interface VerifyStop {
  code: VerifyReasonCode
  reason: string
}

/** What the sent queries answered. */
export interface VerifyAnswers {
  /** The counted field's COUNT, when the count query ran. */
  count?: unknown
  /** Rows of the present keys read back, by canonical key. */
  rows: Map<string, Record<string, unknown>>
  /** The canonical keys of the absent keys that were found. */
  found: Set<string>
  /** The present rows / absent keys whose query ran. */
  presentChecked: Set<CheckedValue>
  absentChecked: Set<CheckedValue>
  planned: number
  sent: number
  /** Why the run stopped before the end (budget, quota, access, no answer). */
  stop?: VerifyStop
  /** A query left out because one key's answer alone exceeded the cap (the run went on). */
  skipped?: VerifyStop
}

const tooLarge = (e: unknown): boolean =>
  isHyperdeltaError(e, 'RESPONSE_TOO_LARGE') ||
  (isHyperdeltaError(e, 'API_ERROR') && e.details.tableauCode === VDS_FACTS.responseTooLargeCode.value)

/** A failed VDS query as the reason nothing more can be checked. */
export function stopFor(e: unknown): VerifyStop {
  if (isHyperdeltaError(e, 'API_ERROR')) {
    const { status, tableauCode, retryAfterMs } = e.details
    if (tableauCode === VDS_FACTS.accessDeniedCode.value) {
      return {
        code: 'vds-access-denied',
        reason: `vds-access-denied: the user may not query this data source through the VizQL Data Service (${tableauCode}: it needs the API Access capability)`,
      }
    }
    if (tableauCode === VDS_FACTS.quotaExceededCode.value || status === 429) {
      const after = retryAfterMs === undefined ? '' : `; the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s`
      return {
        code: 'vds-quota-exceeded',
        reason: `vds-quota-exceeded: the site's VizQL Data Service query cap is spent (${tableauCode ?? 'HTTP 429'}${after})`,
      }
    }
  }
  const why = isHyperdeltaError(e) ? `${e.code}: ${e.message}` : (e as Error).message
  return { code: 'vds-unavailable', reason: `the VizQL Data Service did not answer (${why})` }
}

/** Sends `plan` in order, at most `spec.limits.maxQueries` queries; never throws for a VDS failure. */
export async function runVerifyPlan(
  vds: VizqlReader,
  datasource: string,
  spec: CheckedVerifySpec,
  plan: readonly VerifyQuery[],
): Promise<VerifyAnswers> {
  const { maxQueries, maxResponseBytes } = spec.limits
  const answers: VerifyAnswers = {
    rows: new Map(),
    found: new Set(),
    presentChecked: new Set(),
    absentChecked: new Set(),
    planned: plan.length,
    sent: 0,
  }
  const pending = [...plan]
  let countField = spec.countField
  for (let query = pending.shift(); query !== undefined; query = pending.shift()) {
    if (answers.sent >= maxQueries) {
      answers.stop = {
        code: 'query-budget',
        reason: `query-budget: the check needs ${answers.planned} VizQL Data Service queries, ${maxQueries} allowed (maxQueries); ${pending.length + 1} not sent`,
      }
      break
    }
    answers.sent++
    try {
      if (query.kind === 'metadata') {
        const meta = await vds.readMetadata(datasource)
        countField = meta[0]?.fieldCaption ?? meta[0]?.fieldName
        if (countField === undefined) throw new Error('the data source has no fields')
      } else if (query.kind === 'rowCount') {
        // COUNT of a column skips NULLs; count the key when given (keys are not NULL), else the first field.
        const [row] = await vds.queryDatasource(datasource, {
          fields: [{ fieldCaption: countField!, function: 'COUNT', fieldAlias: 'n' }],
        })
        answers.count = row?.['n'] ?? 0
      } else {
        const keys = query.kind === 'present' ? query.rows.map((r) => r.key) : query.keys
        const columns = query.kind === 'present' ? query.columns : [spec.key!.name]
        const rows = await readKeys(vds, datasource, spec, keys, columns, maxResponseBytes)
        if (query.kind === 'present') {
          for (const [id, row] of rows) answers.rows.set(id, row)
          for (const r of query.rows) answers.presentChecked.add(r.key)
        } else {
          for (const id of rows.keys()) answers.found.add(id)
          for (const k of query.keys) answers.absentChecked.add(k)
        }
      }
    } catch (e) {
      if (tooLarge(e)) {
        const halves = splitQuery(query)
        if (halves) {
          // No paging in the service: the same keys, asked for in two queries (the refused one stays counted).
          pending.unshift(...halves)
          answers.planned += 2
          continue
        }
        answers.skipped = {
          code: 'response-cap',
          reason: `response-cap: one key's answer alone exceeds the response cap (${maxResponseBytes} bytes, maxResponseBytes)`,
        }
        continue
      }
      answers.stop = stopFor(e)
      break
    }
  }
  return answers
}

/** The rows holding `keys`, by the canonical key each row reads back as (by the key column's kind). */
async function readKeys(
  vds: VizqlReader,
  datasource: string,
  spec: CheckedVerifySpec,
  keys: readonly CheckedValue[],
  columns: readonly string[],
  maxResponseBytes: number,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>()
  const key = spec.key!
  const query: VdsQuery = {
    fields: columns.map((fieldCaption) => ({ fieldCaption })),
    filters: [
      { filterType: 'SET', field: { fieldCaption: key.name }, values: keys.map((k) => keyValue(key.type, k.value)) },
    ],
  }
  for (const row of await vds.queryDatasource(datasource, query, { disaggregate: true, maxResponseBytes })) {
    const observed = OBSERVED_AS[key.type.kind](row[key.name], key.type)
    if (observed !== undefined) found.set(canonicalKey(observed), row)
  }
  return found
}
