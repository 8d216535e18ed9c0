import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DatasourcesApi } from '../../../src/client/datasources/datasources-api.js'
import { VirtualConnections } from '../../../src/client/virtual-connections/virtual-connections-api.js'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { apiPath, type DatasourceDetails, isHyperdeltaError, TableauClient } from '../../../src/index.js'
import {
  collapsible,
  HOSTILE_PATH_VALUES,
  REFUSED_PATH_VALUES,
  rawSegments,
} from '../../helpers/hostile-path-values.js'
import { type HoldingProxy, startHoldingProxy } from '../reliability/holding-proxy.js'

// Every public client method that puts a caller's value in a request path, each hostile value in each position,
// through a proxy that records the raw request lines, in front of the real emulator. A refused value is a typed
// PATH_SEGMENT_INVALID with no request sent; a kept one arrives as exactly one segment. The method list is checked
// against the classes' prototypes, so a new method must be added here (or declared free of path values).

let dir: string
let emu: Emulator
let proxy: HoldingProxy
let client: TableauClient
let victim: DatasourceDetails
let vconnId: string

const noWait = { sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 } }
const upsert = {
  actions: {
    actions: [
      {
        action: 'upsert' as const,
        'source-table': 'changes',
        'target-schema': 'Extract',
        'target-table': 'Extract',
        condition: { op: 'eq' as const, 'target-col': 'id', 'source-col': 'id' },
      },
    ],
  },
}

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) break
}

type Call = (c: TableauClient, v: string) => Promise<unknown>
const n = (v: string) => v as unknown as number
const ds = (c: TableauClient) => c.datasources
const vc = (c: TableauClient) => c.virtualConnections.inFormat('json')
const DS = () => victim.id
const VC = () => vconnId

/** Per public method: one call per position of a caller value in a request path. */
const METHODS: Record<string, readonly Call[] | 'no path value'> = {
  'datasources.query': 'no path value',
  'datasources.queryAll': 'no path value',
  'datasources.publish': 'no path value',
  // the id travels in the VizQL Data Service request body, not in a path
  'datasources.describe': 'no path value',
  'datasources.get': [(c, v) => ds(c).get(v)],
  'datasources.connections': [(c, v) => ds(c).connections(v)],
  'datasources.update': [(c, v) => ds(c).update(v, { description: 'x' })],
  'datasources.updateConnection': [
    (c, v) => ds(c).updateConnection(v, 'conn', { userName: 'u' }),
    (c, v) => ds(c).updateConnection(DS(), v, { userName: 'u' }),
  ],
  'datasources.refresh': [(c, v) => ds(c).refresh(v)],
  'datasources.download': [(c, v) => ds(c).download(v, { to: join(dir, 'dl.tdsx') })],
  'datasources.revisions': [(c, v) => ds(c).revisions(v)],
  'datasources.allRevisions': [(c, v) => drain(ds(c).allRevisions(v))],
  'datasources.downloadRevision': [(c, v) => ds(c).downloadRevision(v, 1, { to: join(dir, 'dl.tdsx') })],
  'datasources.removeRevision': [(c, v) => ds(c).removeRevision(v, 1)],
  'datasources.addTags': [(c, v) => ds(c).addTags(v, ['t'])],
  'datasources.deleteTag': [(c, v) => ds(c).deleteTag(v, 'keep'), (c, v) => ds(c).deleteTag(DS(), v)],
  'datasources.delete': [(c, v) => ds(c).delete(v)],
  'datasources.retrieveKeychain': [
    (c, v) => ds(c).retrieveKeychain(v, { siteUrlNamespace: 's', siteLuid: 'l', serverUrl: 'https://x' }),
  ],
  'datasources.applyKeychain': [(c, v) => ds(c).applyKeychain(v, { encryptedKeychains: ['k'] })],
  'virtualConnections.inFormat': 'no path value',
  'virtualConnections.list': 'no path value',
  'virtualConnections.publish': 'no path value',
  'virtualConnections.download': [(c, v) => vc(c).download(v)],
  'virtualConnections.revisions': [(c, v) => drain(vc(c).revisions(v))],
  'virtualConnections.downloadRevision': [(c, v) => vc(c).downloadRevision(v, 1)],
  'virtualConnections.update': [(c, v) => vc(c).update(v, { certificationNote: 'x' })],
  'virtualConnections.delete': [(c, v) => vc(c).delete(v)],
  'virtualConnections.connections': [(c, v) => drain(vc(c).connections(v))],
  'virtualConnections.updateConnection': [
    (c, v) => vc(c).updateConnection(v, 'conn', { userName: 'u' }),
    (c, v) => vc(c).updateConnection(VC(), v, { userName: 'u' }),
  ],
  'virtualConnections.addTags': [(c, v) => vc(c).addTags(v, ['t'])],
  'virtualConnections.deleteTag': [(c, v) => vc(c).deleteTag(v, 'keep'), (c, v) => vc(c).deleteTag(VC(), v)],
  'virtualConnections.addPermissions': [
    (c, v) => vc(c).addPermissions(v, [{ grantee: { type: 'user', id: 'u' }, capabilities: { Read: 'Allow' } }]),
  ],
  'virtualConnections.listPermissions': [(c, v) => vc(c).listPermissions(v)],
  'virtualConnections.deletePermission': [
    (c, v) => vc(c).deletePermission(v, { type: 'user', id: 'u' }, 'Read', 'Allow'),
    (c, v) => vc(c).deletePermission(VC(), { type: 'group', id: v }, 'Read', 'Allow'),
  ],
  'client.request': 'no path value',
  'client.virtualConnections': 'no path value',
  'client.findDatasource': [(c, v) => c.findDatasource({ id: v })],
  'client.listConnections': [(c, v) => c.listConnections(v)],
  // The connection id of resolveConnection is only compared with the listed ones, never sent.
  'client.resolveConnection': [(c, v) => c.resolveConnection(v)],
  'client.uploadFile': 'no path value',
  'client.updateData': [
    (c, v) => c.updateData({ datasource: v, uploadSessionId: 'u:1', requestId: 'r1', ...upsert }),
    (c, v) => c.updateData({ datasource: DS(), connection: v, uploadSessionId: 'u:1', requestId: 'r2', ...upsert }),
  ],
  'client.getJob': [(c, v) => c.getJob(v)],
  'client.waitForJob': [(c, v) => c.waitForJob(v, { timeoutMs: 1000 })],
  'client.cancelJob': [(c, v) => c.cancelJob(v)],
  'client.close': 'no path value',
  'client.toJSON': 'no path value',
  'client.toString': 'no path value',
}

/** Revision numbers are typed, but a JavaScript caller can pass anything: each gets the hostile strings too. */
const NUMBER_POSITIONS: Record<string, readonly Call[]> = {
  'datasources.downloadRevision': [(c, v) => ds(c).downloadRevision(DS(), n(v), { to: join(dir, 'dl.tdsx') })],
  'datasources.removeRevision': [(c, v) => ds(c).removeRevision(DS(), n(v))],
  'virtualConnections.downloadRevision': [(c, v) => vc(c).downloadRevision(VC(), n(v))],
}

function methodsOf(prefix: string, proto: object): string[] {
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== 'constructor')
    .map((name) => `${prefix}.${name}`)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-path-segments-'))
  emu = await startEmulator({ dataDir: join(dir, 'emu'), jobDelayMs: 5, users: [{ name: 'admin', password: 'pw' }] })
  proxy = await startHoldingProxy(emu.url)
  client = await TableauClient.signIn({
    server: proxy.url,
    auth: { password: { username: 'admin', password: 'pw' } },
    ...noWait,
  })
  const file = join(dir, 'victim.parquet')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(`COPY (SELECT range AS id FROM range(3)) TO '${file}' (FORMAT parquet)`)
  connection.closeSync()
  instance.closeSync()
  victim = await client.datasources.publish({ name: 'Victim', file })
  await client.datasources.addTags(victim.id, ['keep'])
  const projects = await client.request({
    label: 'projects',
    method: 'GET',
    path: apiPath`/projects`,
    expect: [200],
    schema: z.object({ projects: z.object({ project: z.array(z.object({ id: z.string() }).loose()) }) }),
  })
  const content = JSON.stringify({ connections: [{ id: 'conn', dbClass: 'postgres', server: 'db', port: 5432 }] })
  await writeFile(join(dir, 'content.json'), content)
  const published = await vc(client).publish({ name: 'VVictim', projectId: projects.projects.project[0]!.id, content })
  vconnId = published.id
  await vc(client).addTags(vconnId, ['keep'])
})
afterAll(async () => {
  await client.close()
  await proxy.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe('no caller value changes which resource a request goes to', () => {
  it('the table lists every public method of the client, client.datasources and client.virtualConnections', () => {
    const methods = [
      ...methodsOf('datasources', DatasourcesApi.prototype),
      ...methodsOf('virtualConnections', VirtualConnections.prototype),
      ...methodsOf('client', TableauClient.prototype),
    ]
    expect(Object.keys(METHODS).sort()).toEqual(methods.sort())
  })

  const calls = [
    ...Object.entries(METHODS).flatMap(([name, list]) =>
      list === 'no path value' ? [] : list.map((call, i) => ({ name: `${name} #${i + 1}`, call, numeric: false })),
    ),
    ...Object.entries(NUMBER_POSITIONS).flatMap(([name, list]) =>
      list.map((call, i) => ({ name: `${name} (number) #${i + 1}`, call, numeric: true })),
    ),
  ]

  it.each(calls)('$name: refused before sending, or sent inside its own segment', async ({ call, numeric }) => {
    for (const value of HOSTILE_PATH_VALUES) {
      const before = proxy.requests.length
      const error = await call(client, value).then(
        () => undefined,
        (e: unknown) => e,
      )
      const sent = proxy.requests.slice(before)
      const what = `${JSON.stringify(value)}: ${JSON.stringify(sent)} ${String(error)}`
      // A number position may refuse any non-integer as a bad revision, also before sending.
      const badNumber = numeric && isHyperdeltaError(error, 'CONFIG_INVALID')
      if ((REFUSED_PATH_VALUES as readonly string[]).includes(value) || badNumber) {
        expect(isHyperdeltaError(error, 'PATH_SEGMENT_INVALID') || badNumber, what).toBe(true)
        expect(sent, what).toEqual([])
        continue
      }
      expect(sent.flatMap((r) => rawSegments(r.url)).filter(collapsible), what).toEqual([])
      const decoded = sent.flatMap((r) => rawSegments(r.url).map((s) => decodeURIComponent(s)))
      expect(decoded, what).toContain(value)
    }
  })

  it('the data source and the virtual connection aimed at are still there, with their tags', async () => {
    expect((await client.datasources.get(victim.id)).tags).toContain('keep')
    expect((await vc(client).download(vconnId)).name).toBe('VVictim')
  })
})

describe('undici sends the path it is given', () => {
  let server: Server
  let origin: string
  const seen: string[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '')
      res.writeHead(204).end()
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())))

  it('every path apiPath builds arrives byte for byte', async () => {
    const values = [...HOSTILE_PATH_VALUES.filter((v) => !(REFUSED_PATH_VALUES as readonly string[]).includes(v))]
    for (const v of [...values, '%2e%2e', '123:456:789']) {
      let path: string
      try {
        path = apiPath`/api/3.24/sites/s/datasources/${v}/tags/${v}?uploadSessionId=${v}`
      } catch {
        continue // refused: never sent
      }
      seen.length = 0
      await (await request(origin + path, { method: 'DELETE' })).body.dump()
      expect(seen).toEqual([path])
    }
  })

  it('while a raw dot-segment would be folded into the parent by undici itself (why the client refuses it)', async () => {
    seen.length = 0
    for (const tail of ['..', '%2e%2E']) {
      await (await request(`${origin}/api/3.24/sites/s/datasources/d1/tags/${tail}`, { method: 'DELETE' })).body.dump()
    }
    expect(seen).toEqual(['/api/3.24/sites/s/datasources/d1/', '/api/3.24/sites/s/datasources/d1/'])
  })
})
