import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, initiate, orders, parquetOf, run, type Signed, signIn, start, tempDir, tscMultipart } from './helpers.js'

let emu: Emulator
let s: Signed
let dir: { path: string; remove(): Promise<void> }

beforeAll(async () => {
  dir = await tempDir()
  emu = await start()
  s = await signIn(emu)
})
afterAll(async () => {
  await emu.close()
  await dir.remove()
})

const B = 'b0undary'
/** The five variants of docs/protocol.md §6.2, each carrying `chunk` in its file part. */
const VARIANTS: Record<string, (chunk: string) => string> = {
  'docs form (no form-data;)': (c) =>
    `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n\r\n--${B}\r\nContent-Disposition: name="tableau_file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n${c}\r\n--${B}--\r\n`,
  'PS 5.x: reversed headers, unquoted names, no trailing CRLF': (c) =>
    `--${B}\r\nContent-Type: text/xml\r\nContent-Disposition: name=request_payload;\r\n\r\n\r\n--${B}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: name=tableau_file; filename="x.hyper"\r\n\r\n${c}\r\n--${B}--`,
  '.NET form-data relabelled mixed': (c) =>
    `--${B}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Disposition: form-data; name=request_payload\r\n\r\n\r\n--${B}\r\nContent-Disposition: form-data; name=tableau_file; filename=x.parquet; filename*=utf-8''x.parquet\r\n\r\n${c}\r\n--${B}--\r\n`,
  'preamble and epilogue': (c) =>
    `preamble\r\n--${B}\r\nContent-Disposition: name="request_payload"\r\n\r\n<tsRequest/>\r\n--${B}\r\nContent-Disposition: name="tableau_file"; filename="f"\r\n\r\n${c}\r\n--${B}--\r\nepilogue`,
}

describe('initiate', () => {
  it('201 with an uploadSessionId of the XSD shape and fileSize 0 (XML and JSON, any empty-body content type)', async () => {
    const id = await initiate(s)
    expect(id).toMatch(/^[0-9]+:[0-9a-f]+-[0-9]+:[0-9]+$/)
    const j = await call(`${s.base}/fileUploads`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/json', accept: 'application/json' },
    })
    expect(j.status).toBe(201)
    expect(j.json.fileUpload.fileSize).toBe('0')
    const none = await call(`${s.base}/fileUploads`, { method: 'POST', headers: s.auth })
    expect(none.status).toBe(201)
  })
})

describe('append', () => {
  it("accepts TSC's exact bytes with the id raw (colons) and %3A-encoded, and concatenates the chunks", async () => {
    const file = await readFile(
      await parquetOf(dir.path, 'tsc', "SELECT range AS id, 'c' || range AS customer FROM range(1000)"),
    )
    const ds = await emu.createDatasource({ name: 'Tsc', table: orders })
    const id = await initiate(s)
    const half = Math.floor(file.length / 2)
    for (const [i, chunk] of [file.subarray(0, half), file.subarray(half)].entries()) {
      const { body, contentType } = tscMultipart(chunk)
      const path = i === 0 ? id : encodeURIComponent(id)
      const r = await call(`${s.base}/fileUploads/${path}`, {
        method: 'PUT',
        headers: { 'x-tableau-auth': s.token, 'content-type': contentType, 'user-agent': 'Tableau Server Client/0.39' },
        body,
      })
      expect(r.status).toBe(200)
      expect(r.xml.tsResponse.fileUpload['@uploadSessionId']).toBe(id)
      expect(r.xml.tsResponse.fileUpload['@fileSize']).toBe('0')
    }
    const job = await run(s, ds.id, [{ action: 'insert', 'target-table': 'Extract', 'source-table': 'x' }], {
      uploadSessionId: id,
    })
    expect(job.finishCode).toBe('0')
    expect(await emu.query('SELECT count(*) AS n, sum(id) AS s FROM "Tsc"."Extract"."Extract"')).toEqual([
      { n: 1000n, s: 499500n },
    ])
  })
  for (const [name, make] of Object.entries(VARIANTS)) {
    it(`accepts the ${name} variant`, async () => {
      const id = await initiate(s)
      const r = await call(`${s.base}/fileUploads/${id}`, {
        method: 'PUT',
        headers: { ...s.auth, 'content-type': `multipart/mixed; boundary=${B}`, accept: 'application/json' },
        body: make('x'.repeat(3 * 2 ** 20)),
      })
      expect(r.status).toBe(200)
      expect(r.json.fileUpload).toEqual({ uploadSessionId: id, fileSize: '3' })
    })
  }
  it('streams a body larger than any single chunk (file part split across reads)', async () => {
    const id = await initiate(s)
    const big = Buffer.alloc(8 * 2 ** 20, 7)
    const { body, contentType } = tscMultipart(big)
    async function* slices() {
      for (let i = 0; i < body.length; i += 12_345) yield body.subarray(i, i + 12_345)
    }
    const r = await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': contentType },
      body: Readable.from(slices()),
    })
    expect(r.status).toBe(200)
    expect(r.xml.tsResponse.fileUpload['@fileSize']).toBe('8')
  })
  it('unknown session → 404015; malformed multipart → 400000 and the session is unchanged', async () => {
    const { body, contentType } = tscMultipart(Buffer.from('HELLO'))
    const r = await call(`${s.base}/fileUploads/1:abc-1:0`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': contentType },
      body,
    })
    expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([404, '404015'])
    const id = await initiate(s)
    const truncated = await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': contentType, accept: 'application/json' },
      body: body.subarray(0, body.length - 20),
    })
    expect([truncated.status, truncated.json.error.code]).toEqual([400, '400000'])
    const noBoundary = await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': 'text/xml' },
      body: 'x',
    })
    expect(noBoundary.status).toBe(400)
  })
})

describe('publish data source', () => {
  it('publishes a Parquet file in the multipart body (201, Extract.Extract), rejects a name clash without overwrite', async () => {
    const file = await readFile(await parquetOf(dir.path, 'pub', 'SELECT range AS id FROM range(5)'))
    const body = Buffer.concat([
      Buffer.from(
        `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n` +
          '<tsRequest><datasource name="Published"/></tsRequest>' +
          `\r\n--${B}\r\nContent-Disposition: name="tableau_datasource"; filename="data.parquet"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${B}--\r\n`),
    ])
    const post = () =>
      call(`${s.base}/datasources`, {
        method: 'POST',
        headers: { ...s.auth, 'content-type': `multipart/mixed; boundary=${B}` },
        body,
      })
    const r = await post()
    expect(r.status).toBe(201)
    expect(r.xml.tsResponse.datasource['@name']).toBe('Published')
    expect(r.headers['location']).toContain(r.xml.tsResponse.datasource['@id'])
    expect(await emu.query('SELECT count(*) AS n FROM "Published"."Extract"."Extract"')).toEqual([{ n: 5n }])
    const again = await post()
    expect([again.status, again.xml.tsResponse.error['@code']]).toEqual([403, '403007'])
  })
  it('commits an upload session with datasourceType=parquet; an unknown session → 404015', async () => {
    const file = await readFile(await parquetOf(dir.path, 'pub2', 'SELECT range AS id FROM range(7)'))
    const id = await initiate(s)
    const { body: chunk, contentType } = tscMultipart(file)
    await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': contentType },
      body: chunk,
    })
    const meta = `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n<tsRequest><datasource name="FromSession"/></tsRequest>\r\n--${B}--\r\n`
    const headers = { ...s.auth, 'content-type': `multipart/mixed; boundary=${B}`, accept: 'application/json' }
    const r = await call(`${s.base}/datasources?uploadSessionId=${id}&datasourceType=parquet`, {
      method: 'POST',
      headers,
      body: meta,
    })
    expect(r.status).toBe(201)
    expect(r.json.datasource.name).toBe('FromSession')
    expect(await emu.query('SELECT count(*) AS n FROM "FromSession"."Extract"."Extract"')).toEqual([{ n: 7n }])
    const missing = await call(`${s.base}/datasources?uploadSessionId=9:ff-1:0&datasourceType=parquet`, {
      method: 'POST',
      headers,
      body: meta,
    })
    expect(missing.json.error.code).toBe('404015')
    const noType = await call(`${s.base}/datasources?uploadSessionId=${id}`, { method: 'POST', headers, body: meta })
    expect(noType.json.error.code).toBe('400010')
  })
})
