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
