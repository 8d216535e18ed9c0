// What `verify` reports (no imports: the error catalog names PushReport, which carries it).

export interface VerifyCheck {
  check: 'rowCount' | 'present' | 'absent'
  ok: boolean
  expected: string
  observed: string
}

/**
 * `verified`: every check held. `mismatch`: the server answered and something differs (see `checks`).
 * `not-verified`: the VDS did not answer (not available, no permission): nothing is claimed.
 */
export interface VerifyResult {
  status: 'verified' | 'mismatch' | 'not-verified'
  checks: VerifyCheck[]
  /** Why nothing could be verified. */
  reason?: string
}

/**
 * One line per check, for people: `verification: verified (rowCount 3 ✓, …)`. `not-verified` and `mismatch`
 * are spelled out in capitals so no reader, human or grep, mistakes them for a pass.
 */
export function summarizeVerification(result: VerifyResult): string[] {
  if (result.status === 'not-verified') return [`verification: NOT VERIFIED — ${result.reason ?? 'no reason given'}`]
  const head = result.status === 'verified' ? 'verification: verified' : 'verification: MISMATCH'
  return [
    head,
    ...result.checks.map(
      (c) => `    ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: expected ${c.expected}, observed ${c.observed}`,
    ),
  ]
}
