import type { VizqlReader } from '../client/vizql-data-service/vds.js'
import type { VerifyCheck, VerifyResult } from '../model/verify-result.js'
import { canonicalKey, OBSERVED_AS, sameCanonical } from './verify-compare.js'
import { planVerify } from './verify-plan.js'
import { runVerifyPlan, type VerifyAnswers } from './verify-run.js'
import { type CheckedVerifySpec, checkVerifySpec, type VerifySpec } from './verify-spec.js'

export type { VerifyCheck, VerifyReasonCode, VerifyResult } from '../model/verify-result.js'
export type { VerifySpec } from './verify-spec.js'

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}` : (JSON.stringify(v) ?? 'undefined'))

/** "120 of 5000" when only part was checked, for the observed text. */
const partOf = (checked: number, total: number): string => (checked < total ? ` (${checked} of ${total} checked)` : '')

/** The checks the answers allow: a check none of whose queries ran is left out (the result's reason names it). */
function checksOf(spec: CheckedVerifySpec, answers: VerifyAnswers): VerifyCheck[] {
  const checks: VerifyCheck[] = []
  if (spec.rowCount !== undefined && answers.count !== undefined) {
    checks.push({
      check: 'rowCount',
      ok: OBSERVED_AS.int64(answers.count) === spec.rowCount,
      expected: show(spec.rowCount),
      observed: show(answers.count),
    })
  }
  const key = spec.key
  const present = spec.present.filter((r) => answers.presentChecked.has(r.key))
  if (key && present.length > 0) {
    const wrong: string[] = []
    for (const row of present) {
      const got = answers.rows.get(canonicalKey(row.key.value))
      const id = `${key.name}=${show(row.key.given)}`
      if (!got) wrong.push(`${id} missing`)
      else
        for (const [c, type, pushed] of row.columns) {
          if (!sameCanonical(type, pushed.value, got[c]))
            wrong.push(`${id}: ${c} is ${show(got[c])}, pushed ${show(pushed.given)}`)
        }
    }
    const partial = present.length < spec.present.length
    checks.push({
      check: 'present',
      ok: wrong.length === 0,
      expected: `${spec.present.length} rows as pushed`,
      observed: `${wrong.length === 0 ? 'all as pushed' : wrong.slice(0, 10).join('; ')}${partOf(present.length, spec.present.length)}`,
      ...(partial && { partial }),
    })
  }
  const absent = spec.absent.filter((k) => answers.absentChecked.has(k))
  if (key && absent.length > 0) {
    const still = absent.filter((k) => answers.found.has(canonicalKey(k.value)))
    const partial = absent.length < spec.absent.length
    const seen = still
      .slice(0, 10)
      .map((k) => show(k.given))
      .join(', ')
    checks.push({
      check: 'absent',
      ok: still.length === 0,
      expected: `${spec.absent.length} keys absent`,
      observed: `${still.length === 0 ? 'all absent' : `still present: ${seen}`}${partOf(absent.length, spec.absent.length)}`,
      ...(partial && { partial }),
    })
  }
  return checks
}

/** Whether every asked-for check ran in full. */
function complete(spec: CheckedVerifySpec, checks: readonly VerifyCheck[]): boolean {
  const asked = (spec.rowCount !== undefined ? 1 : 0) + (spec.key && spec.present.length > 0 ? 1 : 0)
  const total = asked + (spec.key && spec.absent.length > 0 ? 1 : 0)
  return checks.length === total && checks.every((c) => !c.partial)
}

/**
 * Checks a data source against `spec` through the VizQL Data Service, each value by its column's declared kind
 * (see `sameColumnValue`). The queries are planned before any is sent — the row count first, then key checks in
 * bounded batches sized under `maxResponseBytes` — and at most `maxQueries` are sent (`result.queries`). A spec
 * that does not fit its table is `CONFIG_INVALID` before anything is sent. Where not everything can be checked (no
 * service, 403800 no API access, 429000 quota spent, the budget) the result is `not-verified` with the reason —
 * never a false `verified` — unless a difference was already found (`mismatch`).
 */
export async function verifyDatasource(vds: VizqlReader, datasource: string, spec: VerifySpec): Promise<VerifyResult> {
  const checked = checkVerifySpec(spec)
  const answers = await runVerifyPlan(vds, datasource, checked, planVerify(checked))
  const checks = checksOf(checked, answers)
  const queries = { planned: answers.planned, sent: answers.sent, budget: checked.limits.maxQueries }
  const why = answers.stop ?? answers.skipped
  const because = why ? { reason: why.reason, reasonCode: why.code } : {}
  if (checks.some((c) => !c.ok)) return { status: 'mismatch', checks, ...because, queries }
  if (answers.planned === 0) {
    return {
      status: 'not-verified',
      checks,
      reason: 'nothing to verify (empty spec)',
      reasonCode: 'empty-spec',
      queries,
    }
  }
  if (why || !complete(checked, checks)) {
    const fallback = { reason: 'not every check could run', reasonCode: 'vds-unavailable' as const }
    return { status: 'not-verified', checks, ...(why ? because : fallback), queries }
  }
  return { status: 'verified', checks, queries }
}
