import type { WireBatch, WireCondition } from '../actions/wire-schema.js'
import { PROBED_FACTS, type ProbedFact } from '../client/capabilities.js'
import type { ProbeContext } from './probe-context.js'
import { submitProbePatch } from './probe-patch.js'
import { failureEvidence, findingOf, judgeRows, type ProbeFinding, throwIfAborted } from './probe-steps.js'
import { currentRows } from './probe-table.js'

// The native `ne` / `not` operators (opt-in: `probe({ nativeOps: true })`, `--probe-native-ops`). The client
// refuses to send them until a probe confirmed them, so these requests go out raw, below its validator.

const T = { 'target-schema': 'Extract', 'target-table': 'Extract' } as const
const idIs = (id: number): WireCondition => ({
  op: 'eq',
  'target-col': 'id',
  const: { type: 'integer', v: String(id) },
})
const labelIs = (op: 'eq' | 'ne', v: string): WireCondition => ({
  op,
  'target-col': 'label',
  const: { type: 'string', v },
})

/** One delete with a native operator against the scratch data source, judged by its job and its rows. */
async function judgeRaw(
  ctx: ProbeContext,
  fact: ProbedFact,
  expected: string,
  condition: WireCondition,
  removes: bigint,
): Promise<ProbeFinding> {
  const finding = findingOf(fact, expected)
  throwIfAborted(ctx)
  if (ctx.canReadBack) ctx.expected.resetTo(await currentRows(ctx.client.vizql, ctx.datasource))
  const actions: WireBatch = { actions: [{ action: 'delete', ...T, condition }] }
  let jobId: string
  try {
    jobId = await submitProbePatch(ctx, fact, actions)
    await ctx.client.waitForJob(jobId, ctx.signal ? { signal: ctx.signal } : {})
  } catch (e) {
    throwIfAborted(ctx, e)
    return finding('rejected', 'the server refused it', failureEvidence(e))
  }
  ctx.expected.remove([removes])
  return judgeRows(ctx, finding, `job ${jobId} succeeded`)
}

/** `nativeNe` and `nativeNot`: each a delete whose condition needs the operator to remove exactly one row. */
export async function nativeOpSteps(ctx: ProbeContext): Promise<ProbeFinding[]> {
  return [
    await judgeRaw(
      ctx,
      'nativeNe',
      `${PROBED_FACTS.nativeNe}: delete where id = 6 and label ne "other" removes row 6`,
      { op: 'and', args: [idIs(6), labelIs('ne', 'other')] },
      6n,
    ),
    await judgeRaw(
      ctx,
      'nativeNot',
      `${PROBED_FACTS.nativeNot}: delete where id = 2 and not(label = "other") removes row 2`,
      { op: 'and', args: [idIs(2), { op: 'not', args: [labelIs('eq', 'other')] }] },
      2n,
    ),
  ]
}
