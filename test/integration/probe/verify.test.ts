import { afterEach, describe, expect, it } from 'vitest'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { batch, defineTable, int64, pushChanges, TableauClient, text, verifyDatasource } from '../../../src/index.js'

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

describe('verifyDatasource', () => {
  it('verified when the rows landed: count, present with values (int64 beyond 2^53), absent', async () => {
    const { ds, upserts } = await pushTo({})
    const result = await verifyDatasource(client!.vizql, ds.id, {
      rowCount: 3,
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

  it('present/absent without a key is a CONFIG_INVALID naming the field', async () => {
    await expect(verifyDatasource({} as never, 'x', { absent: [1n] })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: { field: 'verify.key' },
    })
  })
})
