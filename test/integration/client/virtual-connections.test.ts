import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import {
  apiPath,
  HyperdeltaError,
  promoteVirtualConnection,
  TableauClient,
  type VirtualConnectionFormat,
  type VirtualConnections,
} from '../../../src/index.js'

// The real client against the real emulator over loopback HTTP, every Virtual Connections method in both formats.
let dir: string
let emu: Emulator
let client: TableauClient
let prod: TableauClient
let projectId: string
let prodProjectId: string
let bobId: string
let groupId: string

// Content that bites: quotes, markup characters, CR LF, tabs, non-ASCII, an astral character, outer whitespace.
const CONTENT = ` ${JSON.stringify(
  {
    connections: [
      {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        dbClass: 'postgres',
        server: 'db.dev',
        port: 5432,
        username: 'etl',
      },
    ],
    policy: 'region = "EU" && amount < 10 > 2 \' & <![CDATA[x]]>',
    text: 'line\r\nbreak\ttab é 😀 \\ backslash',
  },
  null,
  2,
)}\r\n`

const named = (key: string, item: string) =>
  z.object({
    [key]: z.object({
      [item]: z.union([
        z.array(z.object({ id: z.string(), name: z.string() }).loose()),
        z.object({ id: z.string(), name: z.string() }).loose(),
      ]),
    }),
  })
async function idOf(c: TableauClient, key: string, item: string, name: string): Promise<string> {
  const r = (await c.request({
    label: key,
    method: 'GET',
    path: apiPath`/${key}?filter=${`name:eq:${name}`}`,
    expect: [200],
    schema: named(key, item),
  })) as Record<string, Record<string, unknown>>
  const v = r[key]![item] as { id: string } | { id: string }[]
  return Array.isArray(v) ? v[0]!.id : v.id
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function rejection(p: Promise<unknown>): Promise<HyperdeltaError> {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(e).toBeInstanceOf(HyperdeltaError)
  return e as HyperdeltaError
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-vconn-'))
  emu = await startEmulator({
    dataDir: join(dir, 'emu'),
    sites: ['', 'prod'],
    users: [
      { name: 'admin', password: 'pw-123' },
      { name: 'bob', password: 'pw-456' },
    ],
    groups: [{ name: 'Analysts', members: ['bob'] }],
  })
  client = await TableauClient.signIn({
    server: emu.url,
    site: '',
    auth: { password: { username: 'admin', password: 'pw-123' } },
  })
  prod = await TableauClient.signIn({
    server: emu.url,
    site: 'prod',
    auth: { password: { username: 'admin', password: 'pw-123' } },
  })
  projectId = await idOf(client, 'projects', 'project', 'Default')
  prodProjectId = await idOf(prod, 'projects', 'project', 'Default')
  bobId = await idOf(client, 'users', 'user', 'bob')
  groupId = await idOf(client, 'groups', 'group', 'Analysts')
})
afterAll(async () => {
  await client.close()
  await prod.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe.each(['xml', 'json'] as VirtualConnectionFormat[])('virtual connections in %s', (format) => {
  let vc: VirtualConnections
  let id: string
  beforeAll(async () => {
    vc = client.virtualConnections.inFormat(format)
    id = (await vc.publish({ name: `Batters ${format}`, projectId, content: CONTENT })).id
  })

  it('download → publish (overwrite) → download returns the content byte for byte', async () => {
    const first = await vc.download(id)
    expect(first).toEqual({ name: `Batters ${format}`, projectId, ownerId: client.userId, content: CONTENT })
    const again = await vc.publish({ name: first.name, projectId, content: first.content, overwrite: true })
    expect(again.id).toBe(id)
    expect((await vc.download(id)).content).toBe(CONTENT)
  })

  it('lists every page as an async iterator, with filter and sort', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await vc.publish({ name: `P-${format}-${n}`, projectId, content: '{}' })
    const names = (
      await all(
        vc.list({
          filter: [`name:in:[${['a', 'b', 'c', 'd', 'e'].map((n) => `P-${format}-${n}`).join(',')}]`],
          sort: ['name:desc'],
          pageSize: 2,
        }),
      )
    ).map((v) => v.name)
    expect(names).toEqual(['e', 'd', 'c', 'b', 'a'].map((n) => `P-${format}-${n}`))
    const one = (await all(vc.list({ filter: [`name:eq:Batters ${format}`] })))[0]!
    expect(one).toMatchObject({ id, isCertified: false, hasExtracts: false })
  })

  it('a name clash is NAME_CONFLICT; overwrites become revisions; the active one is not a revision', async () => {
    const e = await rejection(vc.publish({ name: `Batters ${format}`, projectId, content: CONTENT }))
    expect([e.code, (e.details as Record<string, unknown>)['tableauCode']]).toEqual(['NAME_CONFLICT', '409124'])
    await vc.publish({ name: `Batters ${format}`, projectId, content: '{"v":3}', overwrite: true })
    const revisions = await all(vc.revisions(id))
    expect(revisions.map((r) => [r.revisionNumber, r.current])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ])
    expect(revisions[0]!.publisher?.name).toBe('admin')
    expect((await vc.downloadRevision(id, 1)).content).toBe(CONTENT)
    expect((await rejection(vc.downloadRevision(id, 3))).code).toBe('OPERATION_FAILED')
    expect((await rejection(vc.downloadRevision(id, 9))).code).toBe('VIRTUAL_CONNECTION_NOT_FOUND')
  })

  it('updates name, certification, note, owner', async () => {
    const u = await vc.update(id, {
      name: `Renamed ${format}`,
      isCertified: true,
      certificationNote: 'Approved by "Marketing" & co',
      ownerId: bobId,
      projectId,
    })
    expect(u).toMatchObject({
      id,
      name: `Renamed ${format}`,
      isCertified: true,
      certificationNote: 'Approved by "Marketing" & co',
      ownerId: bobId,
      projectId,
    })
  })

  it('lists and updates database connections (server, port, credentials)', async () => {
    const draft = (await vc.publish({ name: `Conn ${format}`, projectId, content: CONTENT })).id
    const [c] = await all(vc.connections(draft))
    expect(c).toEqual({
      id: 'c0ffee00-0000-4000-8000-000000000001',
      dbClass: 'postgres',
      serverAddress: 'db.dev',
      serverPort: '5432',
      userName: 'etl',
    })
    const u = await vc.updateConnection(draft, c!.id, {
      serverAddress: 'db.prod',
      serverPort: 6543,
      userName: 'svc',
      password: 'never-shown',
    })
    expect(u).toMatchObject({ id: c!.id, serverAddress: 'db.prod', serverPort: '6543', userName: 'svc' })
    expect(JSON.stringify(u)).not.toContain('never-shown')
    expect((await all(vc.connections(draft)))[0]!.serverAddress).toBe('db.prod')
  })

  it('adds and deletes tags; an absent tag is TAG_NOT_FOUND', async () => {
    expect(await vc.addTags(id, ['Office', 'a b/c'])).toEqual(['Office', 'a b/c'])
    await vc.deleteTag(id, 'a b/c')
    expect((await rejection(vc.deleteTag(id, 'a b/c'))).code).toBe('TAG_NOT_FOUND')
    expect((await all(vc.list({ filter: ['tags:eq:Office'] }))).map((v) => v.id)).toContain(id)
  })

  it('adds, lists and deletes user and group permissions', async () => {
    const added = await vc.addPermissions(id, [
      { grantee: { type: 'user', id: bobId }, capabilities: { Read: 'Allow', Connect: 'Allow' } },
      { grantee: { type: 'group', id: groupId }, capabilities: { Delete: 'Deny', ChangePermissions: 'Deny' } },
    ])
    expect(added.grants).toEqual([
      { grantee: { type: 'user', id: bobId }, capabilities: { Read: 'Allow', Connect: 'Allow' } },
      { grantee: { type: 'group', id: groupId }, capabilities: { Delete: 'Deny', ChangePermissions: 'Deny' } },
    ])
    await vc.deletePermission(id, { type: 'user', id: bobId }, 'Read', 'Allow')
    await vc.deletePermission(id, { type: 'group', id: groupId }, 'Delete', 'Deny')
    const listed = await vc.listPermissions(id)
    expect(listed.virtualConnection?.id).toBe(id)
    expect(listed.grants).toEqual([
      { grantee: { type: 'user', id: bobId }, capabilities: { Connect: 'Allow' } },
      { grantee: { type: 'group', id: groupId }, capabilities: { ChangePermissions: 'Deny' } },
    ])
    expect((await rejection(vc.deletePermission(id, { type: 'user', id: bobId }, 'Read', 'Allow'))).code).toBe(
      'CAPABILITY_NOT_ASSIGNED',
    )
    const nobody = { type: 'user' as const, id: '00000000-0000-4000-8000-000000000000' }
    expect((await rejection(vc.addPermissions(id, [{ grantee: nobody, capabilities: { Read: 'Allow' } }]))).code).toBe(
      'USER_NOT_FOUND',
    )
    const bad = await rejection(vc.addPermissions(id, [{ grantee: nobody, capabilities: { Write: 'Allow' } as never }]))
    expect(bad.code).toBe('CONFIG_INVALID') // refused before sending
  })

  it('deletes; afterwards every call is VIRTUAL_CONNECTION_NOT_FOUND', async () => {
    const gone = (await vc.publish({ name: `Gone ${format}`, projectId, content: '{}' })).id
    await vc.delete(gone)
    for (const p of [
      vc.download(gone),
      vc.delete(gone),
      vc.listPermissions(gone),
      vc.addTags(gone, ['x']),
      all(vc.revisions(gone)),
    ]) {
      expect((await rejection(p)).code).toBe('VIRTUAL_CONNECTION_NOT_FOUND')
    }
  })
})

describe('across formats and sites', () => {
  it('an XML download publishes as JSON (and back) with no manual unescaping', async () => {
    const xml = client.virtualConnections
    const json = client.virtualConnections.inFormat('json')
    const id = (await xml.publish({ name: 'Cross', projectId, content: CONTENT })).id
    const fromXml = await xml.download(id)
    const viaJson = (await json.publish({ name: 'Cross 2', projectId, content: fromXml.content })).id
    expect((await json.download(viaJson)).content).toBe(CONTENT)
    expect((await xml.download(viaJson)).content).toBe(CONTENT)
  })

  it('promoteVirtualConnection copies the content to another site and rewrites the database connection', async () => {
    const id = (await client.virtualConnections.publish({ name: 'Promoted', projectId, content: CONTENT })).id
    const result = await promoteVirtualConnection({
      from: client,
      id,
      to: prod,
      projectId: prodProjectId,
      rewrite: (c) =>
        c.serverAddress === 'db.dev'
          ? { serverAddress: 'db.prod', serverPort: 5433, userName: 'svc', password: 'p' }
          : undefined,
    })
    expect(result.rewritten).toEqual([
      expect.objectContaining({ serverAddress: 'db.prod', serverPort: '5433', userName: 'svc' }),
    ])
    expect((await prod.virtualConnections.download(result.published.id)).content).toBe(CONTENT)
    expect((await all(prod.virtualConnections.connections(result.published.id)))[0]!.serverAddress).toBe('db.prod')
    // The source is untouched.
    expect((await all(client.virtualConnections.connections(id)))[0]!.serverAddress).toBe('db.dev')
  })
})

describe('through the transport', () => {
  it('a 503 on publish and a 429 on download are retried; the work happens once', async () => {
    const fast = await TableauClient.signIn({
      server: emu.url,
      site: '',
      auth: { password: { username: 'admin', password: 'pw-123' } },
      sleep: async () => {},
    })
    try {
      emu.faults.respondWith({ status: 503, route: 'publishVirtualConnection', times: 1 })
      emu.faults.respondWith({ status: 429, route: 'downloadVirtualConnection', times: 1, retryAfterSeconds: 1 })
      const { id } = await fast.virtualConnections.publish({ name: 'Flaky', projectId, content: CONTENT })
      expect((await fast.virtualConnections.download(id)).content).toBe(CONTENT)
      expect([emu.faults.counters.responses503, emu.faults.counters.responses429]).toEqual([1, 1])
      expect(await all(fast.virtualConnections.revisions(id))).toHaveLength(1)
    } finally {
      await fast.close()
    }
  })
})
