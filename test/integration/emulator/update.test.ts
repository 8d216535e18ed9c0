import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { orders, parquetOf, patch, run, type Signed, signIn, start, tempDir, upload, waitJob } from './helpers.js'

let emu: Emulator
let s: Signed
let dir: { path: string; remove(): Promise<void> }
let n = 0
let ds: { id: string; name: string }

const T = { 'target-schema': 'Extract', 'target-table': 'Extract' }
const onId = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
const rows = [
  { id: 1n, customer: 'a', amount: 1.5, day: '2024-01-01', updated_at: '2024-01-01T10:00:00Z' },
  { id: 2n, customer: 'b', amount: 2.5, day: '2024-01-02', updated_at: '2024-01-02T10:00:00Z' },
  { id: 3n, customer: 'c', amount: null, day: '2024-01-03', updated_at: '2024-01-03T10:00:00.123456Z' },
]

beforeAll(async () => {
  dir = await tempDir()
  emu = await start({ maxSizeInMb: 1 })
  s = await signIn(emu)
})
afterAll(async () => {
  await emu.close()
  await dir.remove()
})
beforeEach(async () => {
  ds = await emu.createDatasource({ name: `Orders${++n}`, table: orders, rows })
})

const table = () => `"${ds.name}"."Extract"."Extract"`
const ids = async () =>
  (await emu.query(`SELECT id, customer FROM ${table()} ORDER BY id`)).map((r) => [r['id'], r['customer']])
async function payload(select: string): Promise<string> {
  return upload(s, await readFile(await parquetOf(dir.path, `p${Math.random()}`, select)), 2)
}

describe('actions', () => {
  it('insert maps columns by name; missing target columns become NULL', async () => {
    const up = await payload(`SELECT 'z' AS customer, 10::BIGINT AS id`)
    const job = await run(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'changes' }], { uploadSessionId: up })
    expect(job.finishCode).toBe('0')
    const [row] = await emu.query(`SELECT id, customer, amount FROM ${table()} WHERE id = 10`)
    expect(row).toEqual({ id: 10n, customer: 'z', amount: null })
  })
  it('update touches name-matched columns only', async () => {
    const up = await payload(`SELECT 2::BIGINT AS id, 'B' AS customer`)
    const job = await run(s, ds.id, [{ action: 'update', ...T, 'source-table': 'u', condition: onId }], {
      uploadSessionId: up,
    })
    expect(job.finishCode).toBe('0')
    const [row] = await emu.query(`SELECT customer, amount FROM ${table()} WHERE id = 2`)
    expect(row).toEqual({ customer: 'B', amount: 2.5 })
  })
  it('upsert updates matched rows and inserts the rest', async () => {
    const up = await payload(`SELECT * FROM (VALUES (3::BIGINT, 'C'), (4::BIGINT, 'D')) v(id, customer)`)
    const job = await run(s, ds.id, [{ action: 'upsert', ...T, 'source-table': 'u', condition: onId }], {
      uploadSessionId: up,
    })
    expect(job.finishCode).toBe('0')
    expect(await ids()).toEqual([
      [1n, 'a'],
      [2n, 'b'],
      [3n, 'C'],
      [4n, 'D'],
    ])
  })
  it('replace swaps all rows when the schema matches, and fails the job when it does not', async () => {
    const good = await payload(
      `SELECT 9::BIGINT AS id, 'r' AS customer, 1.0::DOUBLE AS amount, DATE '2024-02-02' AS day, TIMESTAMPTZ '2024-02-02 00:00:00Z' AS updated_at`,
    )
    expect(
      (await run(s, ds.id, [{ action: 'replace', ...T, 'source-table': 'r' }], { uploadSessionId: good })).finishCode,
    ).toBe('0')
    expect(await ids()).toEqual([[9n, 'r']])
    const bad = await payload(`SELECT 5::BIGINT AS id, 'x' AS customer`)
    const job = await run(s, ds.id, [{ action: 'replace', ...T, 'source-table': 'r' }], { uploadSessionId: bad })
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('missing column(s) "amount"')
    expect(await ids()).toEqual([[9n, 'r']])
  })
  it('delete by const condition without a payload, and by a key-only source table', async () => {
    const byConst = await run(s, ds.id, [
      { action: 'delete', ...T, condition: { op: 'eq', 'target-col': 'customer', const: { type: 'string', v: 'a' } } },
    ])
    expect(byConst.finishCode).toBe('0')
    const up = await payload(`SELECT 2::BIGINT AS id`)
    expect(
      (
        await run(s, ds.id, [{ action: 'delete', ...T, 'source-table': 'gone', condition: onId }], {
          uploadSessionId: up,
        })
      ).finishCode,
    ).toBe('0')
    expect(await ids()).toEqual([[3n, 'c']])
  })
  it('a delete source holding columns its condition does not use fails the job', async () => {
    const up = await payload(`SELECT 2::BIGINT AS id, 'x' AS customer`)
    const job = await run(s, ds.id, [{ action: 'delete', ...T, 'source-table': 'gone', condition: onId }], {
      uploadSessionId: up,
    })
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('"customer"')
    expect((await ids()).length).toBe(3)
  })
})

describe('conditions', () => {
  const del = async (condition: object) => {
    const job = await run(s, ds.id, [{ action: 'delete', ...T, condition }])
    expect(job.finishCode).toBe('0')
    return (await ids()).map(([id]) => id)
  }
  it('datetime consts with offsets compare as instants (µs exact)', async () => {
    expect(
      await del({
        op: 'gt',
        'target-col': 'updated_at',
        const: { type: 'datetime', v: '2024-01-03T11:00:00.123455+01:00' },
      }),
    ).toEqual([1n, 2n])
  })
  it('a date column against string and datetime consts casts to date', async () => {
    expect(await del({ op: 'lte', 'target-col': 'day', const: { type: 'string', v: '2024-01-01' } })).toEqual([2n, 3n])
    expect(
      await del({ op: 'eq', 'target-col': 'day', const: { type: 'datetime', v: '2024-01-02T23:30:00-01:00' } }),
    ).toEqual([2n])
  })
  it('integer, double, and/or junctions', async () => {
    expect(
      await del({
        op: 'or',
        args: [
          { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1' } },
          {
            op: 'and',
            args: [
              { op: 'gte', 'target-col': 'amount', const: { type: 'double', v: '2.5' } },
              { op: 'lt', 'target-col': 'id', const: { type: 'integer', v: '3' } },
            ],
          },
        ],
      }),
    ).toEqual([3n])
  })
})

describe('job failures and atomicity', () => {
  it('all actions of one request are applied together or not at all', async () => {
    const up = await payload(`SELECT 7::BIGINT AS id, 'x' AS customer`)
    const job = await run(
      s,
      ds.id,
      [
        { action: 'delete', ...T, condition: { op: 'gte', 'target-col': 'id', const: { type: 'integer', v: '1' } } },
        { action: 'insert', ...T, 'source-table': 'c' },
        { action: 'insert', 'target-schema': 'Extract', 'target-table': 'NoSuchTable', 'source-table': 'c' },
      ],
      { uploadSessionId: up },
    )
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('NoSuchTable')
    expect(job.notes).toContain('errorCode=410012')
    expect((await ids()).length).toBe(3)
  })
  it('a missing column fails the job with a note naming it', async () => {
    const job = await run(s, ds.id, [
      {
        action: 'delete',
        ...T,
        condition: { op: 'eq', 'target-col': 'Region', const: { type: 'string', v: 'Europe' } },
      },
    ])
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('"Region"')
  })
  it('a source-table without a payload fails like 410012', async () => {
    const job = await run(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'changes' }])
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('changes')
  })
  it('update/upsert where one target row matches several source rows fails the job', async () => {
    for (const action of ['update', 'upsert']) {
      const up = await payload(`SELECT * FROM (VALUES (1::BIGINT, 'x'), (1::BIGINT, 'y')) v(id, customer)`)
      const job = await run(s, ds.id, [{ action, ...T, 'source-table': 'u', condition: onId }], { uploadSessionId: up })
      expect(job.finishCode).toBe('1')
      expect(job.notes).toContain('more than one source row')
    }
    expect(await ids()).toEqual([
      [1n, 'a'],
      [2n, 'b'],
      [3n, 'c'],
    ])
  })
  it('a .hyper payload fails the job with a clear note', async () => {
    const up = await upload(s, Buffer.concat([Buffer.from('Hyper'), Buffer.from([8, 0, 0, 0]), Buffer.alloc(100)]))
    const job = await run(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'Extract' }], { uploadSessionId: up })
    expect(job.finishCode).toBe('1')
    expect(job.notes).toContain('cannot read')
  })
})

describe('PATCH errors and limits', () => {
  const del = [
    { action: 'delete', ...T, condition: { op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1' } } },
  ]
  it('bad JSON → 400000, invalid parameters → 400008, missing RequestID → 400008 (JSON code as string)', async () => {
    expect((await patch(s, ds.id, '{"actions": [', { json: true })).json.error.code).toBe('400000')
    const bad = await patch(s, ds.id, [{ action: 'merge', ...T }])
    expect([bad.status, bad.xml.tsResponse.error['@code']]).toEqual([400, '400008'])
    const r = await fetch(`${s.base}/datasources/${ds.id}/data`, {
      method: 'PATCH',
      headers: { ...s.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ actions: del }),
    })
    expect(r.status).toBe(400)
    expect(await r.text()).toContain('code="400008"')
  })
  it('202 job XML with mode/type; the same RequestID returns the original job and applies nothing again', async () => {
    const up = await payload(`SELECT 50::BIGINT AS id, 'x' AS customer`)
    const action = [{ action: 'insert', ...T, 'source-table': 'c' }]
    const first = await patch(s, ds.id, action, { uploadSessionId: up, requestId: `dup-${ds.id}` })
    expect(first.status).toBe(202)
    const job = first.xml.tsResponse.job
    expect(job).toMatchObject({ '@mode': 'Asynchronous', '@type': 'UpdateUploadedFile' })
    expect(job.updateUploadedFileJob.datasource['@id']).toBe(ds.id)
    expect(first.headers['requestid']).toBe(`dup-${ds.id}`)
    await waitJob(s, job['@id'])
    const again = await patch(s, ds.id, action, { uploadSessionId: up, requestId: `dup-${ds.id}`, json: true })
    expect(again.status).toBe(202)
    expect(again.json.job.id).toBe(job['@id'])
    await new Promise((r) => setTimeout(r, 30))
    expect((await emu.query(`SELECT count(*) AS n FROM ${table()} WHERE id = 50`))[0]).toEqual({ n: 1n })
  })
  it('one update job per data source: a second PATCH while one is queued → 409094', async () => {
    emu.faults.slowJobs({ extraDelayMs: 60_000 })
    const first = await patch(s, ds.id, del)
    expect(first.status).toBe(202)
    const second = await patch(s, ds.id, del)
    expect([second.status, second.xml.tsResponse.error['@code']]).toEqual([409, '409094'])
    // cancel the slow one (queued → finishCode 2 at once)
    const jobId = first.xml.tsResponse.job['@id']
    const c = await fetch(`${s.base}/jobs/${jobId}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': 'text/xml' },
    })
    expect(c.status).toBe(200)
    expect((await waitJob(s, jobId)).finishCode).toBe('2')
    expect((await ids()).length).toBe(3)
  })
  it('several connections: /data → 403062, /connections/{cid}/data works, unknown cid → 404020', async () => {
    const multi = await emu.createDatasource({ name: `Multi${n}`, table: orders, rows, connections: 2 })
    const r = await patch(s, multi.id, del)
    expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([403, '403062'])
    const ok = await patch(s, multi.id, del, { path: `/connections/${multi.connectionIds[1]}/data` })
    expect(ok.status).toBe(202)
    expect(ok.xml.tsResponse.job.updateUploadedFileJob.connectionLuid).toBe(multi.connectionIds[1])
    expect((await waitJob(s, ok.xml.tsResponse.job['@id'])).finishCode).toBe('0')
    const bad = await patch(s, multi.id, del, { path: '/connections/nope/data' })
    expect(bad.xml.tsResponse.error['@code']).toBe('404020')
  })
  it('payload over maxSizeInMb → 413; unknown upload session → 404015; unknown data source → 404004', async () => {
    const big = await upload(s, Buffer.alloc(1_000_001, 1), 3)
    const r = await patch(s, ds.id, del, { uploadSessionId: big })
    expect(r.status).toBe(413)
    expect(r.xml.tsResponse.error['@code']).toBe('413000')
    const unknown = await patch(s, ds.id, del, { uploadSessionId: '1:abc-1:0' })
    expect([unknown.status, unknown.xml.tsResponse.error['@code']]).toEqual([404, '404015'])
    expect((await patch(s, 'nope', del)).xml.tsResponse.error['@code']).toBe('404004')
  })
  it('uploadSessionId may be %3A-encoded; Query Job renders JSON', async () => {
    const up = await payload(`SELECT 60::BIGINT AS id, 'e' AS customer`)
    const r = await patch(s, ds.id, [{ action: 'insert', ...T, 'source-table': 'c' }], {
      uploadSessionId: encodeURIComponent(up),
    })
    expect(r.status).toBe(202)
    const done = await waitJob(s, r.xml.tsResponse.job['@id'])
    expect(done.finishCode).toBe('0')
    const j = await fetch(`${s.base}/jobs/${r.xml.tsResponse.job['@id']}`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    const body = (await j.json()) as { job: Record<string, unknown> }
    expect(body.job).toMatchObject({ finishCode: '0', progress: '100', type: 'UpdateUploadedFile' })
    expect(typeof body.job['completedAt']).toBe('string')
    const unknown = await fetch(`${s.base}/jobs/nope`, { headers: s.auth })
    expect(unknown.status).toBe(404)
  })
})
