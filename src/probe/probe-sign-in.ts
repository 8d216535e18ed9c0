import type { WireBatch } from '../actions/wire-schema.js'
import { PROBED_FACTS, type ProbedFact } from '../client/capabilities.js'
import type { SignInKind } from '../client/sessions/auth.js'
import { isHyperdeltaError } from '../errors.js'
import type { ProbeContext } from './probe-context.js'
import { submitProbePatch } from './probe-patch.js'
import { failureEvidence, findingOf, type ProbeFinding, throwIfAborted } from './probe-steps.js'

// Which sign-in kinds the update PATCH accepts is not documented (a unified access token's least of all,
// docs/protocol.md §4.1). The probe has one session, so it records the kind it signed in with; the other kinds stay
// unknown (signing in with each would need every credential at once).

/** The fact of each sign-in kind. */
export const SIGN_IN_FACT: Readonly<Record<SignInKind, ProbedFact>> = {
  personalAccessToken: 'updateSignInPersonalAccessToken',
  password: 'updateSignInPassword',
  jwt: 'updateSignInJwt',
  uat: 'updateSignInUat',
}

/** A delete whose condition matches no row: the PATCH is sent and its job changes nothing. */
const NO_OP: WireBatch = {
  actions: [
    {
      action: 'delete',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '-1' } },
    },
  ],
}

/** True for answers that refuse the session itself: 401, 403 (whatever their Tableau code). */
function refusesSession(e: unknown): boolean {
  if (isHyperdeltaError(e, 'AUTH_FAILED') || isHyperdeltaError(e, 'PERMISSION_DENIED')) return true
  return isHyperdeltaError(e, 'API_ERROR') && (e.details.status === 401 || e.details.status === 403)
}

/** Sends one PATCH that changes nothing with the probe's own session: accepted, refused, or unknown. */
export async function signInKindStep(ctx: ProbeContext, kind: SignInKind): Promise<ProbeFinding> {
  const fact = SIGN_IN_FACT[kind]
  const finding = findingOf(fact, `${PROBED_FACTS[fact]}: a delete matching no row is accepted (202 + a job)`)
  throwIfAborted(ctx)
  let jobId: string
  try {
    jobId = await submitProbePatch(ctx, fact, NO_OP)
  } catch (e) {
    throwIfAborted(ctx, e)
    if (refusesSession(e)) return finding('rejected', `the update PATCH refused a ${kind} session`, failureEvidence(e))
    return finding('unknown', 'the update PATCH failed for another reason', failureEvidence(e))
  }
  // The job is waited for so that later steps do not meet it (409094); its outcome is not this fact's.
  await ctx.client.waitForJob(jobId, ctx.signal ? { signal: ctx.signal } : {}).catch((e) => throwIfAborted(ctx, e))
  return finding('confirmed', `the update PATCH accepted a ${kind} session`, `job ${jobId}`)
}
