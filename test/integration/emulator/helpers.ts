import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { DuckDBInstance } from '@duckdb/node-api'
import { XMLParser } from 'fast-xml-parser'
import { request } from 'undici'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../src/emulator/index.js'
import { date, defineTable, float64, int64, text, timestamp } from '../../../src/index.js'

export const USERS = [
  { name: 'admin', password: 'pw', pat: { name: 'ci', secret: 's3cret' } },
  { name: 'app-user', connectedApp: { clientId: 'client-1', secretId: 'secret-1', secretValue: 'very-secret-value' } },
]

export const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    customer: text(),
    amount: float64({ nullable: true }),
    day: date({ nullable: true }),
    updated_at: timestamp({ nullable: true }),
  },
)

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'hd-emu-test-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

export async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ users: USERS, jobDelayMs: 5, ...options })
}

// biome-ignore lint/suspicious/noExplicitAny: parsed response documents are walked dynamically in assertions
type Doc = any

export interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  xml: Record<string, Doc>
  json: Record<string, Doc>
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false })

/** A plain undici request; the body is parsed as XML or JSON when possible. */
export async function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Readable } = {},
): Promise<Res> {
  const r = await request(url, {
    method: (o.method ?? 'GET') as 'GET',
    ...(o.headers !== undefined && { headers: o.headers }),
    ...(o.body !== undefined && { body: o.body }),
  })
  const text = await r.body.text()
  let xml: Record<string, Doc> = {}
  let json: Record<string, Doc> = {}
  if (text.startsWith('<?xml')) xml = parser.parse(text)
  else if (text.startsWith('{')) json = JSON.parse(text)
  return { status: r.statusCode, headers: r.headers, text, xml, json }
}

/**
 * A request whose target goes on the wire exactly as given (undici and `new URL` would fold `..` and `%2e%2e`):
 * for the emulator's handling of raw dot-segments and encoded slashes.
 */
export async function rawCall(
  origin: string,
  target: string,
  o: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path: target, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

export interface Signed {
  token: string
  siteId: string
  userId: string
  base: string
  auth: Record<string, string>
}

/** Signs in with a password over XML (no Content-Type, like TSC). */
export async function signIn(emu: Emulator, version = '3.24'): Promise<Signed> {
  const r = await call(`${emu.url}/api/${version}/auth/signin`, {
    method: 'POST',
    body: '<tsRequest><credentials name="admin" password="pw"><site contentUrl="" /></credentials></tsRequest>',
  })
  if (r.status !== 200) throw new Error(`signin failed ${r.status} ${r.text}`)
  const c = r.xml.tsResponse.credentials
  return {
    token: c['@token'],
    siteId: c.site['@id'],
    userId: c.user['@id'],
    base: `${emu.url}/api/${version}/sites/${c.site['@id']}`,
    auth: { 'x-tableau-auth': c['@token'] },
  }
}

/** TSC's exact multipart/mixed bytes (docs/protocol.md §6.2). */
export function tscMultipart(
  chunk: Buffer,
  boundary = randomBytes(16).toString('hex'),
): { body: Buffer; contentType: string } {
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="request_payload"; filename=""\r\nContent-Type: text/xml\r\n\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="tableau_file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    chunk,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { body, contentType: `multipart/mixed; boundary=${boundary}` }
}

export async function initiate(s: Signed): Promise<string> {
  const r = await call(`${s.base}/fileUploads`, { method: 'POST', headers: { ...s.auth, 'content-type': 'text/xml' } })
  if (r.status !== 201) throw new Error(`initiate ${r.status} ${r.text}`)
  return r.xml.tsResponse.fileUpload['@uploadSessionId']
}

/** Uploads a file in `parts` appends (TSC bytes) and returns the session id. */
export async function upload(s: Signed, data: Buffer, parts = 1): Promise<string> {
  const id = await initiate(s)
  const size = Math.ceil(data.length / parts)
  for (let i = 0; i < data.length; i += size) {
    const { body, contentType } = tscMultipart(data.subarray(i, i + size))
    const r = await call(`${s.base}/fileUploads/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, 'content-type': contentType },
      body,
    })
    if (r.status !== 200) throw new Error(`append ${r.status} ${r.text}`)
  }
  return id
}

let requestCounter = 0
export async function patch(
  s: Signed,
  dsId: string,
  actions: unknown,
  o: { uploadSessionId?: string; requestId?: string; path?: string; json?: boolean } = {},
): Promise<Res> {
  const q = o.uploadSessionId ? `?uploadSessionId=${o.uploadSessionId}` : ''
  return call(`${s.base}/datasources/${dsId}${o.path ?? '/data'}${q}`, {
    method: 'PATCH',
    headers: {
      ...s.auth,
      'content-type': 'application/json',
      requestid: o.requestId ?? `req-${process.pid}-${++requestCounter}-${Math.random()}`,
      ...(o.json && { accept: 'application/json' }),
    },
    body: typeof actions === 'string' ? actions : JSON.stringify({ actions }),
  })
}

/** Polls the job (XML) until completedAt is set; returns the job's attributes and notes. */
export async function waitJob(
  s: Signed,
  jobId: string,
): Promise<{ finishCode: string; notes: string | undefined; job: Doc }> {
  for (let i = 0; i < 2000; i++) {
    const r = await call(`${s.base}/jobs/${jobId}`, { headers: s.auth })
    const job = r.xml.tsResponse?.job
    if (job?.['@completedAt']) {
      return { finishCode: job['@finishCode'], notes: job.updateUploadedFileJob?.notes, job }
    }
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('job did not finish')
}

/** PATCH, expect 202, wait for the job. */
export async function run(
  s: Signed,
  dsId: string,
  actions: unknown,
  o: { uploadSessionId?: string } = {},
): Promise<{ finishCode: string; notes: string | undefined }> {
  const r = await patch(s, dsId, actions, o)
  if (r.status !== 202) throw new Error(`patch ${r.status} ${r.text}`)
  return waitJob(s, r.xml.tsResponse.job['@id'])
}

/** A Parquet file made by DuckDB from a SELECT. */
export async function parquetOf(dir: string, name: string, select: string): Promise<string> {
  const path = join(dir, `${name}.parquet`)
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  await c.run(`SET TimeZone='UTC'`)
  await c.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`)
  c.closeSync()
  db.closeSync()
  return path
}
