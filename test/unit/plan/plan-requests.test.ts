import { describe, expect, it } from 'vitest'
import { type Batch, batch, defineTable, eq, int64, lt, planRequests, text, timestamp } from '../../../src/index.js'
import { plannedActions } from '../../../src/plan/group-actions.js'

// The split rules of a plan, table-driven over fake payload files (planRequests does no I/O).

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), region: text(), at: timestamp() })
const changes = orders.as('changes')
const gone = orders.pick('id').as('gone')

const purgeOld = (b: Batch) => b.delete({ target: orders, where: (t) => lt(t.at, '2020-01-01T00:00:00Z') })
const purgeEurope = (b: Batch) => b.delete({ target: orders, where: (t) => eq(t.region, 'Europe') })
const upsert = (b: Batch) => b.upsert({ source: changes, target: orders, on: ['id'] })
const insert = (b: Batch) => b.insert({ source: changes, target: orders })
const replace = (b: Batch) => b.replace({ source: changes, target: orders })
const deleteGone = (b: Batch) => b.delete({ source: gone, target: orders, on: ['id'] })

type Step = (b: Batch) => Batch
const build = (...steps: Step[]) => steps.reduce<Batch>((b, step) => step(b), batch())
const files = (counts: Record<string, number>) =>
  new Map(Object.entries(counts).map(([t, n]) => [t, Array.from({ length: n }, (_, k) => `${t}#${k}`)]))

/** Each request as `payload: action+action`. */
function shape(b: Batch, counts: Record<string, number>) {
  const plan = planRequests(plannedActions(b), files(counts))
  return {
    requests: plan.requests.map((r) => `${r.payload ?? '-'}: ${r.actions.map((a) => a.action).join('+')}`),
    warnings: plan.warnings,
  }
}

describe('planRequests', () => {
  it.each<[string, Step[], Record<string, number>, string[], RegExp[]]>([
    ['one source table, one file: one request', [upsert], { changes: 1 }, ['changes#0: upsert'], []],
    [
      'constant-only actions ride with their neighbours',
      [purgeOld, upsert, purgeEurope],
      { changes: 1 },
      ['changes#0: delete+upsert+delete'],
      [],
    ],
    [
      'a new source table starts a new request',
      [upsert, deleteGone],
      { changes: 1, gone: 1 },
      ['changes#0: upsert', 'gone#0: delete'],
      [/runs as 2 requests: each is all-or-nothing, together they are not/],
    ],
    [
      'a split table repeats its actions per file',
      [upsert, insert],
      { changes: 3 },
      ['changes#0: upsert+insert', 'changes#1: upsert+insert', 'changes#2: upsert+insert'],
      [/"changes" need 3 files.*the requests together are not$/],
    ],
    [
      'leading constant-only actions go with the first file, trailing ones with the last',
      [purgeOld, upsert, purgeEurope],
      { changes: 2 },
      ['changes#0: delete+upsert', 'changes#1: upsert+delete'],
      [/need 2 files/],
    ],
    [
      'replace becomes insert after the first file',
      [replace],
      { changes: 3 },
      ['changes#0: replace', 'changes#1: insert', 'changes#2: insert'],
      [/replace runs on the first file and insert on the rest/],
    ],
    ['a constant-only batch is one request without payload', [purgeOld, purgeEurope], {}, ['-: delete+delete'], []],
    [
      'a source table without rows skips its actions and keeps the constant-only ones',
      [purgeOld, upsert],
      { changes: 0 },
      ['-: delete'],
      [/no rows for source table "changes": its 1 action\(s\) are skipped/],
    ],
  ])('%s', (_, steps, counts, requests, warnings) => {
    const got = shape(build(...steps), counts)
    expect(got.requests).toEqual(requests)
    expect(got.warnings).toHaveLength(warnings.length)
    warnings.forEach((w, i) => {
      expect(got.warnings[i]).toMatch(w)
    })
  })

  it('numbers requests in batch order', () => {
    const plan = planRequests(plannedActions(build(upsert, deleteGone)), files({ changes: 2, gone: 1 }))
    expect(plan.requests.map((r) => r.index)).toEqual([0, 1, 2])
  })

  it.each<[string, Step[], Record<string, number>, string, Record<string, unknown>]>([
    [
      'PLAN_UNSPLITTABLE: a constant-only action between actions on a split table',
      [upsert, purgeEurope, insert],
      { changes: 2 },
      'PLAN_UNSPLITTABLE',
      { table: 'changes', files: 2 },
    ],
    [
      'PLAN_EMPTY_REPLACE: a replace with no rows would empty the table',
      [replace],
      { changes: 0 },
      'PLAN_EMPTY_REPLACE',
      { table: 'changes' },
    ],
  ])('%s', (_, steps, counts, code, details) => {
    expect(() => planRequests(plannedActions(build(...steps)), files(counts))).toThrow(
      expect.objectContaining({ code, details: expect.objectContaining(details) }),
    )
  })

  it('the unsplittable guard does not fire when the table fits one file', () => {
    expect(shape(build(upsert, purgeEurope, insert), { changes: 1 }).requests).toEqual([
      'changes#0: upsert+delete+insert',
    ])
  })

  it.each<[string, Step]>([
    ['other columns', (b) => b.delete({ source: orders.pick('id').as('changes'), target: orders, on: ['id'] })],
    ['another schema', (b) => b.insert({ source: orders.as('changes', 'Other'), target: orders })],
    [
      'column order',
      (b) =>
        b.insert({
          source: defineTable({ schema: 'Extract', name: 'changes' }, { region: text(), id: int64(), at: timestamp() }),
          target: orders,
        }),
    ],
  ])('PLAN_INPUT_INVALID: two source tables named alike that differ in %s', (_, second) => {
    const b = build(upsert, second)
    expect(() => planRequests(plannedActions(b), files({ changes: 1 }))).toThrow(
      expect.objectContaining({ code: 'PLAN_INPUT_INVALID', details: { index: 1, table: 'changes' } }),
    )
  })

  it('the same definition declared twice under one name is not ambiguous', () => {
    const again = orders.as('changes')
    const b = batch()
      .upsert({ source: changes, target: orders, on: ['id'] })
      .insert({ source: again, target: orders })
    expect(shape(b, { changes: 1 }).requests).toEqual(['changes#0: upsert+insert'])
  })
})
