import { describe, expect, it } from 'vitest'
import { and, batch, defineTable, eq, gt, int64, lt, text, timestamp } from '../../../src/index.js'
import { groupActions, plannedActions, wireMatchKeys } from '../../../src/plan/group-actions.js'

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), region: text(), at: timestamp() })
const changes = orders.as('changes')
const gone = orders.pick('id').as('gone')

describe('plannedActions / groupActions', () => {
  it('keeps constant-only actions with their neighbours and splits on a new source table', () => {
    const b = batch()
      .delete({ target: orders, where: (t) => lt(t.at, '2020-01-01T00:00:00Z') })
      .upsert({ source: changes, target: orders, on: ['id'] })
      .insert({ source: changes, target: orders })
      .delete({ source: gone, target: orders, on: ['id'] })
      .delete({ target: orders, where: (t) => eq(t.region, 'Europe') })
    const groups = groupActions(plannedActions(b))
    expect(groups.map((g) => [g.source?.name, g.actionIndexes])).toEqual([
      ['changes', [0, 1, 2]],
      ['gone', [3, 4]],
    ])
  })

  it('derives key columns from on-keys and equality conditions only', () => {
    const actions = plannedActions(
      batch()
        .upsert({ source: changes, target: orders, on: ['id', 'region'] })
        .update({ source: changes, target: orders, where: (t, s) => gt(t.id, s.id) }),
    )
    expect(actions.map((a) => a.keys)).toEqual([['id', 'region'], []])
  })

  it('plans raw wire JSON with the given source tables, and names a missing one', () => {
    const wire = { actions: [{ action: 'insert', 'source-table': 'changes', 'target-table': 'Extract' }] }
    expect(plannedActions(wire as never, [changes])[0]!.source).toBe(changes)
    expect(() => plannedActions(wire as never, [])).toThrow(/actions\[0\] reads source table "changes"/)
  })

  it('refuses a wire delete whose source declares a column its condition does not read, as Batch does', () => {
    const del = (cond: object) => ({
      actions: [{ action: 'delete', 'source-table': 'gone', 'target-table': 'Extract', condition: cond }],
    })
    const byId = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
    expect(plannedActions(del(byId) as never, [gone])[0]!.source).toBe(gone)
    const wide = orders.pick('id', 'region').as('gone')
    expect(() => plannedActions(del(byId) as never, [wide])).toThrow(
      /actions\[0\] \(delete\): its source table "gone" may hold only the columns its condition reads; it also has "region"/,
    )
    const both = { op: 'and', args: [byId, { op: 'eq', 'target-col': 'region', 'source-col': 'region' }] }
    expect(plannedActions(del(both) as never, [wide])[0]!.keys).toEqual(['id', 'region'])
  })

  it('reads keys from wire conditions', () => {
    expect(
      wireMatchKeys({
        op: 'and',
        args: [
          { op: 'eq', 'target-col': 'a', 'source-col': 'x' },
          { op: 'eq', 'target-col': 'b', 'source-col': 'y' },
        ],
      }),
    ).toEqual(['x', 'y'])
    expect(wireMatchKeys({ op: 'eq', 'target-col': 'a', const: { type: 'integer', v: '1' } })).toEqual([])
    expect(wireMatchKeys(undefined)).toEqual([])
    void and
  })
})
