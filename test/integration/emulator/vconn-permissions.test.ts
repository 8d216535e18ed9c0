import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, type Res, start } from './helpers.js'

// Who may do what: the page's minimum site roles and capabilities, with the documented 403 codes.
let emu: Emulator
const S: Record<string, { base: string; auth: Record<string, string>; userId: string }> = {}
let projectId: string
let vcId: string
let groupId: string
const xml = { 'content-type': 'application/xml' }

async function signIn(name: string, password: string) {
  const r = await call(`${emu.url}/api/3.24/auth/signin`, {
    method: 'POST',
    body: `<tsRequest><credentials name="${name}" password="${password}"><site contentUrl="" /></credentials></tsRequest>`,
  })
  const c = r.xml.tsResponse.credentials
  return {
    base: `${emu.url}/api/3.24/sites/${c.site['@id']}`,
    auth: { 'x-tableau-auth': c['@token'] },
    userId: c.user['@id'],
  }
}
const publish = (who: string, query: string): Promise<Res> =>
  call(`${S[who]!.base}/virtualconnections?${query}`, {
    method: 'POST',
    headers: { ...S[who]!.auth, ...xml },
    body: `<tsRequest><virtualConnection name="Guarded"><project id="${projectId}"/><owner id="x"/><content>{}</content></virtualConnection></tsRequest>`,
  })
const grant = (who: string, grantee: string, cap: string, mode: string): Promise<Res> =>
  call(`${S[who]!.base}/virtualconnections/${vcId}/permissions`, {
    method: 'PUT',
    headers: { ...S[who]!.auth, ...xml },
    body: `<tsRequest><permissions><granteeCapabilities>${grantee}<capabilities><capability name="${cap}" mode="${mode}"/></capabilities></granteeCapabilities></permissions></tsRequest>`,
  })
const code = (r: Res): string | number => r.xml.tsResponse?.error?.['@code'] ?? r.status

beforeAll(async () => {
  emu = await start({
    users: [
      { name: 'admin', password: 'pw' },
      { name: 'dave', password: 'pw', siteRole: 'Creator' },
      { name: 'carol', password: 'pw', siteRole: 'Explorer' },
    ],
    groups: [{ name: 'Editors', members: ['dave'] }],
  })
  for (const n of ['admin', 'dave', 'carol']) S[n] = await signIn(n, 'pw')
  projectId = (await call(`${S['admin']!.base}/projects`, { headers: S['admin']!.auth })).xml.tsResponse.projects
    .project['@id']
  groupId = (await call(`${S['admin']!.base}/groups?filter=name:eq:Editors`, { headers: S['admin']!.auth })).xml
    .tsResponse.groups.group['@id']
  vcId = (await publish('admin', 'publishAsDraft=false')).xml.tsResponse.virtualConnection['@id']
})
afterAll(() => emu.close())

describe('virtual-connection permissions', () => {
  it('a Creator without grants is refused with each method’s documented code', async () => {
    const d = S['dave']!
    const vc = `${d.base}/virtualconnections/${vcId}`
    expect(code(await call(vc, { headers: d.auth }))).toBe('403174')
    expect(code(await call(`${vc}/revisions`, { headers: d.auth }))).toBe('403054')
    expect(code(await call(`${vc}/revisions/1`, { headers: d.auth }))).toBe('403174')
    expect(code(await call(vc, { method: 'DELETE', headers: d.auth }))).toBe('403004')
    expect(
      code(
        await call(vc, {
          method: 'PUT',
          headers: { ...d.auth, ...xml },
          body: '<tsRequest><virtualConnection name="x"/></tsRequest>',
        }),
      ),
    ).toBe('403004')
    expect(code(await publish('dave', 'publishAsDraft=false&overwrite=true'))).toBe('403175')
    expect(code(await grant('dave', `<user id="${d.userId}"/>`, 'Overwrite', 'Allow'))).toBe('403004')
  })

  it('a group grant gives the capability; a user Deny wins over it', async () => {
    const d = S['dave']!
    expect((await grant('admin', `<group id="${groupId}"/>`, 'Overwrite', 'Allow')).status).toBe(200)
    expect((await call(`${d.base}/virtualconnections/${vcId}`, { headers: d.auth })).status).toBe(200)
    expect((await publish('dave', 'publishAsDraft=false&overwrite=true')).status).toBe(201)
    const move = await call(`${d.base}/virtualconnections/${vcId}`, {
      method: 'PUT',
      headers: { ...d.auth, ...xml },
      body: `<tsRequest><virtualConnection><owner id="${d.userId}"/></virtualConnection></tsRequest>`,
    })
    expect(code(move)).toBe('403176') // only administrators change the owner
    expect((await grant('admin', `<user id="${d.userId}"/>`, 'Overwrite', 'Deny')).status).toBe(200)
    expect(code(await call(`${d.base}/virtualconnections/${vcId}`, { headers: d.auth }))).toBe('403174')
  })

  it('an Explorer cannot publish or list revisions, and tags only with Read', async () => {
    const c = S['carol']!
    expect(code(await publish('carol', 'publishAsDraft=false'))).toBe('403175')
    expect(code(await call(`${c.base}/virtualconnections/${vcId}/revisions`, { headers: c.auth }))).toBe('403173')
    const tag = (): Promise<Res> =>
      call(`${c.base}/virtualconnections/${vcId}/tags`, {
        method: 'PUT',
        headers: { ...c.auth, ...xml },
        body: '<tsRequest><tags><tag label="t"/></tags></tsRequest>',
      })
    expect(code(await tag())).toBe('403004')
    expect((await grant('admin', `<user id="${c.userId}"/>`, 'Read', 'Allow')).status).toBe(200)
    expect((await tag()).status).toBe(200)
    const list = await call(`${c.base}/virtualconnections`, { headers: c.auth })
    expect(list.xml.tsResponse.pagination['@totalAvailable']).toBe('1') // everyone may list
  })
})
