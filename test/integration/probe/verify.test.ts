import { afterEach, describe, expect, it } from 'vitest'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import {
  batch,
  bool,
  date,
  defineTable,
  float64,
  int32,
  int64,
  pushChanges,
  TableauClient,
  text,
  timestamp,
} from '../../../src/index.js'
import { verifyDatasource } from '../../../src/internal.js'

// verifyDatasource through the real client and the emulator's VizQL Data Service: a lossy server
// (personality dropOneRow) is caught; a server without the service is "not-verified", never "verified".
const pat = { name: 'ci', secret: 's3cret-pat' }
const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), name: text() })
let emu: Emulator | undefined
let client: TableauClient | undefined
afterEach(async () => {
  await client?.close()
  await emu?.close()
})

async function pushTo(personality: ServerPersonality) {
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }], personality })
  const ds = await emu.createDatasource({
    name: 'Orders',
    table: orders,
    rows: [
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b' },
    ],
  })
  client = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: pat }, sleep: async () => {} })
  const upserts = [
    { id: 2n, name: 'B' },
    { id: 3n, name: 'c' },
    { id: 9007199254740993n, name: 'big' },
  ]
  await pushChanges({
    client,
    datasource: { id: ds.id },
    batch: batch()
      .upsert({ source: orders.as('changes'), target: orders, on: ['id'] })
      .delete({ source: orders.pick('id').as('gone'), target: orders, on: ['id'] }),
    rows: { changes: upserts, gone: [{ id: 1n }] },
  })
  return { ds, upserts }
}

describe('pushChanges({ verify })', () => {
  it('puts the verification in the report: verified on a sound server, mismatch on a lossy one', async () => {
    for (const [personality, status] of [
      [{}, 'verified'],
      [{ dropOneRow: true }, 'mismatch'],
      [{ noVizqlDataService: true }, 'not-verified'],
    ] as const) {
      emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }], personality })
      const ds = await emu.createDatasource({ name: 'Orders', table: orders, rows: [{ id: 1n, name: 'a' }] })
      client = await TableauClient.signIn({
        server: emu.url,
        auth: { personalAccessToken: pat },
        sleep: async () => {},
      })
      const upserts = [{ id: 2n, name: 'b' }]
      const report = await pushChanges({
        client,
        datasource: { id: ds.id },
        batch: batch().upsert({ source: orders.as('changes'), target: orders, on: ['id'] }),
        rows: { changes: upserts },
        verify: { rowCount: 2, key: 'id', present: upserts },
      })
      expect(report.verification?.status, JSON.stringify(personality)).toBe(status)
      await client.close()
      await emu.close()
      client = undefined
      emu = undefined
    }
  })
})

describe('pushChanges({ verify }) with a spec that does not fit the table', () => {
  it('is CONFIG_INVALID naming the field, before anything is sent', async () => {
    emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
    const ds = await emu.createDatasource({ name: 'Orders', table: orders, rows: [{ id: 1n, name: 'a' }] })
    client = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: pat }, sleep: async () => {} })
    const error = await pushChanges({
      client,
      datasource: { id: ds.id },
      batch: batch().upsert({ source: orders.as('changes'), target: orders, on: ['id'] }),
      rows: { changes: [{ id: 1n, name: 'b' }] },
      verify: { key: 'id', present: [{ id: 1n, name: 'b', at: '2024-01-01T00:00:00Z' }] },
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'verify.present[0].at' } })
    expect(await emu.query('SELECT name FROM "Orders"."Extract"."Extract"')).toEqual([{ name: 'a' }])
  })
})

describe('verifyDatasource', () => {
  it('verified when the rows landed: count, present with values (int64 beyond 2^53), absent', async () => {
    const { ds, upserts } = await pushTo({})
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 3,
      table: orders,
      key: 'id',
      present: upserts,
      absent: [1n],
    })
    expect(result).toMatchObject({ status: 'verified' })
    expect(result.checks.map((c) => [c.check, c.ok])).toEqual([
      ['rowCount', true],
      ['present', true],
      ['absent', true],
    ])
  })

  it('a lossy server (jobs succeed, a row is lost) is a mismatch naming the row', async () => {
    const { ds, upserts } = await pushTo({ dropOneRow: true })
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 3,
      table: orders,
      key: 'id',
      present: upserts,
      absent: [1n],
    })
    expect(result.status).toBe('mismatch')
    const present = result.checks.find((c) => c.check === 'present')!
    expect(present.ok).toBe(false)
    expect(present.observed).toContain('id=2: name is "b", pushed "B"')
  })

  it('no VizQL Data Service: not-verified with the reason, never verified', async () => {
    const { ds } = await pushTo({ noVizqlDataService: true })
    const result = await verifyDatasource(client!.vizql, ds.id, { rowCount: 3 })
    expect(result.status).toBe('not-verified')
    expect(result.reason).toContain('VizQL Data Service')
  })

  it('a spec that does not fit its table is a CONFIG_INVALID naming the field, before anything is read', async () => {
    const cases: [Parameters<typeof verifyDatasource>[2], string][] = [
      [{ absent: [1n] }, 'verify.key'],
      [{ key: 'id', absent: [1n] }, 'verify.table'],
      [{ table: orders, key: 'nope', absent: [1n] }, 'verify.key'],
      [{ table: orders, key: 'id', absent: ['1'] }, 'verify.absent[0]'],
      [{ table: orders, key: 'id', present: [{ id: 1n, nope: 'x' }] }, 'verify.present[0].nope'],
      [{ table: orders, key: 'id', present: [{ id: 1n, name: 5 }] }, 'verify.present[0].name'],
      [{ table: orders, key: 'id', present: [{ name: 'x' }] }, 'verify.present[0]'],
      [{ rowCount: 1.5 }, 'verify.rowCount'],
    ]
    for (const [spec, field] of cases) {
      await expect(verifyDatasource({} as never, 'x', spec)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        details: { field },
      })
    }
  })
})

describe('verify compares by the declared kind, against the emulator', () => {
  const every = defineTable(
    { schema: 'Extract', name: 'Extract' },
    {
      id: int64(),
      label: text({ nullable: true }),
      n: int32({ nullable: true }),
      x: float64({ nullable: true, allowNonFinite: true }),
      ok: bool({ nullable: true }),
      day: date({ nullable: true }),
      at: timestamp({ nullable: true }),
    },
  )
  // Each pushed form the kinds accept: bigint µs and Date timestamps, an offset ISO string, -0, NaN, '' and NULL.
  const rows = [
    {
      id: 2n ** 53n + 1n,
      label: '2024-01-01 10:30',
      n: -(2 ** 31),
      x: -0,
      ok: true,
      day: '2024-02-29',
      at: 1_700_000_000_000_005n,
    },
    {
      id: 2n,
      label: '',
      n: null,
      x: Number.NaN,
      ok: false,
      day: new Date(Date.UTC(2024, 0, 1)),
      at: new Date('2023-11-14T22:13:20.123Z'),
    },
    { id: 3n, label: null, n: 7, x: 0.1 + 0.2, ok: null, day: null, at: '2023-11-14T23:13:20.000001+01:00' },
    { id: 4n, label: '日本 😀 café', n: 0, x: Number.POSITIVE_INFINITY, ok: true, day: '0001-01-01', at: null },
  ]

  it('what was pushed reads back verified; each changed value is a mismatch naming its column', async () => {
    emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
    const ds = await emu.createDatasource({ name: 'Every', table: every, rows: [{ ...rows[0]!, id: 99n }] })
    client = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: pat }, sleep: async () => {} })
    const report = await pushChanges({
      client,
      datasource: { id: ds.id },
      batch: batch().upsert({ source: every.as('changes'), target: every, on: ['id'] }),
      rows: { changes: rows },
      // The table comes from the typed batch's one target.
      verify: { rowCount: 5, key: 'id', present: rows, absent: [5n] },
    })
    expect(report.verification).toMatchObject({ status: 'verified' })

    // False positives: a value that differs only in a way a sniffing compare would forgive.
    const changed: [number, string, unknown][] = [
      [0, 'label', '2024-01-01 10:30:00'], // the same instant, other text
      [0, 'label', '2024-01-01 10:30 '],
      [3, 'label', '日本 😀 cafe\u0301'],
      [1, 'label', null], // '' is not NULL
      [2, 'label', ''], // NULL is not ''
      [0, 'id', 2n ** 53n], // the neighbouring int64 (the key, so the row is missing)
      [0, 'n', -(2 ** 31) + 1],
      [1, 'x', null], // NaN is not NULL
      [2, 'x', 0.3],
      [3, 'x', Number.NEGATIVE_INFINITY],
      [0, 'ok', false],
      [0, 'day', '2024-03-01'],
      [0, 'at', 1_700_000_000_000_004n], // one microsecond off
      [1, 'at', new Date('2023-11-14T22:13:20.124Z')],
      [2, 'at', '2023-11-14T23:13:20+01:00'],
    ]
    for (const [i, column, value] of changed) {
      const present = rows.map((r, j) => (j === i ? { ...r, [column]: value } : r))
      const result = await verifyDatasource(client.vizql, ds.id, { table: every, key: 'id', present })
      expect(result.status, `${column} = ${String(value)}`).toBe('mismatch')
      const observed = result.checks[0]!.observed
      expect(observed).toMatch(column === 'id' ? /missing/ : new RegExp(`: ${column} is `))
    }
  })
})
