// The emulator stages large groups of constants in temp tables (IN, min/max bounds, key tuples)
// instead of spelling every comparison out. Differential check: for random conditions over
// nullable columns, the staged SQL selects exactly the rows the spelled-out SQL selects.
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conditionSql, STAGE_MIN_TERMS, type StagedConstants } from '../../../src/emulator/store/condition-sql.js'
import type { WireCondition } from '../../../src/wire.js'

const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const TYPES = { a: 'BIGINT', b: 'VARCHAR', d: 'DATE' } as const

beforeAll(async () => {
  await conn.run(`SET TimeZone='UTC'`)
  await conn.run(`CREATE TABLE t AS SELECT range AS id,
    CASE WHEN range % 7 = 0 THEN NULL ELSE range % 40 END AS a,
    CASE WHEN range % 5 = 0 THEN NULL ELSE 'k' || (range % 30) END AS b,
    CASE WHEN range % 9 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(range % 50 AS INTEGER) END AS d
    FROM range(400)`)
})
afterAll(() => {
  conn.closeSync()
  db.closeSync()
})

function rng(seed: number) {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x / 2147483648
  }
}

const OPS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const
type Col = keyof typeof TYPES

function constFor(col: Col, r: () => number): { type: 'integer' | 'string'; v: string } {
  const n = Math.floor(r() * 45)
  if (col === 'a') return { type: 'integer', v: String(n) }
  if (col === 'b') return { type: 'string', v: `k${n}` }
  return { type: 'string', v: `2024-0${1 + Math.floor(n / 28)}-${String(1 + (n % 28)).padStart(2, '0')}` }
}

function randomCondition(r: () => number, depth: number): WireCondition {
  const pick = r()
  if (depth === 0 || pick < 0.3) {
    const col = (['a', 'b', 'd'] as const)[Math.floor(r() * 3)]!
    return { op: OPS[Math.floor(r() * 5)]!, 'target-col': col, const: constFor(col, r) }
  }
  const op = r() < 0.5 ? 'or' : 'and'
  const args: WireCondition[] = []
  if (pick < 0.6) {
    // A large group: one column, one operator, many constants (staged).
    const col = (['a', 'b', 'd'] as const)[Math.floor(r() * 3)]!
    const cmp = OPS[Math.floor(r() * 5)]!
    for (let i = 0; i < STAGE_MIN_TERMS + Math.floor(r() * 20); i++)
      args.push({ op: cmp, 'target-col': col, const: constFor(col, r) })
  } else if (pick < 0.75 && op === 'or') {
    // A composite key list.
    for (let i = 0; i < STAGE_MIN_TERMS + Math.floor(r() * 20); i++) {
      args.push({
        op: 'and',
        args: [
          { op: 'eq', 'target-col': 'a', const: constFor('a', r) },
          { op: 'eq', 'target-col': 'b', const: constFor('b', r) },
        ],
      })
    }
  }
  for (let i = 0; i < 1 + Math.floor(r() * 3); i++) args.push(randomCondition(r, depth - 1))
  return { op, args }
}

/** The condition spelled out term by term, the way SQL would read it without staging. */
function spelled(c: WireCondition): string {
  if ('args' in c) return `(${c.args.map(spelled).join(c.op === 'and' ? ' AND ' : ' OR ')})`
  const sym = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=', ne: '<>' }[c.op]
  const col = c['target-col'] as Col
  return `(t.${col} ${sym} CAST('${c.const!.v}' AS ${TYPES[col]}))`
}

async function ids(where: string): Promise<bigint[]> {
  const reader = await conn.runAndReadAll(`SELECT id FROM t WHERE ${where} ORDER BY id`)
  return reader.getRowObjects().map((r) => r['id'] as bigint)
}

describe('staged constants select exactly what the spelled-out condition selects', () => {
  it('300 random conditions over nullable BIGINT, VARCHAR and DATE columns', async () => {
    const r = rng(13_013)
    let stagedCount = 0
    for (let i = 0; i < 300; i++) {
      const condition = randomCondition(r, 3)
      const staged: StagedConstants[] = []
      const sql = conditionSql(condition, { targetType: (c) => TYPES[c as Col], sourceType: () => undefined }, staged)
      for (const s of staged) {
        const cols = Array.from({ length: s.width }, (_, j) => `c${j} VARCHAR`).join(', ')
        await conn.run(`CREATE OR REPLACE TEMP TABLE "${s.name}" (${cols})`)
        const values = s.rows.map((row) => `(${row.map((v) => `'${v}'`).join(', ')})`).join(', ')
        await conn.run(`INSERT INTO temp.main."${s.name}" VALUES ${values}`)
      }
      stagedCount += staged.length
      const expected = await ids(spelled(condition))
      const actual = await ids(sql)
      if (actual.join() !== expected.join()) throw new Error(`condition ${i}: ${JSON.stringify(condition)}\n${sql}`)
    }
    expect(stagedCount).toBeGreaterThan(100)
  }, 120_000)
})
