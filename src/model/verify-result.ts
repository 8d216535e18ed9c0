// What `verify` reports (no imports: the error catalog names PushReport, which carries it).

export interface VerifyCheck {
  check: 'rowCount' | 'present' | 'absent'
  /** No difference among what was checked (with `partial`, not everything was: see the result's `reason`). */
  ok: boolean
  expected: string
  observed: string
  /** Only some of the rows or keys were checked before the check had to stop (budget, quota, response cap). */
  partial?: boolean
}

/**
 * Why nothing, or not everything, could be verified: `vds-unavailable` (no service, no answer), `vds-access-denied`
 * (403800: the user lacks API Access on the data source), `vds-quota-exceeded` (429000: the site's hourly query cap
 * is spent, after the client's retries), `query-budget` (the check needs more than `maxQueries`), `response-cap` (one
 * key's answer alone exceeds `maxResponseBytes`), `empty-spec` (nothing asked).
 */
export type VerifyReasonCode =
  | 'vds-unavailable'
  | 'vds-access-denied'
  | 'vds-quota-exceeded'
  | 'query-budget'
  | 'response-cap'
  | 'empty-spec'

/** VizQL Data Service queries of one check: planned (splits of oversized answers included), sent, allowed. */
export interface VerifyQueries {
  planned: number
  sent: number
  budget: number
}

/**
 * `verified`: every check held, in full. `mismatch`: the server answered and something differs (see `checks`; a
 * difference found before the check had to stop is still one). `not-verified`: nothing differs among what could be
 * checked, but not everything was (see `reasonCode`, `reason`, and `partial` checks): nothing is claimed.
 */
export interface VerifyResult {
  status: 'verified' | 'mismatch' | 'not-verified'
  checks: VerifyCheck[]
  /** Why not everything could be verified. */
  reason?: string
  reasonCode?: VerifyReasonCode
  /** Set by `verifyDatasource`: the queries planned and sent, and the budget. */
  queries?: VerifyQueries
}

const mark = (c: VerifyCheck): string => (!c.ok ? 'FAIL' : c.partial ? 'part' : 'ok  ')

/**
 * One line per check, for people: `verification: verified`, then `ok  rowCount: …`. `not-verified` and `mismatch`
 * are spelled out in capitals so no reader, human or grep, mistakes them for a pass; a check that ran only in part
 * is marked `part`, never `ok`.
 */
export function summarizeVerification(result: VerifyResult): string[] {
  const head =
    result.status === 'not-verified'
      ? `verification: NOT VERIFIED — ${result.reason ?? 'no reason given'}`
      : result.status === 'verified'
        ? 'verification: verified'
        : 'verification: MISMATCH'
  const q = result.queries
  return [
    head,
    ...result.checks.map((c) => `    ${mark(c)} ${c.check}: expected ${c.expected}, observed ${c.observed}`),
    ...(result.status === 'mismatch' && result.reason ? [`    not checked in full: ${result.reason}`] : []),
    ...(q ? [`    queries: ${q.planned}/${q.sent} (planned/sent, budget ${q.budget})`] : []),
  ]
}
