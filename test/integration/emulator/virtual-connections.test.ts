import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, type Signed, signIn, start, tempDir } from './helpers.js'

let emu: Emulator
let s: Signed
let projectId: string
let bobId: string
let groupId: string

const CONTENT = JSON.stringify({
  connections: [
    {
      id: 'c0ffee00-0000-4000-8000-000000000001',
      dbClass: 'postgres',
      server: 'db.dev',
      port: '5432',
      username: 'etl',
    },
  ],
  note: 'quotes " <tags> & \u00e9 \\n',
})
const xmlEscape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const xml = { 'content-type': 'application/xml' }
const json = { 'content-type': 'application/json', accept: 'application/json' }

function publishXml(
  name: string,
  content = CONTENT,
  query = 'publishAsDraft=false',
): Promise<Awaited<ReturnType<typeof call>>> {
  return call(`${s.base}/virtualconnections?${query}`, {
    method: 'POST',
    headers: { ...s.auth, ...xml },
    body: `<tsRequest><virtualConnection name="${name}"><project id="${projectId}"/><owner id="${s.userId}"/><content>${xmlEscape(content)}</content></virtualConnection></tsRequest>`,
  })
}

beforeAll(async () => {
  emu = await start({ groups: [{ name: 'Analysts', members: ['app-user'] }] })
  s = await signIn(emu)
  projectId = (await call(`${s.base}/projects`, { headers: s.auth })).xml.tsResponse.projects.project['@id']
  const users = (await call(`${s.base}/users?filter=name:eq:app-user`, { headers: s.auth })).xml.tsResponse.users
  bobId = users.user['@id']
  const groups = (await call(`${s.base}/groups?filter=name:eq:Analysts`, { headers: s.auth })).xml.tsResponse.groups
  groupId = groups.group['@id']
})
afterAll(() => emu.close())

describe('publish, download, revisions', () => {
  it('publishes (201), downloads the content exactly in XML and JSON, under both path spellings', async () => {
    const r = await publishXml('Batters')
    expect(r.status).toBe(201)
    const id = r.xml.tsResponse.virtualConnection['@id']
    expect(r.xml.tsResponse.virtualConnection.project['@id']).toBe(projectId)
    const x = await call(`${s.base}/virtualconnections/${id}`, { headers: s.auth })
    expect(x.xml.tsResponse.virtualConnection.content).toBe(CONTENT)
    const j = await call(`${s.base}/virtualConnections/${id}`, { headers: { ...s.auth, accept: 'application/json' } })
    expect(j.json.virtualConnection).toEqual({
      name: 'Batters',
      project: { id: projectId },
      owner: { id: s.userId },
      content: CONTENT,
    })
    // JSON publish of the JSON download, then download again: identical.
    const again = await call(`${s.base}/virtualConnections?publishAsDraft=false`, {
      method: 'POST',
      headers: { ...s.auth, ...json },
      body: JSON.stringify({ virtualConnection: { ...j.json.virtualConnection, name: 'Batters JSON' } }),
    })
    expect(again.status).toBe(201)
    const back = await call(`${s.base}/virtualconnections/${again.json.virtualConnection.id}`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(back.json.virtualConnection.content).toBe(CONTENT)
  })

  it('a name clash without overwrite is 409124; overwrite keeps the previous content as a revision', async () => {
    const first = await publishXml('Rev')
    const id = first.xml.tsResponse.virtualConnection['@id']
    expect((await publishXml('Rev')).xml.tsResponse.error['@code']).toBe('409124')
    const second = await publishXml('Rev', CONTENT.replace('db.dev', 'db2.dev'), 'overwrite=true&publishAsDraft=false')
    expect([second.status, second.xml.tsResponse.virtualConnection['@id']]).toEqual([201, id])
    const revs = await call(`${s.base}/virtualconnections/${id}/revisions`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(revs.json.pagination.totalAvailable).toBe('2')
    expect(
      revs.json.revisions.revision.map((r: { revisionNumber: string; current: string }) => [
        r.revisionNumber,
        r.current,
      ]),
    ).toEqual([
      ['1', 'false'],
      ['2', 'true'],
    ])
    expect(revs.json.revisions.revision[0].publisher.name).toBe('admin')
    const old = await call(`${s.base}/virtualconnections/${id}/revisions/1`, { headers: s.auth })
    expect(old.xml.tsResponse.virtualConnection.content).toBe(CONTENT)
    const active = await call(`${s.base}/virtualconnections/${id}/revisions/2`, { headers: s.auth })
    expect([active.status, active.xml.tsResponse.error['@code']]).toEqual([400, '400200'])
    const missing = await call(`${s.base}/virtualconnections/${id}/revisions/9`, { headers: s.auth })
    expect([missing.status, missing.xml.tsResponse.error['@code']]).toEqual([404, '404049'])
  })

  it('drafts (the default) get their own id, are downloadable and not listed', async () => {
    const r = await publishXml('Drafty', CONTENT, '')
    expect(r.status).toBe(201)
    const id = r.xml.tsResponse.virtualConnection['@id']
    expect((await call(`${s.base}/virtualconnections/${id}`, { headers: s.auth })).status).toBe(200)
    const list = await call(`${s.base}/virtualconnections?filter=name:eq:Drafty`, { headers: s.auth })
    expect(list.xml.tsResponse.pagination['@totalAvailable']).toBe('0')
  })

  it('bad publish bodies are 400201 and name the problem', async () => {
    const r = await call(`${s.base}/virtualconnections`, {
      method: 'POST',
      headers: { ...s.auth, ...xml },
      body: `<tsRequest><virtualConnection name="x"><project id="${projectId}"/><owner id="${s.userId}"/><content>not json</content></virtualConnection></tsRequest>`,
    })
    expect([r.status, r.xml.tsResponse.error['@code']]).toEqual([400, '400201'])
    expect(r.xml.tsResponse.error.detail).toMatch(/content/)
  })
})

describe('list, update, delete', () => {
  it('lists every page with filters and sort; page errors as documented', async () => {
    for (const n of ['L-b', 'L-a', 'L-c']) expect((await publishXml(n)).status).toBe(201)
    const p1 = await call(`${s.base}/virtualconnections?filter=name:in:[L-a,L-b,L-c]&sort=name:desc&pageSize=2`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(p1.json.pagination).toEqual({ pageNumber: '1', pageSize: '2', totalAvailable: '3' })
    expect(p1.json.virtualConnections.virtualConnection.map((v: { name: string }) => v.name)).toEqual(['L-c', 'L-b'])
    const v = p1.json.virtualConnections.virtualConnection[0]
    expect(Object.keys(v).sort()).toEqual([
      'createdAt',
      'hasExtracts',
      'id',
      'isCertified',
      'name',
      'updatedAt',
      'webpageUrl',
    ])
    const codes = async (q: string): Promise<[number, string]> => {
      const r = await call(`${s.base}/virtualconnections?${q}`, { headers: s.auth })
      return [r.status, r.xml.tsResponse.error['@code']]
    }
    expect(await codes('pageSize=0')).toEqual([400, '400007'])
    expect(await codes('pageSize=1001')).toEqual([403, '403014'])
    expect(await codes('pageNumber=x')).toEqual([400, '400006'])
    expect(await codes('pageNumber=99')).toEqual([400, '400006'])
    expect(await codes('filter=owner:eq:x')).toEqual([400, '400008'])
    const wrong = await call(`${s.base}/virtualconnections`, { method: 'PATCH', headers: s.auth })
    expect(wrong.status).toBe(405)
  })

  it('updates name, certification, project, owner; clashes are 409124, unknown ids 404049', async () => {
    const id = (await publishXml('Upd')).xml.tsResponse.virtualConnection['@id']
    await publishXml('Taken')
    const r = await call(`${s.base}/virtualconnections/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, ...json },
      body: JSON.stringify({
        virtualConnection: {
          name: 'Upd2',
          isCertified: 'true',
          certificationNote: 'Approved by Marketing',
          project: { id: projectId },
          owner: { id: bobId },
        },
      }),
    })
    expect(r.status).toBe(200)
    expect(r.json.virtualConnection).toMatchObject({
      id,
      name: 'Upd2',
      isCertified: 'true',
      owner: { id: bobId },
      project: { id: projectId },
    })
    const clash = await call(`${s.base}/virtualconnections/${id}`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: '<tsRequest><virtualConnection name="Taken"/></tsRequest>',
    })
    expect([clash.status, clash.xml.tsResponse.error['@code']]).toEqual([409, '409124'])
    const gone = await call(`${s.base}/virtualconnections/00000000-0000-4000-8000-000000000000`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: '<tsRequest><virtualConnection name="x"/></tsRequest>',
    })
    expect(gone.xml.tsResponse.error['@code']).toBe('404049')
  })

  it('deletes (204), then 404049', async () => {
    const id = (await publishXml('Del')).xml.tsResponse.virtualConnection['@id']
    const d = await call(`${s.base}/virtualconnections/${id}`, { method: 'DELETE', headers: s.auth })
    expect(d.status).toBe(204)
    const again = await call(`${s.base}/virtualconnections/${id}`, { method: 'DELETE', headers: s.auth })
    expect([again.status, again.xml.tsResponse.error['@code']]).toEqual([404, '404049'])
  })
})

describe('database connections, tags, permissions', () => {
  let id: string
  beforeAll(async () => {
    id = (await publishXml('Access')).xml.tsResponse.virtualConnection['@id']
  })

  it('lists database connections from the content and modifies server, port, user (password never echoed)', async () => {
    const l = await call(`${s.base}/virtualconnections/${id}/connections`, {
      headers: { ...s.auth, accept: 'application/json' },
    })
    expect(l.json.virtualConnectionConnections.connection).toEqual([
      {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        serverAddress: 'db.dev',
        dbClass: 'postgres',
        serverPort: '5432',
        userName: 'etl',
      },
    ])
    const m = await call(`${s.base}/virtualconnections/${id}/connections/c0ffee00-0000-4000-8000-000000000001/modify`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: '<tsRequest><connection serverAddress="db.prod" serverPort="6543" userName="svc" password="hunter2"/></tsRequest>',
    })
    expect(m.status).toBe(200)
    expect(m.text).not.toContain('hunter2')
    expect(m.xml.tsResponse.virtualConnectionConnections.connection['@serverAddress']).toBe('db.prod')
    const after = await call(`${s.base}/virtualconnections/${id}/connections`, { headers: s.auth })
    expect(after.xml.tsResponse.virtualConnectionConnections.connection['@serverPort']).toBe('6543')
  })

  it('adds tags (200, all tags), filters by tag, deletes one (204), 404007 for an absent tag', async () => {
    const a = await call(`${s.base}/virtualconnections/${id}/tags`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: '<tsRequest><tags><tag label="Office"/><tag label="finance"/></tags></tsRequest>',
    })
    expect(a.status).toBe(200)
    expect(a.xml.tsResponse.tags.tag.map((t: Record<string, string>) => t['@label'])).toEqual(['Office', 'finance'])
    const f = await call(`${s.base}/virtualconnections?filter=tags:eq:finance`, { headers: s.auth })
    expect(f.xml.tsResponse.virtualConnections.virtualConnection['@id']).toBe(id)
    expect(
      (await call(`${s.base}/virtualconnections/${id}/tags/Office`, { method: 'DELETE', headers: s.auth })).status,
    ).toBe(204)
    const again = await call(`${s.base}/virtualconnections/${id}/tags/Office`, { method: 'DELETE', headers: s.auth })
    expect([again.status, again.xml.tsResponse.error['@code']]).toEqual([404, '404007'])
    const noVc = await call(`${s.base}/virtualconnections/00000000-0000-4000-8000-000000000000/tags`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: '<tsRequest><tags><tag label="x"/></tags></tsRequest>',
    })
    expect(noVc.xml.tsResponse.error['@code']).toBe('404006')
  })

  it('adds, lists and deletes user and group permissions with the documented errors', async () => {
    const add = await call(`${s.base}/virtualconnections/${id}/permissions`, {
      method: 'PUT',
      headers: { ...s.auth, ...json },
      body: JSON.stringify({
        permissions: {
          granteeCapabilities: [
            {
              user: { id: bobId },
              capabilities: {
                capability: [
                  { name: 'read', mode: 'allow' },
                  { name: 'Connect', mode: 'Allow' },
                ],
              },
            },
            { group: { id: groupId }, capabilities: { capability: { name: 'Delete', mode: 'Deny' } } },
          ],
        },
      }),
    })
    expect(add.status).toBe(200)
    expect(add.json.permissions.virtualConnection).toEqual({ id, name: 'Access', owner: { id: s.userId } })
    expect(add.json.permissions.granteeCapabilities).toEqual([
      {
        user: { id: bobId },
        capabilities: {
          capability: [
            { name: 'Read', mode: 'Allow' },
            { name: 'Connect', mode: 'Allow' },
          ],
        },
      },
      { group: { id: groupId }, capabilities: { capability: [{ name: 'Delete', mode: 'Deny' }] } },
    ])
    const put = (body: string): Promise<Awaited<ReturnType<typeof call>>> =>
      call(`${s.base}/virtualconnections/${id}/permissions`, { method: 'PUT', headers: { ...s.auth, ...xml }, body })
    const grant = (who: string, cap: string, mode = 'Allow'): string =>
      `<tsRequest><permissions><granteeCapabilities>${who}<capabilities><capability name="${cap}" mode="${mode}"/></capabilities></granteeCapabilities></permissions></tsRequest>`
    expect((await put(grant(`<user id="${bobId}"/>`, 'Write'))).xml.tsResponse.error['@code']).toBe('400009')
    expect((await put(grant(`<user id="${bobId}"/>`, 'Fly'))).xml.tsResponse.error['@code']).toBe('404014')
    expect((await put(grant(`<user id="${bobId}"/>`, 'Read', 'Maybe'))).xml.tsResponse.error['@code']).toBe('404014')
    expect(
      (await put(grant('<user id="00000000-0000-4000-8000-000000000000"/>', 'Read'))).xml.tsResponse.error['@code'],
    ).toBe('404002')
    expect(
      (await put(grant('<group id="00000000-0000-4000-8000-000000000000"/>', 'Read'))).xml.tsResponse.error['@code'],
    ).toBe('404012')
    const list = await call(`${s.base}/virtualconnections/${id}/permissions`, { headers: s.auth })
    expect(list.xml.tsResponse.permissions.granteeCapabilities).toHaveLength(2)
    const del = (path: string): Promise<Awaited<ReturnType<typeof call>>> =>
      call(`${s.base}/virtualconnections/${id}/permissions/${path}`, { method: 'DELETE', headers: s.auth })
    expect((await del(`users/${bobId}/read/allow`)).status).toBe(204)
    expect((await del(`users/${bobId}/Read/Allow`)).xml.tsResponse.error['@code']).toBe('404013')
    expect((await del(`groups/${groupId}/Delete/Deny`)).status).toBe(204)
    const noVc = await call(`${s.base}/virtualconnections/00000000-0000-4000-8000-000000000000/permissions`, {
      headers: s.auth,
    })
    expect(noVc.xml.tsResponse.error['@code']).toBe('404004')
    const addNoVc = await call(`${s.base}/virtualconnections/00000000-0000-4000-8000-000000000000/permissions`, {
      method: 'PUT',
      headers: { ...s.auth, ...xml },
      body: grant(`<user id="${bobId}"/>`, 'Read'),
    })
    expect([addNoVc.status, addNoVc.xml.tsResponse.error['@code']]).toEqual([400, '409004'])
  })
})

describe('persistence', () => {
  it('content, revisions, connections, tags and permissions survive a restart', async () => {
    const data = await tempDir()
    try {
      const one = await start({ dataDir: data.path })
      const a = await signIn(one)
      const project = (await call(`${a.base}/projects`, { headers: a.auth })).xml.tsResponse.projects.project['@id']
      const body = (c: string): string =>
        `<tsRequest><virtualConnection name="P"><project id="${project}"/><owner id="${a.userId}"/><content>${xmlEscape(c)}</content></virtualConnection></tsRequest>`
      const post = (q: string, c: string): Promise<Awaited<ReturnType<typeof call>>> =>
        call(`${a.base}/virtualconnections?${q}`, { method: 'POST', headers: { ...a.auth, ...xml }, body: body(c) })
      const id = (await post('publishAsDraft=false', CONTENT)).xml.tsResponse.virtualConnection['@id']
      await post('publishAsDraft=false&overwrite=true', '{"v":2}')
      await call(`${a.base}/virtualconnections/${id}/tags`, {
        method: 'PUT',
        headers: { ...a.auth, ...xml },
        body: '<tsRequest><tags><tag label="kept"/></tags></tsRequest>',
      })
      await call(`${a.base}/virtualconnections/${id}/permissions`, {
        method: 'PUT',
        headers: { ...a.auth, ...xml },
        body: `<tsRequest><permissions><granteeCapabilities><user id="${a.userId}"/><capabilities><capability name="Read" mode="Allow"/></capabilities></granteeCapabilities></permissions></tsRequest>`,
      })
      await one.close()
      const two = await start({ dataDir: data.path })
      try {
        const b = await signIn(two)
        expect(
          (await call(`${b.base}/virtualconnections/${id}`, { headers: b.auth })).xml.tsResponse.virtualConnection
            .content,
        ).toBe('{"v":2}')
        expect(
          (await call(`${b.base}/virtualconnections/${id}/revisions/1`, { headers: b.auth })).xml.tsResponse
            .virtualConnection.content,
        ).toBe(CONTENT)
        expect(
          (await call(`${b.base}/virtualconnections?filter=tags:eq:kept`, { headers: b.auth })).xml.tsResponse
            .pagination['@totalAvailable'],
        ).toBe('1')
        const perms = await call(`${b.base}/virtualconnections/${id}/permissions`, { headers: b.auth })
        expect(perms.xml.tsResponse.permissions.granteeCapabilities.capabilities.capability['@name']).toBe('Read')
      } finally {
        await two.close()
      }
    } finally {
      await data.remove()
    }
  })
})
