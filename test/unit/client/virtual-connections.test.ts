import type { MockPool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { HyperdeltaError, type TableauClient, type VirtualConnectionFormat } from '../../../src/index.js'
import { VIRTUAL_CONNECTION_ERROR_CODES } from '../../../src/wire.js'
import { json, SITE, signedIn } from './helpers.js'

// MockAgent: the exact bytes the client sends for the reference page's examples (golden bodies, both formats), the
// page's spelling of the path, and one typed error per documented error code.

const VC = '12ab34cd-56ef-78ab-90cd-12ef34ab56cd'
const PROJECT = '1f2f3e4e-5d6d-7c8c-9b0b-1a2a3f4f5e6e'
const OWNER = '9f9e9d9c-8b8a-8f8e-7d7c-7b7a6f6d6e6d'
const CONN = '26bc30d8-90d6-4af1-922d-ac285e7b08fb'
const CONTENT =
  '{"policyCollection":{"luid":"34ae5eb9-ceac-4158-86f1-a5d8163d5261","policies":[]},"revision":{"luid":"1b2e2aae-b904-4f5a-aa4d-9f114b8e5f57","revisableProperties":{}}}'
const BASE = `${SITE}/virtualconnections`

let client: TableauClient | undefined
afterEach(async () => {
  await client?.close().catch(() => {})
  client = undefined
})

interface Seen {
  body: string
  contentType: string | undefined
  accept: string | undefined
}

/** Signs in and intercepts one call; `seen` receives what the client sent. */
async function capture(method: string, path: string, status: number, reply: unknown, signOut = true) {
  const s = await signedIn()
  client = s.client
  const seen: Seen[] = []
  s.pool.intercept({ path, method }).reply(
    status,
    (opts) => {
      const h = opts.headers as Record<string, string>
      seen.push({
        body: String(opts.body ?? ''),
        contentType: h['Content-Type'] ?? h['content-type'],
        accept: h['Accept'] ?? h['accept'],
      })
      return reply as object
    },
    typeof reply === 'string' ? { headers: { 'content-type': 'application/xml' } } : json,
  )
  if (signOut) s.pool.intercept({ path: `/api/3.24/auth/signout`, method: 'POST' }).reply(204, '')
  return { client: s.client, seen, pool: s.pool as MockPool }
}

const PAGE_EXAMPLES: {
  name: string
  method: string
  path: string
  status: number
  reply: unknown
  call: (c: TableauClient, f: VirtualConnectionFormat) => Promise<unknown>
  xml: string
  json: string
}[] = [
  {
    name: 'Publish Virtual Connection',
    method: 'POST',
    path: `${BASE}?overwrite=true&publishAsDraft=false`,
    status: 201,
    reply: { virtualConnection: { id: VC, name: 'Batters', project: { id: PROJECT } } },
    call: (c, f) =>
      c.virtualConnections
        .inFormat(f)
        .publish({ name: 'Batters', projectId: PROJECT, ownerId: OWNER, content: CONTENT, overwrite: true }),
    xml: `<tsRequest><virtualConnection name="Batters"><project id="${PROJECT}"/><owner id="${OWNER}"/><content>${CONTENT}</content></virtualConnection></tsRequest>`,
    json: JSON.stringify({
      virtualConnection: { project: { id: PROJECT }, owner: { id: OWNER }, content: CONTENT, name: 'Batters' },
    }),
  },
  {
    name: 'Update Virtual Connection',
    method: 'PUT',
    path: `${BASE}/${VC}`,
    status: 200,
    reply: {
      virtualConnection: { id: VC, name: 'Batters', isCertified: true, project: { id: PROJECT }, owner: { id: OWNER } },
    },
    call: (c, f) =>
      c.virtualConnections.inFormat(f).update(VC, {
        name: 'Batters',
        isCertified: true,
        certificationNote: 'Approved by Marketing',
        projectId: PROJECT,
        ownerId: OWNER,
      }),
    xml: `<tsRequest><virtualConnection name="Batters" isCertified="true" certificationNote="Approved by Marketing"><project id="${PROJECT}"/><owner id="${OWNER}"/></virtualConnection></tsRequest>`,
    json: JSON.stringify({
      virtualConnection: {
        name: 'Batters',
        isCertified: true,
        certificationNote: 'Approved by Marketing',
        project: { id: PROJECT },
        owner: { id: OWNER },
      },
    }),
  },
  {
    name: 'Update Virtual Connection Database Connections',
    method: 'PUT',
    path: `${BASE}/${VC}/connections/${CONN}/modify`,
    status: 200,
    reply: {
      virtualConnectionConnections: {
        connection: { id: CONN, serverAddress: 'server-address', serverPort: '5432', userName: 'test' },
      },
    },
    call: (c, f) =>
      c.virtualConnections.inFormat(f).updateConnection(VC, CONN, {
        serverAddress: 'server-address',
        serverPort: 5432,
        userName: 'test',
        password: 'password',
      }),
    xml: '<tsRequest><connection serverAddress="server-address" serverPort="5432" userName="test" password="password"/></tsRequest>',
    json: JSON.stringify({
      connection: { serverAddress: 'server-address', serverPort: '5432', userName: 'test', password: 'password' },
    }),
  },
  {
    name: 'Add Tags to Virtual Connection',
    method: 'PUT',
    path: `${BASE}/${VC}/tags`,
    status: 200,
    reply: { tags: { tag: [{ label: 'Office' }] } },
    call: (c, f) => c.virtualConnections.inFormat(f).addTags(VC, ['Office']),
    xml: '<tsRequest><tags><tag label="Office"/></tags></tsRequest>',
    json: JSON.stringify({ tags: { tag: [{ label: 'Office' }] } }),
  },
  {
    name: 'Add Virtual Connection Permissions',
    method: 'PUT',
    path: `${BASE}/${VC}/permissions`,
    status: 200,
    reply: {
      permissions: { virtualConnection: { id: VC, name: 'Batters', owner: { id: OWNER } }, granteeCapabilities: [] },
    },
    call: (c, f) =>
      c.virtualConnections
        .inFormat(f)
        .addPermissions(VC, [{ grantee: { type: 'user', id: OWNER }, capabilities: { Read: 'Allow' } }]),
    xml: `<tsRequest><permissions><granteeCapabilities><user id="${OWNER}"/><capabilities><capability name="Read" mode="Allow"/></capabilities></granteeCapabilities></permissions></tsRequest>`,
    json: JSON.stringify({
      permissions: {
        granteeCapabilities: [{ user: { id: OWNER }, capabilities: { capability: [{ name: 'Read', mode: 'Allow' }] } }],
      },
    }),
  },
]

describe('golden request bodies of the reference examples', () => {
  for (const ex of PAGE_EXAMPLES) {
    for (const format of ['xml', 'json'] as const) {
      it(`${ex.name} (${format})`, async () => {
        const { client: c, seen } = await capture(ex.method, ex.path, ex.status, ex.reply)
        await ex.call(c, format)
        expect(seen).toHaveLength(1)
        expect(seen[0]!.body).toBe(format === 'xml' ? ex.xml : ex.json)
        const type = format === 'xml' ? 'application/xml' : 'application/json'
        expect([seen[0]!.contentType, seen[0]!.accept]).toEqual([type, type])
      })
    }
  }

  it('content is escaped once per format: markup in XML text, quotes in the JSON string', async () => {
    const content = '{"a":"<b> & \\"q\\""}\r\n'
    const { client: c, seen } = await capture('POST', `${BASE}?overwrite=false&publishAsDraft=false`, 201, {
      virtualConnection: { id: VC, name: 'x' },
    })
    await c.virtualConnections.publish({ name: 'x "y"', projectId: PROJECT, ownerId: OWNER, content })
    expect(seen[0]!.body).toBe(
      `<tsRequest><virtualConnection name="x &quot;y&quot;"><project id="${PROJECT}"/><owner id="${OWNER}"/><content>{"a":"&lt;b&gt; &amp; \\"q\\""}&#13;\n</content></virtualConnection></tsRequest>`,
    )
  })

  it('refuses content that is not JSON before sending (VCONN_CONTENT_INVALID, exit 3 in the CLI)', async () => {
    const s = await signedIn()
    client = s.client
    s.pool.intercept({ path: `/api/3.24/auth/signout`, method: 'POST' }).reply(204, '')
    const e = await s.client.virtualConnections
      .publish({ name: 'x', projectId: PROJECT, content: 'virtualconnection-as-json' })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(HyperdeltaError)
    expect([(e as HyperdeltaError).code, ((e as HyperdeltaError).details as Record<string, unknown>)['field']]).toEqual(
      ['VCONN_CONTENT_INVALID', 'content'],
    )
  })
})

describe('responses in the page shapes', () => {
  it('XML list with a single item, the page attributes, paging by totalAvailable', async () => {
    const xml = `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api"><pagination pageNumber="1" pageSize="100" totalAvailable="1"/><virtualConnections><virtualConnection createdAt="2024-05-30T09:00:00Z" hasExtracts="false" id="${VC}" isCertified="true" name="vconn" updatedAt="2024-06-18T09:00:00Z" webpageUrl="https://test/#/site/s/virtualconnections/3"/></virtualConnections></tsResponse>`
    const { client: c } = await capture('GET', `${BASE}?pageSize=100&pageNumber=1&filter=name%3Aeq%3Avconn`, 200, xml)
    const out = []
    for await (const v of c.virtualConnections.list({ filter: ['name:eq:vconn'] })) out.push(v)
    expect(out).toEqual([
      {
        id: VC,
        name: 'vconn',
        createdAt: '2024-05-30T09:00:00Z',
        updatedAt: '2024-06-18T09:00:00Z',
        hasExtracts: false,
        isCertified: true,
        webpageUrl: 'https://test/#/site/s/virtualconnections/3',
      },
    ])
  })

  it('a body that does not match the schema is RESPONSE_INVALID', async () => {
    const { client: c } = await capture('GET', `${BASE}/${VC}`, 200, {
      virtualConnection: { project: { id: PROJECT } },
    })
    const e = await c.virtualConnections.download(VC).catch((x: unknown) => x)
    expect((e as HyperdeltaError).code).toBe('RESPONSE_INVALID')
  })
})

// One row per documented (method, status, code) of the reference page.
const ERRORS: [string, number, string, (c: TableauClient) => Promise<unknown>, string, string][] = []
const add = (
  label: string,
  method: string,
  path: string,
  call: (c: TableauClient) => Promise<unknown>,
  codes: [number, string][],
) => {
  for (const [status, code] of codes) ERRORS.push([label, status, code, call, method, path])
}
const drain = async (it: AsyncIterable<unknown>) => {
  for await (const _ of it) {
  }
}
add('add tags', 'PUT', `${BASE}/${VC}/tags`, (c) => c.virtualConnections.addTags(VC, ['a']), [
  [400, '400000'],
  [400, '400049'],
  [403, '403004'],
  [404, '404000'],
  [404, '404006'],
  [405, '405000'],
])
add(
  'add permissions',
  'PUT',
  `${BASE}/${VC}/permissions`,
  (c) =>
    c.virtualConnections.addPermissions(VC, [
      { grantee: { type: 'group', id: OWNER }, capabilities: { Read: 'Deny' } },
    ]),
  [
    [400, '400000'],
    [400, '400009'],
    [403, '403004'],
    [404, '404000'],
    [404, '404002'],
    [404, '404012'],
    [404, '404013'],
    [404, '404014'],
    [405, '405000'],
    [400, '409004'],
  ],
)
add('delete tag', 'DELETE', `${BASE}/${VC}/tags/office`, (c) => c.virtualConnections.deleteTag(VC, 'office'), [
  [400, '400077'],
  [403, '403004'],
  [404, '404000'],
  [404, '404004'],
  [404, '404007'],
  [405, '405000'],
])
add('delete', 'DELETE', `${BASE}/${VC}`, (c) => c.virtualConnections.delete(VC), [
  [403, '403004'],
  [404, '404049'],
  [409, '409122'],
])
add(
  'delete permission',
  'DELETE',
  `${BASE}/${VC}/permissions/users/${OWNER}/Read/Allow`,
  (c) => c.virtualConnections.deletePermission(VC, { type: 'user', id: OWNER }, 'Read', 'Allow'),
  [
    [400, '400009'],
    [403, '403004'],
    [404, '404000'],
    [404, '404002'],
    [404, '404012'],
    [404, '404013'],
    [404, '404014'],
    [405, '405000'],
    [400, '409004'],
  ],
)
add('download', 'GET', `${BASE}/${VC}`, (c) => c.virtualConnections.download(VC), [
  [400, '400200'],
  [403, '403174'],
  [404, '404049'],
])
add('download revision', 'GET', `${BASE}/${VC}/revisions/2`, (c) => c.virtualConnections.downloadRevision(VC, 2), [
  [400, '400200'],
  [403, '403174'],
  [404, '404049'],
])
add(
  'revisions',
  'GET',
  `${BASE}/${VC}/revisions?pageSize=100&pageNumber=1`,
  (c) => drain(c.virtualConnections.revisions(VC)),
  [
    [400, '400058'],
    [403, '403054'],
    [403, '403173'],
    [403, '403053'],
    [404, '404049'],
  ],
)
add('list', 'GET', `${BASE}?pageSize=100&pageNumber=1`, (c) => drain(c.virtualConnections.list()), [
  [400, '400000'],
  [400, '400006'],
  [400, '400007'],
  [400, '400008'],
  [403, '403014'],
  [404, '404000'],
  [405, '405000'],
])
add(
  'connections',
  'GET',
  `${BASE}/${VC}/connections?pageSize=100&pageNumber=1`,
  (c) => drain(c.virtualConnections.connections(VC)),
  [
    [400, '400006'],
    [400, '400007'],
    [403, '403014'],
    [404, '404000'],
    [405, '405000'],
  ],
)
add(
  'publish',
  'POST',
  `${BASE}?overwrite=false&publishAsDraft=false`,
  (c) => c.virtualConnections.publish({ name: 'x', projectId: PROJECT, content: '{}' }),
  [
    [400, '400201'],
    [403, '403175'],
  ],
)
add('list permissions', 'GET', `${BASE}/${VC}/permissions`, (c) => c.virtualConnections.listPermissions(VC), [
  [404, '404000'],
  [404, '404004'],
  [405, '405000'],
])
add('update', 'PUT', `${BASE}/${VC}`, (c) => c.virtualConnections.update(VC, { name: 'x' }), [
  [400, '400203'],
  [403, '403004'],
  [403, '403176'],
  [403, '403177'],
  [403, '403178'],
  [404, '404049'],
  [409, '409124'],
])
add(
  'update connection',
  'PUT',
  `${BASE}/${VC}/connections/${CONN}/modify`,
  (c) => c.virtualConnections.updateConnection(VC, CONN, { userName: 'u' }),
  [
    [400, '400000'],
    [403, '403004'],
    [404, '404000'],
    [405, '405000'],
  ],
)

describe('typed errors: every documented code', () => {
  it.each(ERRORS)('%s: %i %s', async (_label, status, code, call, method, path) => {
    const { client: c } = await capture(method, path, status, { error: { summary: 'S', detail: 'D', code } })
    const e = await call(c).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(HyperdeltaError)
    expect((e as HyperdeltaError).code).toBe(VIRTUAL_CONNECTION_ERROR_CODES[code])
    expect((e as HyperdeltaError).details).toMatchObject({ tableauCode: code, status })
    expect((e as HyperdeltaError).message).toContain(code)
  })

  it('the codes are distinct where the page gives distinct meanings', () => {
    expect(VIRTUAL_CONNECTION_ERROR_CODES['409124']).toBe('VCONN_NAME_CONFLICT')
    expect(VIRTUAL_CONNECTION_ERROR_CODES['404007']).toBe('VCONN_TAG_NOT_FOUND')
    expect(VIRTUAL_CONNECTION_ERROR_CODES['404013']).toBe('VCONN_CAPABILITY_NOT_ASSIGNED')
    expect(new Set(['404004', '404006', '404049', '409004'].map((c) => VIRTUAL_CONNECTION_ERROR_CODES[c]))).toEqual(
      new Set(['VCONN_NOT_FOUND']),
    )
  })
})
