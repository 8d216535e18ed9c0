import { afterEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { xmlToJsonShape } from '../../../src/client/transport/xml-response.js'
import {
  dbConnectionResponseSchema,
  dbConnectionsResponseSchema,
  permissionsResponseSchema,
  publishedVirtualConnectionResponseSchema,
  revisionsResponseSchema,
  tagsResponseSchema,
  updatedVirtualConnectionResponseSchema,
  virtualConnectionsResponseSchema,
} from '../../../src/client/virtual-connections/schemas.js'
import { HyperdeltaError, type TableauClient } from '../../../src/index.js'
import { json, SITE, signedIn } from './helpers.js'

// Every Virtual Connections answer in its documented shape and in each shape real servers are known to send
// (docs/protocol.md §12); fixtures are re-typed, small, and assert every value.

const tsr = (inner: string) =>
  `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${inner}</tsResponse>`
const CID = '5a0c6b9e-1d2f-4e3a-8b7c-9d0e1f2a3b4c'
const VC = '0f1e2d3c-4b5a-4968-8776-655443322110'

function xml<S extends z.ZodType>(schema: S, body: string): z.output<S> {
  return schema.parse(xmlToJsonShape(tsr(body)))
}
/** The first issue as the transport reports it: `path: message`. */
function refusal(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value)
  expect(r.success).toBe(false)
  const issue = r.error!.issues[0]!
  return `${issue.path.join('.')}: ${issue.message}`
}

const PG = { id: CID, dbClass: 'postgres', serverAddress: 'db.internal', serverPort: '5432', userName: 'etl' }

describe('List Virtual Connection Database Connections', () => {
  const list = (attrs: string) =>
    xml(
      dbConnectionsResponseSchema,
      `<pagination pageNumber="1" pageSize="100" totalAvailable="1"/><virtualConnectionConnections><connection ${attrs}/></virtualConnectionConnections>`,
    )

  it('reads the documented attributes', () => {
    const r = list(`id="${CID}" dbClass="postgres" serverAddress="db.internal" serverPort="5432" userName="etl"`)
    expect(r).toEqual({
      pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 1 },
      virtualConnectionConnections: [PG],
    })
  })

  it('reads the lower-case `username` real servers send (server-client-python #1628) as userName', () => {
    const r = list(`id="${CID}" dbClass="postgres" serverAddress="db.internal" username="etl" serverPort="5432"`)
    expect(r.virtualConnectionConnections).toEqual([PG])
  })

  it('reads connectionId / server / port (server-client-python #1566) as id / serverAddress / serverPort', () => {
    const r = list(`connectionId="${CID}" dbClass="postgres" server="db.internal" username="etl" port="5432"`)
    expect(r.virtualConnectionConnections).toEqual([PG])
    const first = r.virtualConnectionConnections![0]!
    expect(Object.keys(first).sort()).toEqual(['dbClass', 'id', 'serverAddress', 'serverPort', 'userName'])
  })

  it('reads the JSON rendering with either spelling, and an empty user name', () => {
    const r = dbConnectionsResponseSchema.parse({
      virtualConnectionConnections: {
        connection: [
          { connectionId: CID, dbClass: 'postgres', server: 'db.internal', port: 5432, username: 'etl' },
          { id: 'c2', serverAddress: 'sf.example', userName: '' },
        ],
      },
    })
    expect(r.virtualConnectionConnections).toEqual([PG, { id: 'c2', serverAddress: 'sf.example', userName: '' }])
  })

  it('refuses a connection without a user name under any known spelling, naming it', () => {
    const v = xmlToJsonShape(
      tsr(
        `<virtualConnectionConnections><connection id="${CID}" serverAddress="h" user="etl"/></virtualConnectionConnections>`,
      ),
    )
    expect(refusal(dbConnectionsResponseSchema, v)).toBe(
      'virtualConnectionConnections.connection.0.userName: attribute "userName" (or username) is missing',
    )
  })

  it('refuses a connection without an id or a server, naming what was looked for', () => {
    expect(
      refusal(dbConnectionsResponseSchema, {
        virtualConnectionConnections: { connection: { serverAddress: 'h', userName: 'u' } },
      }),
    ).toBe('virtualConnectionConnections.connection.0.id: attribute "id" (or connectionId) is missing')
    expect(
      refusal(dbConnectionsResponseSchema, {
        virtualConnectionConnections: { connection: { id: CID, userName: 'u' } },
      }),
    ).toBe('virtualConnectionConnections.connection.0.serverAddress: attribute "serverAddress" (or server) is missing')
  })

  it('refuses a spelling that differs from a known one only by case (UserName), and disagreeing spellings', () => {
    expect(
      refusal(dbConnectionsResponseSchema, {
        virtualConnectionConnections: { connection: { id: CID, serverAddress: 'h', UserName: 'u' } },
      }),
    ).toBe(
      'virtualConnectionConnections.connection.0.UserName: attribute "UserName" is not a spelling we know (known: userName, username)',
    )
    expect(
      refusal(dbConnectionsResponseSchema, {
        virtualConnectionConnections: { connection: { id: CID, serverAddress: 'a', server: 'b', userName: 'u' } },
      }),
    ).toBe(
      'virtualConnectionConnections.connection.0.server: attributes "serverAddress" and "server" disagree (a vs b)',
    )
  })

  it('reads an empty collection as no connections', () => {
    expect(xml(dbConnectionsResponseSchema, '<virtualConnectionConnections/>').virtualConnectionConnections).toEqual([])
  })
})

describe('Update Virtual Connection Database Connections', () => {
  const ANSWER = { id: CID, serverAddress: 'db.prod', serverPort: '5433', userName: 'svc' }

  it('reads the documented wrapped answer and never keeps the echoed password', () => {
    const r = xml(
      dbConnectionResponseSchema,
      `<virtualConnectionConnections><connection id="${CID}" serverAddress="db.prod" serverPort="5433" userName="svc" password="p4ss"/></virtualConnectionConnections>`,
    )
    expect(r.virtualConnectionConnections.connection).toEqual([ANSWER])
  })

  it('reads a bare <connection> answer in full (server, port and user, not only the id)', () => {
    const r = xml(
      dbConnectionResponseSchema,
      `<connection id="${CID}" serverAddress="db.prod" serverPort="5433" userName="svc"/>`,
    )
    expect(r.virtualConnectionConnections.connection).toEqual([ANSWER])
    const real = xml(
      dbConnectionResponseSchema,
      `<connection connectionId="${CID}" server="db.prod" port="5433" username="svc"/>`,
    )
    expect(real.virtualConnectionConnections.connection).toEqual([ANSWER])
  })

  it('refuses an answer with no connection, an empty one, or two, naming the element', () => {
    expect(refusal(dbConnectionResponseSchema, xmlToJsonShape(tsr('')))).toBe(
      'virtualConnectionConnections: element "virtualConnectionConnections" (or a bare "connection") is missing',
    )
    expect(refusal(dbConnectionResponseSchema, xmlToJsonShape(tsr('<virtualConnectionConnections/>')))).toBe(
      'virtualConnectionConnections.connection: expected exactly one connection element',
    )
    const two = `<virtualConnectionConnections><connection id="a" serverAddress="h" userName="u"/><connection id="b" serverAddress="h" userName="u"/></virtualConnectionConnections>`
    expect(refusal(dbConnectionResponseSchema, xmlToJsonShape(tsr(two)))).toBe(
      'virtualConnectionConnections.connection: expected exactly one connection element',
    )
    expect(refusal(dbConnectionResponseSchema, xmlToJsonShape(tsr(`<connection id="${CID}"/>`)))).toBe(
      'virtualConnectionConnections.connection.0.serverAddress: attribute "serverAddress" (or server) is missing',
    )
  })
})

describe('the other Virtual Connections answers', () => {
  it('Update: reads the documented answer, and one without an id (the client fills in the id it updated)', () => {
    const doc = xml(
      updatedVirtualConnectionResponseSchema,
      `<virtualConnection id="${VC}" isCertified="true" name="Sales"><project id="p1"/><owner id="o1"/></virtualConnection>`,
    )
    expect(doc.virtualConnection).toEqual({
      id: VC,
      isCertified: true,
      name: 'Sales',
      project: { id: 'p1' },
      owner: { id: 'o1' },
    })
    const noId = xml(
      updatedVirtualConnectionResponseSchema,
      '<virtualConnection name="Sales" isCertified="false" certificationNote="n"><project id="p1"/><owner id="o1"/></virtualConnection>',
    )
    expect(noId.virtualConnection).toEqual({
      name: 'Sales',
      isCertified: false,
      certificationNote: 'n',
      project: { id: 'p1' },
      owner: { id: 'o1' },
    })
    expect(
      refusal(updatedVirtualConnectionResponseSchema, { virtualConnection: { id: VC, isCertified: 'yes' } }),
    ).toMatch(/^virtualConnection\.name: /)
    expect(
      refusal(updatedVirtualConnectionResponseSchema, { virtualConnection: { id: VC, name: 'x', isCertified: 'yes' } }),
    ).toBe('virtualConnection.isCertified: expected "true" or "false"')
  })

  it('Publish: reads the documented answer, and one without the id (the client then looks the id up by name)', () => {
    const ok = xml(
      publishedVirtualConnectionResponseSchema,
      `<virtualConnection id="${VC}" name="Sales"><project id="p1"/></virtualConnection>`,
    )
    expect(ok.virtualConnection).toEqual({ id: VC, name: 'Sales', project: { id: 'p1' } })
    const noId = xml(
      publishedVirtualConnectionResponseSchema,
      '<virtualConnection name="Sales"><project id="p1"/><owner id="o1"/><content>{}</content></virtualConnection>',
    )
    expect(noId.virtualConnection).toEqual({ name: 'Sales', project: { id: 'p1' }, owner: { id: 'o1' }, content: '{}' })
    expect(refusal(publishedVirtualConnectionResponseSchema, xmlToJsonShape(tsr('<virtualConnection/>')))).toMatch(
      /^virtualConnection\.name: /,
    )
  })

  it('List: flags as strings, and no pagination element', () => {
    const r = xml(
      virtualConnectionsResponseSchema,
      `<virtualConnections><virtualConnection id="${VC}" name="Sales" hasExtracts="false" isCertified="true" createdAt="2024-05-30T09:00:00Z"/></virtualConnections>`,
    )
    expect(r).toEqual({
      virtualConnections: [
        { id: VC, name: 'Sales', hasExtracts: false, isCertified: true, createdAt: '2024-05-30T09:00:00Z' },
      ],
    })
    expect(
      xml(
        virtualConnectionsResponseSchema,
        '<pagination pageNumber="1" pageSize="100" totalAvailable="0"/><virtualConnections/>',
      ),
    ).toEqual({
      pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 0 },
      virtualConnections: [],
    })
  })

  it('Revisions: `deleted` / `current` / publisher each absent on some revisions', () => {
    const r = xml(
      revisionsResponseSchema,
      '<pagination pageNumber="1" pageSize="100" totalAvailable="2"/><revisions><revision publishedAt="2016-07-27T20:34:56Z" revisionNumber="2" deleted="false"></revision><revision publishedAt="2016-07-28T20:34:56Z" revisionNumber="3" current="true"><publisher id="u1" name="Cassie"/></revision></revisions>',
    )
    expect(r.revisions).toEqual([
      { publishedAt: '2016-07-27T20:34:56Z', revisionNumber: 2, deleted: false },
      {
        publishedAt: '2016-07-28T20:34:56Z',
        revisionNumber: 3,
        current: true,
        publisher: { id: 'u1', name: 'Cassie' },
      },
    ])
  })

  it('Permissions: no parent element; a grantee set without a user or group is refused', () => {
    const r = xml(
      permissionsResponseSchema,
      `<permissions><virtualConnection id="${VC}" name="test"><owner id="o1"/></virtualConnection><granteeCapabilities><group id="g1"/><capabilities><capability name="Read" mode="Deny"/></capabilities></granteeCapabilities></permissions>`,
    )
    expect(r.permissions.parent).toBeUndefined()
    expect(r.permissions.granteeCapabilities).toEqual([
      { group: { id: 'g1' }, capabilities: [{ name: 'Read', mode: 'Deny' }] },
    ])
    const v = {
      permissions: { granteeCapabilities: { capabilities: { capability: { name: 'Read', mode: 'Allow' } } } },
    }
    expect(refusal(permissionsResponseSchema, v)).toBe(
      'permissions.granteeCapabilities.0: granteeCapabilities has neither a user nor a group element',
    )
  })

  it('Tags: an empty <tags/> (or JSON [], as the JSON samples of the pages show) is no tags', () => {
    expect(xml(tagsResponseSchema, '<tags/>').tags).toEqual([])
    expect(tagsResponseSchema.parse({ tags: [] }).tags).toEqual([])
    expect(
      dbConnectionsResponseSchema.parse({ virtualConnectionConnections: [] }).virtualConnectionConnections,
    ).toEqual([])
    expect(xml(tagsResponseSchema, '<tags><tag label="a"/></tags>').tags).toEqual([{ label: 'a' }])
  })
})

describe('the client over the wire (MockAgent)', () => {
  let client: TableauClient | undefined
  afterEach(async () => {
    await client?.close().catch(() => {})
    client = undefined
  })
  const XML = { headers: { 'content-type': 'application/xml' } }

  it('connections() and updateConnection() map the real variants to one result', async () => {
    const s = await signedIn()
    client = s.client
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}/connections?pageSize=100&pageNumber=1`, method: 'GET' })
      .reply(
        200,
        tsr(
          `<virtualConnectionConnections><connection connectionId="${CID}" dbClass="postgres" server="db.internal" username="etl" port="5432"/></virtualConnectionConnections>`,
        ),
        XML,
      )
    const seen = []
    for await (const c of client.virtualConnections.connections(VC)) seen.push(c)
    expect(seen).toEqual([PG])
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}/connections/${CID}/modify`, method: 'PUT' })
      .reply(200, tsr(`<connection id="${CID}" serverAddress="db.prod" serverPort="5433" userName="svc"/>`), XML)
    expect(await client.virtualConnections.updateConnection(VC, CID, { serverAddress: 'db.prod' })).toEqual({
      id: CID,
      serverAddress: 'db.prod',
      serverPort: '5433',
      userName: 'svc',
    })
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}`, method: 'PUT' })
      .reply(200, tsr('<virtualConnection name="Sales"><project id="p1"/><owner id="o1"/></virtualConnection>'), XML)
    expect(await client.virtualConnections.update(VC, { name: 'Sales' })).toMatchObject({
      id: VC,
      name: 'Sales',
      projectId: 'p1',
    })
  })

  it('an update answer of an unknown shape is RESPONSE_INVALID naming the element, not { id }', async () => {
    const s = await signedIn()
    client = s.client
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}/connections/${CID}/modify`, method: 'PUT' })
      .reply(200, { dbConnection: { id: CID } }, json)
    const e = await client.virtualConnections
      .inFormat('json')
      .updateConnection(VC, CID, { userName: 'u' })
      .catch((x) => x)
    expect(e).toBeInstanceOf(HyperdeltaError)
    expect(e.code).toBe('RESPONSE_INVALID')
    expect(e.message).toContain(
      'virtualConnectionConnections: element "virtualConnectionConnections" (or a bare "connection") is missing',
    )
  })

  it('a listing without pagination goes on to the next page until a short one (never cut short)', async () => {
    const s = await signedIn()
    client = s.client
    const conn = (i: number) => `<connection id="c${i}" serverAddress="h${i}" userName="u"/>`
    const page = (from: number, n: number) =>
      tsr(
        `<virtualConnectionConnections>${Array.from({ length: n }, (_, i) => conn(from + i)).join('')}</virtualConnectionConnections>`,
      )
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}/connections?pageSize=100&pageNumber=1`, method: 'GET' })
      .reply(200, page(0, 100), XML)
    s.pool
      .intercept({ path: `${SITE}/virtualconnections/${VC}/connections?pageSize=100&pageNumber=2`, method: 'GET' })
      .reply(200, page(100, 3), XML)
    const ids: string[] = []
    for await (const c of client.virtualConnections.connections(VC)) ids.push(c.id)
    expect(ids).toHaveLength(103)
    expect(ids.at(-1)).toBe('c102')
  })

  it('publish: an answer without the id is completed by one lookup by name; none or several is RESPONSE_INVALID', async () => {
    const s = await signedIn()
    client = s.client
    const PUB = `${SITE}/virtualconnections?overwrite=false&publishAsDraft=false`
    const LIST = `${SITE}/virtualconnections?pageSize=100&pageNumber=1&filter=name%3Aeq%3ASales`
    const noId = tsr(
      '<virtualConnection name="Sales"><project id="p1"/><owner id="o1"/><content>{}</content></virtualConnection>',
    )
    const listing = (...ids: string[]) =>
      tsr(
        `<pagination pageNumber="1" pageSize="100" totalAvailable="${ids.length}"/><virtualConnections>${ids.map((id) => `<virtualConnection id="${id}" name="Sales"/>`).join('')}</virtualConnections>`,
      )
    const publish = () => client!.virtualConnections.publish({ name: 'Sales', projectId: 'p1', content: '{}' })
    s.pool.intercept({ path: PUB, method: 'POST' }).reply(201, noId, XML)
    s.pool.intercept({ path: LIST, method: 'GET' }).reply(200, listing(VC), XML)
    expect(await publish()).toEqual({ id: VC, name: 'Sales', projectId: 'p1' })
    for (const ids of [[], [VC, 'other']]) {
      s.pool.intercept({ path: PUB, method: 'POST' }).reply(201, noId, XML)
      s.pool.intercept({ path: LIST, method: 'GET' }).reply(200, listing(...ids), XML)
      const e = await publish().catch((x) => x)
      expect(e).toBeInstanceOf(HyperdeltaError)
      expect(e.code).toBe('RESPONSE_INVALID')
      expect(e.message).toContain(
        `virtualConnection.id: the publish answer has no id, and ${ids.length === 0 ? 'no' : 2} virtual connections are named "Sales" on the site`,
      )
    }
  })
})
