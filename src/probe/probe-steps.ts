import { randomUUID } from 'node:crypto'
import { type Batch, batch } from '../actions/batch.js'
import { and, eq, or } from '../actions/conditions.js'
import type { FactOutcome, ProbedFact } from '../client/capabilities.js'
import { HyperdeltaError, isHyperdeltaError } from '../errors.js'
import type { PushClient } from '../plan/push-changes.js'
import { pushChanges } from '../plan/push-changes.js'
import type { ProbeContext } from './probe-context.js'
import { currentRows, differences, type ProbeRow, probeTable } from './probe-table.js'

/** One row of the probe's table: a fact, what we expect, what the server did, and the evidence. */
export interface ProbeFinding {
  fact: ProbedFact
  outcome: FactOutcome
  expected: string
  observed: string
  evidence: string
}

/** The finding for one fact, once the server has answered. */
export type FindingOf = (outcome: FactOutcome, observed: string, evidence: string) => ProbeFinding

export function findingOf(fact: ProbedFact, expected: string): FindingOf {
  return (outcome, observed, evidence) => ({ fact, outcome, expected, observed, evidence })
}

/** Stops the probe (the caller's finally still deletes the scratch data sources). */
export function throwIfAborted(ctx: { signal?: AbortSignal | undefined }, cause?: unknown): void {
  if (isHyperdeltaError(cause, 'ABORTED')) throw cause
  if (ctx.signal?.aborted) throw new HyperdeltaError('ABORTED', 'probe: aborted', { cause: cause ?? ctx.signal.reason })
}

/** Why a push failed, in the words of its job (notes) or its HTTP answer. */
export function failureEvidence(e: unknown): string {
  if (!isHyperdeltaError(e)) return (e as Error).message
  if (isHyperdeltaError(e, 'PUSH_FAILED')) {
    const failed = e.details.report.requests.find((r) => r.outcome === 'failed' || r.outcome === 'cancelled')
    if (failed) return `job ${failed.jobId ?? '?'}: ${failed.notes?.join(' | ') || 'no notes'}`
  }
  return `${e.code}: ${e.message}`
}

/**
 * Runs one push against the scratch data source and judges it: the job outcome, then — where
 * the VizQL Data Service answers — the rows themselves against the expected table.
 */
export async function judgePush(
  ctx: ProbeContext,
  fact: ProbedFact,
  expected: string,
  plan: { batch: Batch; rows?: Record<string, ProbeRow[] | { id: bigint }[]>; apply: () => void },
): Promise<ProbeFinding> {
  const finding = findingOf(fact, expected)
  throwIfAborted(ctx)
  // Judge each fact on its own change: start from what the server holds now, so an earlier
  // lossy or refused step does not make every later fact look wrong.
  if (ctx.canReadBack) ctx.expected.resetTo(await currentRows(ctx.client.vizql, ctx.datasource))
  let jobs: string
  try {
    const report = await pushChanges({
      client: ctx.client as PushClient,
      datasource: { id: ctx.datasource },
      batch: plan.batch,
      rows: plan.rows ?? {},
      runId: `probe-${fact}-${randomUUID()}`,
      ...(ctx.signal && { signal: ctx.signal }),
    })
    jobs = report.requests.map((r) => r.jobId ?? '?').join(', ')
  } catch (e) {
    throwIfAborted(ctx, e)
    return finding('rejected', 'the server refused it', failureEvidence(e))
  }
  plan.apply()
  return judgeRows(ctx, finding, `job ${jobs} succeeded`)
}

/** After a successful job: compare the rows when the VDS answers, else rely on the job outcome. */
export async function judgeRows(ctx: ProbeContext, finding: FindingOf, evidence: string): Promise<ProbeFinding> {
  if (!ctx.canReadBack)
    return finding('confirmed', 'job succeeded (rows not read back: no VizQL Data Service)', evidence)
  const diff = await differences(ctx.client.vizql, ctx.datasource, ctx.expected)
  if (diff.length === 0) return finding('confirmed', 'job succeeded; rows read back as expected', evidence)
  return finding('rejected', `job succeeded but the rows differ: ${diff.slice(0, 5).join('; ')}`, evidence)
}

const t = probeTable
const added = t.as('added')
const changed = t.as('changed')
const gone = t.pick('id').as('gone')

/** Parquet payloads: insert, upsert and delete by source, one request each. */
export function parquetPayloadStep(ctx: ProbeContext): Promise<ProbeFinding> {
  const addedRows: ProbeRow[] = [
    { id: 7n, label: 'seven', flag: null, day: null, at: null },
    { id: 8n, label: 'eight', flag: true, day: '2024-01-08', at: '2024-01-08T08:00:00Z' },
  ]
  const changedRows: ProbeRow[] = [
    { id: 2n, label: 'TWO', flag: true, day: '2024-02-02', at: '2024-02-02T02:00:00Z' },
    { id: 9n, label: 'nine', flag: false, day: '2024-01-09', at: '2024-01-09T09:00:00Z' },
  ]
  return judgePush(ctx, 'parquetPayload', 'insert, upsert and delete-by-source payloads apply exactly', {
    batch: batch()
      .insert({ source: added, target: t })
      .upsert({ source: changed, target: t, on: ['id'] })
      .delete({ source: gone, target: t, on: ['id'] }),
    rows: { added: addedRows, changed: changedRows, gone: [{ id: 4n }] },
    apply: () => {
      ctx.expected.put([...addedRows, ...changedRows])
      ctx.expected.remove([4n])
    },
  })
}

/** Constant-only deletes, one per inferred spelling; no payload, so they run even where Parquet is refused. */
export function constantSteps(): ((ctx: ProbeContext) => Promise<ProbeFinding>)[] {
  return [
    (ctx) =>
      judgePush(ctx, 'orJunction', 'delete where id = 7 or id = 8 removes both rows', {
        batch: batch().delete({ target: t, where: (c) => or(eq(c.id, 7n), eq(c.id, 8n)) }),
        apply: () => ctx.expected.remove([7n, 8n]),
      }),
    (ctx) =>
      judgePush(ctx, 'booleanSpelling', 'delete where id = 1 and flag = "true" removes row 1', {
        batch: batch().delete({ target: t, where: (c) => and(eq(c.id, 1n), eq(c.flag, true)) }),
        apply: () => ctx.expected.remove([1n]),
      }),
    (ctx) =>
      judgePush(ctx, 'dateStringConst', 'delete where day = "2024-01-03" (string const) removes row 3', {
        batch: batch().delete({ target: t, where: (c) => eq(c.day, '2024-01-03') }),
        apply: () => ctx.expected.remove([3n]),
      }),
    (ctx) =>
      judgePush(ctx, 'datetimeMicroseconds', 'delete where at = …00.000005Z removes row 5 (and only it)', {
        batch: batch().delete({ target: t, where: (c) => eq(c.at, '2024-01-05T00:00:00.000005Z') }),
        apply: () => ctx.expected.remove([5n]),
      }),
  ]
}
