import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator, ServerPersonality } from '../../../src/emulator/index.js'
import { call, orders, parquetOf, patch, run, type Signed, signIn, start, tempDir, upload, waitJob } from './helpers.js'

const T = { 'target-schema': 'Extract', 'target-table': 'Extract' }
const rows = [
  { id: 1n, customer: 'a', amount: 1.5, day: '2024-01-01', updated_at: '2024-01-01T10:00:00Z' },
  { id: 2n, customer: 'b', amount: 2.5, day: '2024-01-02', updated_at: '2024-01-02T10:00:00.5Z' },
  { id: 9007199254740993n, customer: 'big', amount: null, day: null, updated_at: null },
]
let dir: { path: string; remove(): Promise<void> }
beforeAll(async () => {
  dir = await tempDir()
})
afterAll(async () => {
  await dir.remove()
})

async function withEmulator(
  personality: ServerPersonality,
  body: (emu: Emulator, s: Signed, ds: { id: string; name: string }) => Promise<void>,
): Promise<void> {
  const emu = await start({ personality })
  try {
    const s = await signIn(emu)
    const ds = await emu.createDatasource({ name: 'Orders', table: orders, rows })
    await body(emu, s, ds)
  } finally {
    await emu.close()
  }
}

const vds = (emu: Emulator, s: Signed, method: string, body: unknown) =>
  call(`${emu.url}/api/v1/vizql-data-service/${method}`, {
    method: 'POST',
    headers: { 'x-tableau-auth': s.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('VizQL Data Service', () => {
  it('read-metadata lists the fields with their data types', async () => {
    await withEmulator({}, async (emu, s, ds) => {
      const r = await vds(emu, s, 'read-metadata', { datasource: { datasourceLuid: ds.id } })
      expect(r.status).toBe(200)
      expect(
        r.json['data'].map((f: { fieldCaption: string; dataType: string }) => [f.fieldCaption, f.dataType]),
      ).toEqual([
        ['id', 'INTEGER'],
        ['customer', 'STRING'],
        ['amount', 'REAL'],
        ['day', 'DATE'],
        ['updated_at', 'DATETIME'],
      ])
    })
  })

  it('query-datasource answers rows, aggregates and filters from the table', async () => {
    await withEmulator({}, async (emu, s, ds) => {
      const datasource = { datasourceLuid: ds.id }
      const count = await vds(emu, s, 'query-datasource', {
        datasource,
        query: { fields: [{ fieldCaption: 'id', function: 'COUNT' }] },
      })
      expect(count.json).toEqual({ data: [{ 'COUNT(id)': 3 }] })
      const picked = await vds(emu, s, 'query-datasource', {
        datasource,
        query: {
          fields: [
            { fieldCaption: 'id', sortDirection: 'ASC' },
            { fieldCaption: 'updated_at' },
            { fieldCaption: 'day' },
          ],
          filters: [{ filterType: 'SET', field: { fieldCaption: 'customer' }, values: ['b', 'big'] }],
        },
        options: { disaggregate: true },
      })
      expect(picked.json['data']).toEqual([
        { id: 2, updated_at: '2024-01-02T10:00:00.5Z', day: '2024-01-02' },
        { id: '9007199254740993', updated_at: null, day: null },
      ])
      const bad = await vds(emu, s, 'query-datasource', { datasource, query: { fields: [{ fieldCaption: 'nope' }] } })
      expect(bad.status).toBe(400)
      expect(bad.json['message']).toContain('nope')
    })
  })

  it('needs a session token, and answers 404 where the service is off', async () => {
    await withEmulator({}, async (emu, s, ds) => {
      const r = await vds(emu, { ...s, token: 'wrong' }, 'read-metadata', { datasource: { datasourceLuid: ds.id } })
      expect(r.status).toBe(401)
    })
    await withEmulator({ noVizqlDataService: true }, async (emu, s, ds) => {
      const r = await vds(emu, s, 'read-metadata', { datasource: { datasourceLuid: ds.id } })
      expect(r.status).toBe(404)
    })
  })
})

describe('personalities', () => {
  const insertPayload = async (s: Signed) =>
    upload(s, await readFile(await parquetOf(dir.path, `p${Math.random()}`, `SELECT 7::BIGINT AS id, 'n' AS customer`)))

  it('rejectParquetPayloads fails the job and changes nothing', async () => {
    await withEmulator({ rejectParquetPayloads: true }, async (emu, s, ds) => {
      const up = await insertPayload(s)
      const job = await run(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'x' }], { uploadSessionId: up })
      expect(job.finishCode).toBe('1')
      expect(await emu.query(`SELECT count(*)::INT AS n FROM "Orders"."Extract"."Extract"`)).toEqual([{ n: 3 }])
    })
  })

  it('dropOneRow loses one payload row while the job reports success', async () => {
    await withEmulator({ dropOneRow: true }, async (emu, s, ds) => {
      const up = await insertPayload(s)
      const job = await run(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'x' }], { uploadSessionId: up })
      expect(job.finishCode).toBe('0')
      expect(await emu.query(`SELECT count(*)::INT AS n FROM "Orders"."Extract"."Extract"`)).toEqual([{ n: 3 }])
    })
  })

  it('noOrOperator refuses the PATCH; constant spellings fail the job', async () => {
    const or = {
      op: 'or',
      args: [
        { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1' } },
        { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '2' } },
      ],
    }
    await withEmulator({ noOrOperator: true }, async (_emu, s, ds) => {
      const r = await patch(s, ds.id, [{ action: 'delete', ...T, condition: or }])
      expect(r.status).toBe(400)
    })
    const cases: [ServerPersonality, object][] = [
      [{ booleanSpelling: 'other' }, { op: 'eq', 'target-col': 'customer', const: { type: 'boolean', v: 'true' } }],
      [{ noDateStringConst: true }, { op: 'eq', 'target-col': 'day', const: { type: 'string', v: '2024-01-01' } }],
      [
        { noDatetimeFraction: true },
        { op: 'eq', 'target-col': 'updated_at', const: { type: 'datetime', v: '2024-01-02T10:00:00.5Z' } },
      ],
    ]
    for (const [personality, condition] of cases) {
      await withEmulator(personality, async (emu, s, ds) => {
        const job = await run(s, ds.id, [{ action: 'delete', ...T, condition }])
        expect(job.finishCode, JSON.stringify(personality)).toBe('1')
        expect(await emu.query(`SELECT count(*)::INT AS n FROM "Orders"."Extract"."Extract"`)).toEqual([{ n: 3 }])
      })
    }
  })

  it('requestIdScope datasource treats the same RequestID on two data sources as two requests', async () => {
    for (const scope of ['site', 'datasource'] as const) {
      await withEmulator({ requestIdScope: scope }, async (emu, s, ds) => {
        const other = await emu.createDatasource({ name: 'Other', table: orders, rows })
        const actions = [
          { action: 'delete', ...T, condition: { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1' } } },
        ]
        const a = await patch(s, ds.id, actions, { requestId: 'same-id' })
        await waitJob(s, a.xml.tsResponse.job['@id'])
        const b = await patch(s, other.id, actions, { requestId: 'same-id' })
        await waitJob(s, b.xml.tsResponse.job['@id'])
        expect(a.xml.tsResponse.job['@id'] === b.xml.tsResponse.job['@id'], scope).toBe(scope === 'site')
        const left = await emu.query(`SELECT count(*)::INT AS n FROM "Other"."Extract"."Extract"`)
        expect(left, scope).toEqual([{ n: scope === 'site' ? 3 : 2 }])
      })
    }
  })
})
