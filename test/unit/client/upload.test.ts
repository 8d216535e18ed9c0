import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isHyperdeltaError } from '../../../src/index.js'
import { jobBody, json, SITE, signedIn } from './helpers.js'

const SESSION = '7720:170fe6b1c1c7422dadff20f944d58a52-1:0'
const ENCODED = '7720%3A170fe6b1c1c7422dadff20f944d58a52-1%3A0'

interface Captured {
  path: string
  headers: Record<string, string>
  body: Buffer
}

async function collect(body: unknown): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

/** Splits a multipart body into parts: headers (as text) and raw content. Strict about CRLFs and the closing line. */
function parseMultipart(body: Buffer, boundary: string): { headers: string; content: Buffer }[] {
  const open = Buffer.from(`--${boundary}\r\n`)
  const close = Buffer.from(`\r\n--${boundary}--\r\n`)
  expect(body.subarray(0, open.length).equals(open)).toBe(true)
  expect(body.subarray(body.length - close.length).equals(close)).toBe(true)
  const inner = body.subarray(open.length, body.length - close.length)
  const sep = Buffer.from(`\r\n--${boundary}\r\n`)
  const parts: Buffer[] = []
  let rest = inner
  for (let i = rest.indexOf(sep); i >= 0; i = rest.indexOf(sep)) {
    parts.push(rest.subarray(0, i))
    rest = rest.subarray(i + sep.length)
  }
  parts.push(rest)
  return parts.map((p) => {
    const end = p.indexOf('\r\n\r\n')
    return { headers: p.subarray(0, end).toString('latin1'), content: p.subarray(end + 4) }
  })
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperdelta-client-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('uploadFile', () => {
  it('initiates, then appends parts as exact multipart/mixed bodies that reassemble the file', async () => {
    const file = join(dir, 'changes.parquet')
    // boundary-like text inside the data must not confuse anything
    const data = Buffer.concat([randomBytes(1200), Buffer.from('\r\n--not-the-boundary\r\n'), randomBytes(1300)])
    await writeFile(file, data)
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
      .reply(201, { fileUpload: { uploadSessionId: SESSION, fileSize: '0' } }, json)
    const captured: Captured[] = []
    pool
      .intercept({ path: `${SITE}/fileUploads/${ENCODED}`, method: 'PUT' })
      .reply(
        200,
        async (opts) => {
          captured.push({
            path: opts.path,
            headers: opts.headers as Record<string, string>,
            body: await collect(opts.body),
          })
          return { fileUpload: { uploadSessionId: SESSION, fileSize: '1' } }
        },
        json,
      )
      .times(3)
    const progress: unknown[] = []
    const result = await client.uploadFile(file, { partSizeBytes: 1000, onProgress: (p) => progress.push(p) })
    expect(result).toEqual({ uploadSessionId: SESSION, bytes: data.length })
    expect(captured).toHaveLength(3)
    const pieces: Buffer[] = []
    for (const c of captured) {
      const boundary = /^multipart\/mixed; boundary=([0-9a-f]{32})$/.exec(c.headers['Content-Type']!)?.[1]
      expect(boundary).toBeDefined()
      expect(Number(c.headers['Content-Length'])).toBe(c.body.length)
      const parts = parseMultipart(c.body, boundary!)
      expect(parts).toHaveLength(2)
      expect(parts[0]!.headers).toBe('Content-Disposition: name="request_payload"\r\nContent-Type: text/xml')
      expect(parts[0]!.content.length).toBe(0)
      expect(parts[1]!.headers).toBe(
        'Content-Disposition: name="tableau_file"; filename="changes.parquet"\r\nContent-Type: application/octet-stream',
      )
      pieces.push(parts[1]!.content)
    }
    expect(pieces.map((p) => p.length)).toEqual([1000, 1000, data.length - 2000])
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
    expect(progress).toEqual([
      { uploadedBytes: 1000, totalBytes: data.length, part: 1, parts: 3 },
      { uploadedBytes: 2000, totalBytes: data.length, part: 2, parts: 3 },
      { uploadedBytes: data.length, totalBytes: data.length, part: 3, parts: 3 },
    ])
  })

  it('retries a part the server refused (503) in the same session, with a fresh stream carrying the same bytes', async () => {
    const file = join(dir, 'c.parquet')
    const data = randomBytes(3000)
    await writeFile(file, data)
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
      .reply(201, { fileUpload: { uploadSessionId: SESSION } }, json)
    const bodies: Buffer[] = []
    const put = () => pool.intercept({ path: `${SITE}/fileUploads/${ENCODED}`, method: 'PUT' })
    const ok = async (opts: { body?: unknown }) => {
      bodies.push(await collect(opts.body))
      return { fileUpload: { uploadSessionId: SESSION, fileSize: '1' } }
    }
    put().reply(200, ok, json)
    put().reply(503, async (opts) => {
      bodies.push(await collect(opts.body))
      return 'Bad Gateway'
    })
    put().reply(200, ok, json)
    await client.uploadFile(file, { partSizeBytes: 2000 })
    expect(bodies).toHaveLength(3)
    expect(bodies[1]!.equals(bodies[2]!)).toBe(true)
    expect(bodies[2]!.includes(data.subarray(2000))).toBe(true)
  })

  it('restarts the whole upload in a new session when an append may have been stored (502), never appending twice', async () => {
    const file = join(dir, 'd.parquet')
    const data = randomBytes(3000)
    await writeFile(file, data)
    const { client, pool } = await signedIn()
    const sessions = ['1:aa-0:0', '2:bb-0:0']
    const appended = new Map<string, Buffer[]>(sessions.map((s) => [s, []]))
    for (const session of sessions) {
      pool
        .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
        .reply(201, { fileUpload: { uploadSessionId: session } }, json)
    }
    const put = (session: string) =>
      pool.intercept({ path: `${SITE}/fileUploads/${encodeURIComponent(session)}`, method: 'PUT' })
    const store = (session: string, status: number) => async (opts: { body?: unknown }) => {
      appended.get(session)!.push(await collect(opts.body))
      return status === 200 ? { fileUpload: { uploadSessionId: session, fileSize: '1' } } : 'Bad Gateway'
    }
    put(sessions[0]!).reply(200, store(sessions[0]!, 200), json)
    put(sessions[0]!).reply(502, store(sessions[0]!, 502))
    put(sessions[1]!).reply(200, store(sessions[1]!, 200), json).times(2)
    const result = await client.uploadFile(file, { partSizeBytes: 2000 })
    expect(result.uploadSessionId).toBe(sessions[1])
    expect(appended.get(sessions[0]!)).toHaveLength(2)
    const second = appended.get(sessions[1]!)!
    expect(second).toHaveLength(2)
    expect(second[0]!.includes(data.subarray(0, 2000))).toBe(true)
    expect(second[1]!.includes(data.subarray(2000))).toBe(true)
  })

  it('uploads an empty file as one empty part', async () => {
    const file = join(dir, 'empty.parquet')
    await writeFile(file, '')
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
      .reply(201, { fileUpload: { uploadSessionId: 'a:b-0:0' } }, json)
    let size = -1
    pool.intercept({ path: `${SITE}/fileUploads/a%3Ab-0%3A0`, method: 'PUT' }).reply(
      200,
      async (opts) => {
        size = (await collect(opts.body)).length
        return { fileUpload: { uploadSessionId: 'a:b-0:0' } }
      },
      json,
    )
    await expect(client.uploadFile(file)).resolves.toEqual({ uploadSessionId: 'a:b-0:0', bytes: 0 })
    expect(size).toBeGreaterThan(0)
  })

  it('an append to a session the server does not know (404015) is UPLOAD_SESSION_NOT_FOUND, resource upload', async () => {
    const file = join(dir, 'small.parquet')
    await writeFile(file, 'x')
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
      .reply(201, { fileUpload: { uploadSessionId: SESSION } }, json)
    pool
      .intercept({ path: `${SITE}/fileUploads/${ENCODED}`, method: 'PUT' })
      .reply(404, { error: { summary: 'File upload not found', detail: 'gone', code: '404015' } }, json)
    const error = await client.uploadFile(file).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'UPLOAD_SESSION_NOT_FOUND') && error.details).toMatchObject({
      resource: 'upload',
      endpoint: 'appendUpload',
      tableauCode: '404015',
      status: 404,
    })
  })

  it('refuses parts over 64 MiB and unreadable files before any request', async () => {
    const { client } = await signedIn()
    const big = await client.uploadFile(join(dir, 'x'), { partSizeBytes: 64 * 1024 * 1024 + 1 }).catch((e) => e)
    expect(isHyperdeltaError(big, 'CONFIG_INVALID')).toBe(true)
    const missing = await client.uploadFile(join(dir, 'missing.parquet')).catch((e) => e)
    expect(isHyperdeltaError(missing, 'UPLOAD_FILE_UNREADABLE')).toBe(true)
    expect(missing.message).toMatch(/^upload: /)
  })
})

describe('updateData', () => {
  it('uploads the payload, then PATCHes with the encoded uploadSessionId, RequestID and JSON actions', async () => {
    const file = join(dir, 'p.parquet')
    await writeFile(file, 'PAR1....PAR1')
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/fileUploads`, method: 'POST' })
      .reply(201, { fileUpload: { uploadSessionId: SESSION } }, json)
    pool.intercept({ path: `${SITE}/fileUploads/${ENCODED}`, method: 'PUT' }).reply(
      200,
      async (opts) => {
        await collect(opts.body)
        return { fileUpload: { uploadSessionId: SESSION, fileSize: '1' } }
      },
      json,
    )
    const seen: { headers: Record<string, string>; body: unknown }[] = []
    pool
      .intercept({
        path: `${SITE}/datasources/ds-1/connections/conn-1/data?uploadSessionId=${ENCODED}`,
        method: 'PATCH',
      })
      .reply(
        202,
        (opts) => {
          seen.push({ headers: opts.headers as Record<string, string>, body: JSON.parse(String(opts.body)) })
          return jobBody('job-1')
        },
        json,
      )
    const job = await client.updateData({
      datasource: 'ds-1',
      connection: 'conn-1',
      actions: {
        actions: [
          {
            action: 'insert',
            'source-schema': 'Extract',
            'source-table': 'changes',
            'target-schema': 'Extract',
            'target-table': 'Extract',
          },
        ],
      },
      payload: file,
      requestId: 'req-123',
    })
    expect(job).toMatchObject({ id: 'job-1', type: 'UpdateUploadedFile', mode: 'Asynchronous', progress: 0, notes: [] })
    expect(job.datasource).toEqual({ id: 'ds-1', name: 'Orders' })
    expect(job.connectionId).toBe('conn-1')
    expect(seen[0]!.headers).toMatchObject({
      RequestID: 'req-123',
      'Content-Type': 'application/json',
      Accept: 'application/json',
    })
    expect(seen[0]!.body).toEqual({
      actions: [
        {
          action: 'insert',
          'source-schema': 'Extract',
          'source-table': 'changes',
          'target-schema': 'Extract',
          'target-table': 'Extract',
        },
      ],
    })
  })

  it('sends no uploadSessionId without a payload and accepts 200 with a job-id body', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: `${SITE}/datasources/ds-1/data`, method: 'PATCH' }).reply(200, { 'job-id': 'job-2' }, json)
    const job = await client.updateData({
      datasource: 'ds-1',
      actions: {
        actions: [
          {
            action: 'delete',
            'target-table': 'Extract',
            condition: { op: 'lt', 'target-col': 'd', const: { type: 'datetime', v: '2024-01-01T00:00:00Z' } },
          },
        ],
      },
      requestId: 'r',
    })
    expect(job).toMatchObject({ id: 'job-2', type: 'UpdateUploadedFile', notes: [], statusNotes: [] })
  })

  it('passes an existing upload session through, percent-encoded', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/datasources/ds-1/data?uploadSessionId=${ENCODED}`, method: 'PATCH' })
      .reply(202, jobBody('job-3'), json)
    await expect(
      client.updateData({
        datasource: 'ds-1',
        actions: { actions: [{ action: 'replace', 'source-table': 's', 'target-table': 't' }] },
        uploadSessionId: SESSION,
        requestId: 'r',
      }),
    ).resolves.toMatchObject({ id: 'job-3' })
  })

  it('stops with ABORTED when the signal fires before or between attempts', async () => {
    const { client, pool } = await signedIn()
    const before = await client
      .updateData({
        datasource: 'ds-1',
        actions: { actions: [{ action: 'replace', 'source-table': 's', 'target-table': 't' }] },
        requestId: 'r',
        signal: AbortSignal.abort(),
      })
      .catch((e) => e)
    expect(isHyperdeltaError(before, 'ABORTED')).toBe(true)
    const controller = new AbortController()
    pool.intercept({ path: `${SITE}/fileUploads`, method: 'POST' }).reply(503, () => {
      controller.abort()
      return ''
    })
    const file = join(dir, 'a.parquet')
    await writeFile(file, 'x')
    const during = await client.uploadFile(file, { signal: controller.signal }).catch((e) => e)
    expect(isHyperdeltaError(during, 'ABORTED')).toBe(true)
  })

  it('validates the request before sending anything', async () => {
    const { client } = await signedIn()
    const base = {
      datasource: 'ds-1',
      actions: { actions: [{ action: 'replace' as const, 'source-table': 's', 'target-table': 't' }] },
      requestId: 'r',
    }
    const noId = await client.updateData({ ...base, requestId: ' ' }).catch((e) => e)
    expect(isHyperdeltaError(noId, 'CONFIG_INVALID')).toBe(true)
    const both = await client.updateData({ ...base, payload: 'x', uploadSessionId: 'y' }).catch((e) => e)
    expect(isHyperdeltaError(both, 'CONFIG_INVALID')).toBe(true)
    const wire = await client.updateData({ ...base, actions: { actions: [] } }).catch((e) => e)
    expect(isHyperdeltaError(wire, 'WIRE_INVALID')).toBe(true)
  })
})
