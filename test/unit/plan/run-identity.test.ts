import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { batch, defineTable, int64, planChanges, text } from '../../../src/index.js'
import { deriveRunId } from '../../../src/internal.js'
import { type RunTarget, requestIdOf } from '../../../src/plan/run-requests.js'

// The run-identity rule as properties: the same inputs give the same requests; any change of the target, the
// compiled batch or the payload bytes gives new ones. Plans are real (change files written and hashed).

const items = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), body: text() })
const source = items.as('changes')
const batches = {
  upsert: batch().upsert({ source, target: items, on: ['id'] }),
  insert: batch().insert({ source, target: items }),
  update: batch().update({ source, target: items, on: ['id'] }),
}
type Kind = keyof typeof batches

const rowsArb = fc.uniqueArray(
  fc.record({ id: fc.bigInt({ min: 1n, max: 1000n }), body: fc.string({ maxLength: 6 }) }),
  {
    selector: (r) => r.id,
    minLength: 1,
    maxLength: 8,
  },
)
const targetArb = fc.record({
  siteId: fc.constantFrom('site-a', 'site-b', undefined),
  datasource: fc.record({ id: fc.constantFrom('ds-1', 'ds-2') }),
  connection: fc.constantFrom(undefined, 'conn-1'),
}) as fc.Arbitrary<RunTarget>

async function requestIds(kind: Kind, rows: readonly { id: bigint; body: string }[], target: RunTarget) {
  const plan = await planChanges({ batch: batches[kind], rows: { changes: rows } })
  try {
    return { runId: plan.runId, ids: plan.requests.map((r) => requestIdOf(plan.runId, target, r, 0)) }
  } finally {
    await plan.dispose()
  }
}

const kindArb = fc.constantFrom<Kind>('upsert', 'insert', 'update')
const sameTarget = (a: RunTarget, b: RunTarget) =>
  a.siteId === b.siteId && a.datasource.id === b.datasource.id && a.connection === b.connection

describe('run identity (properties)', () => {
  it('the same target, batch and rows give the same run id and RequestIDs', async () => {
    await fc.assert(
      fc.asyncProperty(kindArb, rowsArb, targetArb, async (kind, rows, target) => {
        const a = await requestIds(kind, rows, target)
        const b = await requestIds(
          kind,
          rows.map((r) => ({ ...r })),
          { ...target, datasource: { ...target.datasource } },
        )
        expect(b).toEqual(a)
      }),
      { numRuns: 20 },
    )
  })

  it('another target, batch or payload gives other RequestIDs', async () => {
    await fc.assert(
      fc.asyncProperty(kindArb, kindArb, rowsArb, rowsArb, targetArb, targetArb, async (k1, k2, r1, r2, t1, t2) => {
        const samePayload =
          JSON.stringify(r1, (_, v) => (typeof v === 'bigint' ? `${v}` : v)) ===
          JSON.stringify(r2, (_, v) => (typeof v === 'bigint' ? `${v}` : v))
        fc.pre(k1 !== k2 || !samePayload || !sameTarget(t1, t2))
        const a = await requestIds(k1, r1, t1)
        const b = await requestIds(k2, r2, t2)
        for (const id of b.ids) expect(a.ids).not.toContain(id)
        if (k1 !== k2 || !samePayload) expect(b.runId).not.toBe(a.runId)
      }),
      { numRuns: 30 },
    )
  })

  it('a run after a finished one, or with other identifying inputs, is another run', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8 }), fc.string(), fc.string(), (fingerprint, after, inputs) => {
        const alone = deriveRunId({ fingerprint })
        expect(deriveRunId({ fingerprint })).toBe(alone)
        expect(deriveRunId({ fingerprint, after })).not.toBe(alone)
        expect(deriveRunId({ fingerprint, inputs })).not.toBe(alone)
        expect(deriveRunId({ fingerprint, after: `${after}x` })).not.toBe(deriveRunId({ fingerprint, after }))
      }),
    )
  })
})
