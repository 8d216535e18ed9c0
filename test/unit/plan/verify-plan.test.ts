import { describe, expect, it } from 'vitest'
import type { VdsQuery, VizqlReader } from '../../../src/client/vizql-data-service/vds.js'
import { defineTable, HyperdeltaError, int64, text } from '../../../src/index.js'
import { summarizeVerification } from '../../../src/model/verify-result.js'
import { verifyDatasource } from '../../../src/plan/verify-datasource.js'
import { batches, planVerify, splitQuery, type VerifyQuery } from '../../../src/plan/verify-plan.js'
import { checkVerifySpec, type VerifySpec } from '../../../src/plan/verify-spec.js'
import { DEFAULT_VERIFY_LIMITS, VDS_FACTS } from '../../../src/wire.js'

// The verify planner: counts first, key checks in bounded batches sized under the response cap, within the budget;
// and how the run reports what it could not check (a stand-in reader answering from an array, or failing).
const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })
const rows = (n: number, name = (i: number) => `n${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: BigInt(i + 1), name: name(i + 1) }))
const plan = (spec: VerifySpec) => planVerify(checkVerifySpec({ table: orders, key: 'id', ...spec }))
const kinds = (queries: VerifyQuery[]) => queries.map((q) => q.kind)
const sizes = (queries: VerifyQuery[]) =>
  queries.map((q) => (q.kind === 'present' ? q.rows.length : q.kind === 'absent' ? q.keys.length : 0))

describe('planVerify', () => {
  it('a row count is one aggregate; without a key column it first reads the metadata for a field to count', () => {
    expect(kinds(planVerify(checkVerifySpec({ rowCount: 3 })))).toEqual(['metadata', 'rowCount'])
    expect(kinds(plan({ rowCount: 3 }))).toEqual(['rowCount'])
    expect(plan({})).toEqual([])
  })

  it('key checks in batches of at most keysPerQuery keys, never one query per key; counts first', () => {
    const queries = plan({ rowCount: 2500, present: rows(2500), absent: [1n, 2n, 3n], keysPerQuery: 1000 })
    expect(kinds(queries)).toEqual(['rowCount', 'present', 'present', 'present', 'absent'])
    expect(sizes(queries)).toEqual([0, 1000, 1000, 500, 3])
    expect(plan({ present: rows(2500) }).length).toBe(3) // the default bound is the same
    expect(DEFAULT_VERIFY_LIMITS.keysPerQuery).toBe(VDS_FACTS.keysPerSetFilter.value)
  })

  it('batches are sized so the answer stays under maxResponseBytes (long values, fewer keys per query)', () => {
    const long = rows(100, (i) => `${'x'.repeat(1000)}${i}`)
    const queries = plan({ present: long, maxResponseBytes: 10_000 })
    expect(queries.length).toBeGreaterThan(10)
    for (const q of queries) {
      if (q.kind !== 'present') throw new Error(`unexpected ${q.kind}`)
      const answer = q.rows.map((r) => Object.fromEntries(r.columns.map(([c, , v]) => [c, String(v.given)])))
      expect(Buffer.byteLength(JSON.stringify({ data: answer }))).toBeLessThanOrEqual(10_000)
    }
    expect(sizes(queries).reduce((a, b) => a + b, 0)).toBe(100)
  })

  it('a row larger than the cap on its own is a batch of one (the capped read then says so)', () => {
    expect(batches([1, 2, 3], 10, 100, (n) => (n === 2 ? 1000 : 10))).toEqual([[1], [2], [3]])
    expect(batches([1, 2, 3, 4, 5], 2, 1e9, () => 1)).toEqual([[1, 2], [3, 4], [5]])
  })

  it('a key check splits in halves; a count or a single key does not', () => {
    const [present] = plan({ present: rows(5) })
    expect(splitQuery(present!)?.map((q) => sizes([q])[0])).toEqual([3, 2])
    expect(splitQuery(plan({ present: rows(1) })[0]!)).toBeUndefined()
    expect(splitQuery({ kind: 'rowCount' })).toBeUndefined()
  })

  it('limits are whole numbers, 1 or more: CONFIG_INVALID naming the field, before anything is sent', () => {
    for (const [name, value] of [
      ['maxQueries', 0],
      ['maxResponseBytes', 1.5],
      ['keysPerQuery', -1],
    ] as const) {
      expect(() => checkVerifySpec({ rowCount: 1, [name]: value })).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          details: expect.objectContaining({ field: `verify.${name}` }),
        }),
      )
    }
    expect(checkVerifySpec({ rowCount: 1 }).limits).toEqual(DEFAULT_VERIFY_LIMITS)
    expect(DEFAULT_VERIFY_LIMITS.maxQueries).toBeLessThan(VDS_FACTS.queriesPerCreatorPerHour.value)
    expect(DEFAULT_VERIFY_LIMITS.maxResponseBytes).toBeLessThan(VDS_FACTS.maxResponseBytes.value / 10)
  })
})

/** A reader over `table` rows (SET filters on `id`, COUNT), counting queries; `fail(n)` makes query n throw. */
function reader(
  table: { id: bigint; name: string }[],
  fail?: (n: number, query?: VdsQuery) => unknown,
): VizqlReader & { sent: number } {
  const r = {
    sent: 0,
    async readMetadata() {
      r.sent++
      const e = fail?.(r.sent)
      if (e) throw e
      return [{ fieldCaption: 'id', dataType: 'INTEGER' }]
    },
    async queryDatasource(_: string, query: VdsQuery) {
      r.sent++
      const e = fail?.(r.sent, query)
      if (e) throw e
      if (query.fields[0]?.function === 'COUNT') return [{ n: table.length }]
      const wanted = new Set((query.filters?.[0] as { values: unknown[] } | undefined)?.values.map(String))
      return table.filter((row) => wanted.has(String(row.id))).map((row) => ({ id: Number(row.id), name: row.name }))
    },
  }
  return r
}

const apiError = (status: number, tableauCode: string, retryAfterMs?: number) =>
  new HyperdeltaError('API_ERROR', `vizql: answered HTTP ${status}`, {
    details: {
      status,
      tableauCode,
      method: 'POST',
      url: '/api/v1/vizql-data-service/query-datasource',
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    },
  })

describe('verifyDatasource within its budget', () => {
  const spec = (extra: Partial<VerifySpec> = {}): VerifySpec => ({
    rowCount: 4,
    table: orders,
    key: 'id',
    present: rows(4),
    absent: [9n],
    keysPerQuery: 2,
    ...extra,
  })

  it('verified, with queries planned / sent / budget; sends exactly what it planned', async () => {
    const vds = reader(rows(4))
    const result = await verifyDatasource(vds, 'ds', spec())
    expect(result).toMatchObject({
      status: 'verified',
      queries: { planned: 4, sent: 4, budget: DEFAULT_VERIFY_LIMITS.maxQueries },
    })
    expect(vds.sent).toBe(4)
    expect(summarizeVerification(result).at(-1)).toBe(
      `    queries: 4/4 (planned/sent, budget ${DEFAULT_VERIFY_LIMITS.maxQueries})`,
    )
  })

  it('over the budget: sends maxQueries, counts first, and is not-verified (query-budget) with the partial check marked', async () => {
    const vds = reader(rows(4))
    const result = await verifyDatasource(vds, 'ds', spec({ maxQueries: 2 }))
    expect(vds.sent).toBe(2)
    expect(result.status).toBe('not-verified')
    expect(result.reasonCode).toBe('query-budget')
    expect(result.checks.map((c) => [c.check, c.ok, c.partial])).toEqual([
      ['rowCount', true, undefined],
      ['present', true, true],
    ])
    const lines = summarizeVerification(result)
    expect(lines[0]).toMatch(/^verification: NOT VERIFIED — query-budget: the check needs 4/)
    expect(lines.some((l) => l.includes('part present'))).toBe(true)
    expect(lines.some((l) => /\bok {2}present/.test(l))).toBe(false)
  })

  it.each([
    ['403800', apiError(403, VDS_FACTS.accessDeniedCode.value), 'vds-access-denied'],
    ['429000', apiError(429, VDS_FACTS.quotaExceededCode.value, 3_600_000), 'vds-quota-exceeded'],
    ['a 429 without a code', apiError(429, ''), 'vds-quota-exceeded'],
    ['any other failure', new Error('socket hang up'), 'vds-unavailable'],
  ] as const)(
    '%s on the second query: not-verified with its reason, the count kept, nothing more sent',
    async (_, error, code) => {
      const vds = reader(rows(4), (n) => (n === 2 ? error : undefined))
      const result = await verifyDatasource(vds, 'ds', spec())
      expect(result).toMatchObject({ status: 'not-verified', reasonCode: code, queries: { planned: 4, sent: 2 } })
      expect(result.checks.map((c) => c.check)).toEqual(['rowCount'])
      expect(vds.sent).toBe(2)
    },
  )

  it('quota reason says how long the server asks to wait', async () => {
    const vds = reader(rows(4), (n) => (n === 1 ? apiError(429, '429000', 90_000) : undefined))
    expect((await verifyDatasource(vds, 'ds', spec())).reason).toContain('wait 90 s')
  })

  it('an answer over the cap (RESPONSE_TOO_LARGE or 400804) is asked for again in halves', async () => {
    for (const tooLarge of [
      new HyperdeltaError('RESPONSE_TOO_LARGE', 'too large', {
        details: { maxBytes: 1, bytes: 2, method: 'POST', url: '/' },
      }),
      apiError(400, VDS_FACTS.responseTooLargeCode.value),
    ]) {
      const vds = reader(rows(4), (_, q) =>
        ((q?.filters?.[0] as { values?: unknown[] })?.values?.length ?? 0) > 1 ? tooLarge : undefined,
      )
      const { rowCount: _, ...keysOnly } = spec({ absent: [] })
      const result = await verifyDatasource(vds, 'ds', keysOnly)
      // Two planned batches of two keys, each refused and asked for again as two single keys.
      expect(result).toMatchObject({ status: 'verified', queries: { planned: 6, sent: 6 } })
    }
  })

  it('a lossy server within the budget is a mismatch; a mismatch found before the budget ends is still one', async () => {
    const lossy = rows(4).filter((r) => r.id !== 3n)
    expect((await verifyDatasource(reader(lossy), 'ds', spec())).status).toBe('mismatch')
    const early = await verifyDatasource(reader(lossy), 'ds', spec({ maxQueries: 1 }))
    expect(early).toMatchObject({ status: 'mismatch', reasonCode: 'query-budget' })
  })

  it('nothing asked: not-verified (empty-spec), no query sent', async () => {
    const vds = reader([])
    expect(await verifyDatasource(vds, 'ds', {})).toMatchObject({
      status: 'not-verified',
      reasonCode: 'empty-spec',
      queries: { sent: 0 },
    })
    expect(vds.sent).toBe(0)
  })
})
