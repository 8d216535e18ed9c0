import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  and,
  batch,
  type ColumnRefs,
  type Condition,
  eq,
  gt,
  gte,
  lt,
  lte,
  or,
  pushChanges,
} from '../../../src/index.js'
import { call, patch, type Signed, waitJob } from '../emulator/helpers.js'
import { byId, type Fixture, itemRows, items, PAT, startFixture } from './helpers.js'

// Conditions over 10,000 and 100,000 terms, end to end: the library compiles them flat, the
// emulator stages large constant groups instead of spelling them out, and the table read back
// with DuckDB holds exactly the expected rows. What the emulator cannot handle is a 400, never a 500.

let fx: Fixture
const initial = itemRows(1, 3000)

beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})

async function deleteWhere(name: string, where: (t: ColumnRefs<(typeof items)['columns'], 'target'>) => Condition) {
  const client = await fx.signIn()
  try {
    return await pushChanges({
      client,
      datasource: { name },
      batch: batch().delete({ target: items, where }),
      rows: {},
    })
  } finally {
    await client.close()
  }
}

describe('large conditions end to end through the emulator', () => {
  it.each([10_000, 100_000])(
    'a delete by a %i-id list folded with reduce deletes exactly those ids',
    async (n) => {
      const ds = await fx.datasource(initial)
      // Even ids 2, 4, … (most of them beyond the table), folded left-deep.
      const ids = Array.from({ length: n }, (_, i) => BigInt(2 * (i + 1)))
      const report = await deleteWhere(ds.name, (t) => ids.map((id) => eq(t.id, id)).reduce((a, b) => or(a, b)))
      expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
      expect(await fx.rows(ds.name)).toEqual(byId(initial.filter((r) => BigInt(r.id) % 2n === 1n)))
    },
    120_000,
  )

  it('range groups keep their meaning: or of 10,000 lower bounds, and of 10,000 upper bounds', async () => {
    const ds = await fx.datasource(initial)
    const bounds = Array.from({ length: 10_000 }, (_, i) => BigInt(2_500 + i))
    // or(id > 2500, id > 2501, …) is id > 2500; and(id <= 2500+i …) folded right-deep is id <= 2500.
    const report = await deleteWhere(ds.name, (t) =>
      or(
        bounds.map((b) => gt(t.id, b)).reduceRight((acc, c) => or(c, acc)),
        and(
          lte(t.id, 100n),
          bounds.map((b) => lt(t.id, b)).reduce((a, c) => and(a, c)),
          bounds.map((b) => gte(t.id, b - 2_450n)).reduce((a, c) => or(a, c)),
        ),
      ),
    )
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await fx.rows(ds.name)).toEqual(
      byId(initial.filter((r) => r.id <= 2_500n && !(r.id >= 50n && r.id <= 100n))),
    )
  }, 120_000)
})

describe('wire conditions the emulator receives directly', () => {
  let s: Signed
  const leaf = (i: number, op = 'eq') => ({ op, 'target-col': 'id', const: { type: 'integer', v: String(i) } })
  const nested = (n: number, op: (i: number) => string) => {
    let s = ''
    for (let i = 0; i < n; i++) s += `{"op":"${op(i)}","args":[${JSON.stringify(leaf(i + 1))},`
    s += JSON.stringify(leaf(0))
    for (let i = 0; i < n; i++) s += ']}'
    return `{"actions":[{"action":"delete","target-schema":"Extract","target-table":"Extract","condition":${s}}]}`
  }
  const signed = async () => {
    // The reliability fixture signs in with a PAT; the raw helpers need a password session.
    const r = await call(`${fx.emu.url}/api/3.24/auth/signin`, {
      method: 'POST',
      body: `<tsRequest><credentials personalAccessTokenName="${PAT.name}" personalAccessTokenSecret="${PAT.secret}"><site contentUrl="" /></credentials></tsRequest>`,
    })
    const c = r.xml.tsResponse.credentials
    return {
      token: c['@token'],
      siteId: c.site['@id'],
      userId: c.user['@id'],
      base: `${fx.emu.url}/api/3.24/sites/${c.site['@id']}`,
      auth: { 'x-tableau-auth': c['@token'] },
    } as Signed
  }

  it('an or nested 100,000 levels deep is flattened and applied', async () => {
    s = await signed()
    const ds = await fx.datasource(initial)
    const r = await patch(
      s,
      ds.id,
      nested(100_000, () => 'or'),
    )
    expect(r.status, r.text).toBe(202)
    const job = await waitJob(s, r.xml.tsResponse.job['@id'])
    expect(job.finishCode).toBe('0')
    expect(await fx.rows(ds.name)).toEqual(byId(initial.filter((x) => x.id > 100_000n)))
  }, 120_000)

  it('alternating and/or deeper than 100 levels is 400 (400008) naming the limit; nothing changes', async () => {
    s = await signed()
    const ds = await fx.datasource(initial)
    const r = await patch(
      s,
      ds.id,
      nested(50_000, (i) => (i % 2 ? 'and' : 'or')),
    )
    expect(r.status).toBe(400)
    expect(r.xml.tsResponse.error['@code']).toBe('400008')
    expect(r.xml.tsResponse.error.detail).toMatch(/nest 50000 levels deep .*the limit is 100/)
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  }, 60_000)

  it('a composite-key list (or of and(eq, eq) over 5,000 pairs) deletes exactly the matching pairs', async () => {
    s = await signed()
    const ds = await fx.datasource(initial)
    const bodies = new Map(initial.map((r) => [BigInt(r.id), r.body]))
    // Pairs for ids 1..5000: odd ids carry their real body (match), even ids a wrong one (no match).
    const pairs = Array.from({ length: 5_000 }, (_, i) => {
      const id = BigInt(i + 1)
      const body = id % 2n === 1n ? (bodies.get(id) ?? 'absent') : 'wrong'
      return { op: 'and', args: [leaf(i + 1), { op: 'eq', 'target-col': 'body', const: { type: 'string', v: body } }] }
    })
    const r = await patch(s, ds.id, [
      { action: 'delete', 'target-schema': 'Extract', 'target-table': 'Extract', condition: { op: 'or', args: pairs } },
    ])
    expect(r.status, r.text).toBe(202)
    expect((await waitJob(s, r.xml.tsResponse.job['@id'])).finishCode).toBe('0')
    expect(await fx.rows(ds.name)).toEqual(byId(initial.filter((x) => BigInt(x.id) % 2n === 0n)))
  }, 60_000)

  it('more comparisons than the emulator spells out inline is 400 naming its limit', async () => {
    s = await signed()
    const ds = await fx.datasource(initial)
    // and(id = i, body > '…') pairs: not equality tuples, so nothing to stage: 2 × 3,000 inline comparisons.
    const pairs = Array.from({ length: 3_000 }, (_, i) => ({
      op: 'and',
      args: [leaf(i), { op: 'gt', 'target-col': 'body', const: { type: 'string', v: `b${i}` } }],
    }))
    const r = await patch(s, ds.id, [
      { action: 'delete', 'target-schema': 'Extract', 'target-table': 'Extract', condition: { op: 'or', args: pairs } },
    ])
    expect(r.status).toBe(400)
    expect(r.xml.tsResponse.error.detail).toMatch(/6000 comparisons .*its limit is 2000/)
    expect(await fx.rows(ds.name)).toEqual(byId(initial))
  })
})
