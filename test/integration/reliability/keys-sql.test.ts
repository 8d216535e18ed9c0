import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { batch, defineTable, int64, isHyperdeltaError, pushChanges, text } from '../../../src/index.js'
import { byId, changes, type Fixture, itemRows, items, startFixture } from './helpers.js'

// Keys follow SQL: NULL key components equal nothing (not even NULL), so rows with them are never
// duplicates and keep-last never drops them; a delete's key list may repeat keys (harmless), while
// update / upsert sources are checked. Every case reads the table back with DuckDB.

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => {
  await fx.close()
})

const tagged = defineTable({ schema: 'Extract', name: 'Extract' }, { k: text({ nullable: true }), v: int64() })
const taggedChanges = tagged.as('changes')
let counter = 0

async function push(name: string, options: Omit<Parameters<typeof pushChanges>[0], 'client' | 'datasource'>) {
  const client = await fx.signIn()
  try {
    return await pushChanges({ client, datasource: { name }, ...options })
  } finally {
    await client.close()
  }
}

const taggedRows = async (name: string) =>
  (await fx.emu.query(`SELECT k, v FROM "${name}"."Extract"."Extract" ORDER BY v`)) as { k: string | null; v: bigint }[]

describe('keys follow SQL', () => {
  it('a delete whose key list repeats keys is allowed and deletes each key once', async () => {
    const initial = itemRows(1, 20)
    const ds = await fx.datasource(initial)
    const report = await push(ds.name, {
      batch: batch().delete({ source: changes.pick('id'), target: items, on: ['id'] }),
      rows: { changes: [3n, 3n, 5n, 5n, 5n, 7n].map((id) => ({ id })) },
    })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await fx.rows(ds.name)).toEqual(byId(initial.filter((r) => ![3n, 5n, 7n].includes(BigInt(r.id)))))
  })

  it('upsert with keep-last: NULL-key rows are all kept (and never match), repeated keys keep the last', async () => {
    const name = `Tagged${++counter}`
    await fx.emu.createDatasource({
      name,
      table: tagged,
      rows: [
        { k: 'a', v: 1n },
        { k: null, v: 2n },
      ],
    })
    const report = await push(name, {
      batch: batch().upsert({ source: taggedChanges, target: tagged, on: ['k'] }),
      rows: {
        changes: [
          { k: null, v: 10n },
          { k: 'a', v: 20n },
          { k: null, v: 11n },
          { k: 'a', v: 21n },
          { k: 'b', v: 30n },
        ],
      },
      duplicateKeys: 'keep-last',
    })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await taggedRows(name)).toEqual([
      { k: null, v: 2n },
      { k: null, v: 10n },
      { k: null, v: 11n },
      { k: 'a', v: 21n },
      { k: 'b', v: 30n },
    ])
  })

  it('upsert with the default check: NULL keys pass, a real repeated key is refused before anything is sent', async () => {
    const name = `Tagged${++counter}`
    await fx.emu.createDatasource({ name, table: tagged, rows: [{ k: 'a', v: 1n }] })
    const upsert = batch().upsert({ source: taggedChanges, target: tagged, on: ['k'] })
    const refused = await push(name, {
      batch: upsert,
      rows: {
        changes: [
          { k: null, v: 10n },
          { k: 'b', v: 20n },
          { k: null, v: 11n },
          { k: 'b', v: 21n },
        ],
      },
    }).catch((e: unknown) => e)
    expect(isHyperdeltaError(refused)).toBe(true)
    expect((refused as Error).message).toMatch(/duplicate keys on \(k\): \{"k":"b"\} at rows 1, 3/)
    expect(await taggedRows(name)).toEqual([{ k: 'a', v: 1n }])

    const report = await push(name, {
      batch: upsert,
      rows: {
        changes: [
          { k: null, v: 10n },
          { k: 'b', v: 20n },
          { k: null, v: 11n },
        ],
      },
    })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await taggedRows(name)).toEqual([
      { k: 'a', v: 1n },
      { k: null, v: 10n },
      { k: null, v: 11n },
      { k: 'b', v: 20n },
    ])
  })
})
