import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispositionName } from '../../../src/client/datasources/download-name.js'
import { type DatasourceDetails, isHyperdeltaError, TableauClient } from '../../../src/index.js'
import { type DatasourceFixture, datasourceFixture, publishBody } from './datasource-fixture.js'
import { call, orders, parquetOf } from './helpers.js'

// Data source names as Tableau keeps them: unique per project (case-insensitively), stored exactly as sent,
// created once under concurrency, downloadable whatever their characters.
let fx: DatasourceFixture
let client: TableauClient
let defaultProject: string
let salesProject: string
let small: string
let large: string

const outcome = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
    return 'ok'
  } catch (e) {
    return isHyperdeltaError(e) ? e.code : `not a HyperdeltaError: ${String(e)}`
  }
}
const rowsIn = async (file: string) =>
  (await fx.emu.query(`SELECT count(*) AS n FROM read_parquet('${file}')`))[0]!['n']

async function signInClient(): Promise<TableauClient> {
  return TableauClient.signIn({
    server: fx.emu.url,
    auth: { password: { username: 'admin', password: 'pw' } },
    sleep: async () => {},
    retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 },
  })
}

beforeAll(async () => {
  fx = await datasourceFixture()
  // Projects have no REST create in the emulator: createDatasource makes "Sales".
  await fx.emu.createDatasource({ name: 'seed', project: 'Sales', table: orders, rows: [] })
  const projects = await call(`${fx.s.base}/projects`, { headers: { ...fx.s.auth, accept: 'application/json' } })
  const byName = new Map<string, string>(
    projects.json.projects.project.map((p: { id: string; name: string }) => [p.name, p.id]),
  )
  defaultProject = byName.get('Default')!
  salesProject = byName.get('Sales')!
  small = await parquetOf(fx.dir.path, 'small', 'SELECT range AS id FROM range(3)')
  large = await parquetOf(fx.dir.path, 'large', 'SELECT range AS id FROM range(50)')
  client = await signInClient()
}, 60_000)
afterAll(async () => {
  await client.close()
  await fx.close()
})

describe('names are unique per project, not per site', () => {
  it('the same name in two projects: create, overwrite and append touch only their own project; rename/move clash per project', async () => {
    const inDefault = await client.datasources.publish({ name: 'Orders', file: small, projectId: defaultProject })
    const inSales = await client.datasources.publish({ name: 'Orders', file: small, projectId: salesProject })
    expect(inSales.id).not.toBe(inDefault.id)
    expect([inDefault.project?.id, inSales.project?.id]).toEqual([defaultProject, salesProject])
    expect(inSales.contentUrl).not.toBe(inDefault.contentUrl)
    // Case-insensitive within a project, as the page says.
    expect(await outcome(client.datasources.publish({ name: 'ORDERS', file: small, projectId: salesProject }))).toBe(
      'NAME_CONFLICT',
    )

    const over = await client.datasources.publish({
      name: 'Orders',
      file: large,
      projectId: salesProject,
      mode: 'overwrite',
    })
    expect(over.id).toBe(inSales.id)
    await client.datasources.publish({ name: 'Orders', file: small, projectId: defaultProject, mode: 'append' })
    const d = await client.datasources.download(inDefault.id, { to: join(fx.dir.path, 'default.parquet') })
    const s = await client.datasources.download(inSales.id, { to: join(fx.dir.path, 'sales.parquet') })
    expect([await rowsIn(d.path), await rowsIn(s.path)]).toEqual([6n, 50n])
    expect((await client.datasources.get(inDefault.id)).project?.id).toBe(defaultProject)

    // Lookup by name sees both; the project picks one.
    expect(await outcome(client.findDatasource({ name: 'Orders' }))).toBe('DATASOURCE_AMBIGUOUS')
    expect((await client.findDatasource({ name: 'Orders', project: 'Sales' })).id).toBe(inSales.id)

    // Moving Sales' Orders into Default meets Default's Orders: 409015; under another name the move is fine.
    expect(await outcome(client.datasources.update(inSales.id, { projectId: defaultProject }))).toBe('NAME_CONFLICT')
    expect(await outcome(client.datasources.update(inSales.id, { name: 'orders ' }))).toBe('ok')
    expect(await outcome(client.datasources.update(inSales.id, { name: 'Orders' }))).toBe('ok')
    const other = await client.datasources.publish({ name: 'Other', file: small, projectId: defaultProject })
    expect(await outcome(client.datasources.update(other.id, { name: 'Orders', projectId: salesProject }))).toBe(
      'NAME_CONFLICT',
    )
    expect(await outcome(client.datasources.update(other.id, { projectId: salesProject }))).toBe('ok')

    // The programmatic create follows the same rule.
    await fx.emu.createDatasource({ name: 'orders', project: 'Third', table: orders, rows: [] })
    const again = await outcome(fx.emu.createDatasource({ name: 'orders', project: 'Sales', table: orders }))
    expect(again).toBe('EMULATOR_DATASOURCE_EXISTS')

    // Each keeps its own files across a restart.
    await client.close()
    await fx.restart()
    client = await signInClient()
    const d2 = await client.datasources.download(inDefault.id, { to: join(fx.dir.path, 'default-2.parquet') })
    const s2 = await client.datasources.download(inSales.id, { to: join(fx.dir.path, 'sales-2.parquet') })
    expect([await rowsIn(d2.path), await rowsIn(s2.path)]).toEqual([6n, 50n])
  }, 60_000)
})

describe('concurrent creates of one name', () => {
  it('N publishes at once: exactly one is created, the others are NAME_CONFLICT (no 500)', async () => {
    const n = 8
    const results = await Promise.all(
      Array.from({ length: n }, () => outcome(client.datasources.publish({ name: 'Burst', file: small }))),
    )
    expect(results.filter((r) => r === 'ok')).toHaveLength(1)
    expect(results.filter((r) => r === 'NAME_CONFLICT')).toHaveLength(n - 1)
    const found: DatasourceDetails[] = []
    for await (const d of client.datasources.queryAll({ filter: [{ field: 'name', operator: 'eq', value: 'Burst' }] }))
      found.push(d)
    expect(found).toHaveLength(1)
  }, 60_000)

  it('raw: case variants into one project race to one 201 and 403007s; two projects get one each', async () => {
    const bytes = await fx.parquet('race', 'SELECT 1 AS id')
    const body = (name: string, project: string) =>
      publishBody(`<tsRequest><datasource name="${name}"><project id="${project}"/></datasource></tsRequest>`, {
        name: 'r.parquet',
        bytes,
      })
    const sent = ['Race', 'RACE', 'race', 'Race', 'rAce', 'Race'].flatMap((name) => [
      fx.publish('', body(name, defaultProject), true),
      fx.publish('', body(name, salesProject), true),
    ])
    const replies = await Promise.all(sent)
    const codes = replies.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.json.error?.code}`))
    expect(codes.filter((c) => c === '201')).toHaveLength(2)
    expect(codes.filter((c) => c === '403 403007')).toHaveLength(sent.length - 2)
  }, 60_000)

  it('createDatasource racing REST publishes of the same name: one wins', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 3 }, () => outcome(fx.emu.createDatasource({ name: 'Mixed', table: orders }))),
      ...Array.from({ length: 3 }, () => outcome(client.datasources.publish({ name: 'mixed', file: small }))),
    ])
    expect(results.filter((r) => r === 'ok')).toHaveLength(1)
    expect(results.filter((r) => r === 'EMULATOR_DATASOURCE_EXISTS' || r === 'NAME_CONFLICT')).toHaveLength(5)
  }, 60_000)

  it('concurrent overwrites of one name all succeed onto one data source', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.datasources.publish({ name: 'Overwritten', file: small, mode: 'overwrite' }),
      ),
    )
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
  }, 60_000)
})

describe('names are stored exactly as sent', () => {
  const NAMES = [
    '  Spaced  ',
    ' ',
    'Quote "double" \'single\'',
    'Ünïcødé 名前 😀',
    'tab\there, new\nline, cr\rend',
    '&amp; <x> ; filename="evil"',
    '%41 100% \\back',
    'nul\u0000and\u0001control',
    'main',
  ]

  it.each(NAMES.filter((n) => n.trim() !== ''))(
    '%j round-trips through publish, get, find and download',
    async (name) => {
      const ds = await client.datasources.publish({ name, file: small })
      expect(ds.name).toBe(name)
      expect((await client.datasources.get(ds.id)).name).toBe(name)
      expect((await client.findDatasource({ name })).id).toBe(ds.id)
      const r = await call(`${fx.s.base}/datasources/${ds.id}/content`, { headers: fx.s.auth })
      expect(r.status).toBe(200)
      expect(dispositionName(r.headers['content-disposition'] as string)).toBe(`${name}.parquet`)
    },
  )

  it('a blank name is refused; XML attribute spaces and character references are kept by the emulator', async () => {
    expect(await outcome(client.datasources.publish({ name: ' ', file: small }))).toBe('CONFIG_INVALID')
    const bytes = await fx.parquet('xml', 'SELECT 1 AS id')
    const raw = await fx.publish(
      '',
      publishBody('<tsRequest>\n  <datasource name="  Raw &#10;name&#x9;  ">\n  </datasource>\n</tsRequest>', {
        name: 'x.parquet',
        bytes,
      }),
      true,
    )
    expect([raw.status, raw.json.datasource?.name]).toEqual([201, '  Raw \nname\t  '])
  })
})

describe('downloads of any name', () => {
  it('the Content-Disposition is ASCII with filename* for the exact name; plain names are unchanged', async () => {
    const unicode = await client.datasources.publish({ name: 'Ventes été 売上', file: small })
    const r = await call(`${fx.s.base}/datasources/${unicode.id}/content`, { headers: fx.s.auth })
    const header = r.headers['content-disposition'] as string
    expect(header).toBe(
      `name="tableau_datasource"; filename="Ventes _t_ __.parquet"; filename*=UTF-8''Ventes%20%C3%A9t%C3%A9%20%E5%A3%B2%E4%B8%8A.parquet`,
    )
    const got = await client.datasources.download(unicode.id, { to: fx.dir.path })
    expect(got.filename).toBe('Ventes été 売上.parquet')
    expect(await rowsIn(got.path)).toBe(3n)
    const plain = await client.datasources.publish({ name: 'Plain', file: small })
    const p = await call(`${fx.s.base}/datasources/${plain.id}/content`, { headers: fx.s.auth })
    expect(p.headers['content-disposition']).toBe('name="tableau_datasource"; filename="Plain.parquet"')
  })

  it('the client reads filename* whatever the charset case, with a language tag, before filename', () => {
    expect(dispositionName(`attachment; filename="a.tds"; filename*=utf-8'en'%E2%82%AC.tds`)).toBe('€.tds')
    expect(dispositionName(`filename*=UTF-8''x%20y.hyper; filename="x_y.hyper"`)).toBe('x y.hyper')
    expect(dispositionName('name="tableau_datasource"; filename="plain.tdsx"')).toBe('plain.tdsx')
  })
})

describe('virtual connection names follow the same rules', () => {
  const content = JSON.stringify({ connections: [] })
  it('per project, exactly as sent, one created under concurrency', async () => {
    const owner = client.userId!
    const publish = (name: string, projectId: string) =>
      client.virtualConnections.publish({ name, projectId, ownerId: owner, content })
    const a = await publish('  Shared vc  ', defaultProject)
    const b = await publish('  Shared vc  ', salesProject)
    expect(a.id).not.toBe(b.id)
    expect(a.name).toBe('  Shared vc  ')
    const listed = []
    for await (const v of client.virtualConnections.list()) if (v.id === a.id) listed.push(v.name)
    expect(listed).toEqual(['  Shared vc  '])
    const results = await Promise.all(Array.from({ length: 6 }, () => outcome(publish('VC burst', salesProject))))
    expect(results.filter((r) => r === 'ok')).toHaveLength(1)
    expect(results.filter((r) => r === 'NAME_CONFLICT')).toHaveLength(5)
  })
})
