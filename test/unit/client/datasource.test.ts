import { describe, expect, it } from 'vitest'
import { isHyperdeltaError } from '../../../src/index.js'
import { json, SITE, signedIn } from './helpers.js'

const ds = (id: string, name: string, project: string) => ({
  id,
  name,
  contentUrl: name.replace(/\W/g, ''),
  type: 'hyper',
  isCertified: 'false',
  project: { id: `p-${project}`, name: project },
  owner: { id: 'o1' },
  tags: {},
})
const page = (items: unknown[], total = items.length, n = 1) => ({
  pagination: { pageNumber: String(n), pageSize: '1000', totalAvailable: String(total) },
  datasources: { datasource: items },
})
const byName = (name: string, n = 1) =>
  `${SITE}/datasources?filter=name:eq:${encodeURIComponent(name)}&pageSize=1000&pageNumber=${n}`

describe('findDatasource', () => {
  it('finds by id', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/datasources/ds-1`, method: 'GET' })
      .reply(200, { datasource: ds('ds-1', 'Orders', 'Sales') }, json)
    await expect(client.findDatasource({ id: 'ds-1' })).resolves.toEqual({
      id: 'ds-1',
      name: 'Orders',
      contentUrl: 'Orders',
      type: 'hyper',
      isCertified: false,
      project: { id: 'p-Sales', name: 'Sales' },
      owner: { id: 'o1' },
      tags: [],
    })
  })

  it('maps a 404 by id to DATASOURCE_NOT_FOUND', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: `${SITE}/datasources/nope`, method: 'GET' })
      .reply(404, { error: { code: '404004', summary: 'Data source not found' } }, json)
    const error = await client.findDatasource({ id: 'nope' }).catch((e) => e)
    expect(isHyperdeltaError(error, 'DATASOURCE_NOT_FOUND')).toBe(true)
    expect(error.details).toMatchObject({ id: 'nope', tableauCode: '404004' })
  })

  it('finds by name with a name filter (a single object where an array is expected)', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: byName('World Indicators'), method: 'GET' })
      .reply(
        200,
        { pagination: { totalAvailable: '1' }, datasources: { datasource: ds('ds-2', 'World Indicators', 'Default') } },
        json,
      )
    await expect(client.findDatasource({ name: 'World Indicators' })).resolves.toMatchObject({ id: 'ds-2' })
  })

  it('asks for the project when several data sources share the name, and uses it', async () => {
    const { client, pool } = await signedIn()
    const both = page([ds('a', 'Orders', 'Sales'), ds('b', 'Orders', 'Finance')])
    pool
      .intercept({ path: byName('Orders'), method: 'GET' })
      .reply(200, both, json)
      .times(2)
    const error = await client.findDatasource({ name: 'Orders' }).catch((e) => e)
    expect(isHyperdeltaError(error, 'DATASOURCE_AMBIGUOUS')).toBe(true)
    expect(error.message).toContain('pass the project')
    expect(error.details.candidates).toEqual([
      { id: 'a', project: 'Sales' },
      { id: 'b', project: 'Finance' },
    ])
    await expect(client.findDatasource({ name: 'Orders', project: 'Finance' })).resolves.toMatchObject({ id: 'b' })
  })

  it('prefers the exact-case name over case-insensitive server matches', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: byName('orders'), method: 'GET' })
      .reply(200, page([ds('a', 'Orders', 'Sales'), ds('b', 'orders', 'Sales')]), json)
    await expect(client.findDatasource({ name: 'orders' })).resolves.toMatchObject({ id: 'b' })
  })

  it('reports DATASOURCE_NOT_FOUND for an empty collection ({})', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: byName('Ghost'), method: 'GET' })
      .reply(200, { pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '0' }, datasources: {} }, json)
    const error = await client.findDatasource({ name: 'Ghost', project: 'Sales' }).catch((e) => e)
    expect(isHyperdeltaError(error, 'DATASOURCE_NOT_FOUND')).toBe(true)
    expect(error.message).toBe('datasource: no data source named "Ghost" in project "Sales"')
  })

  it('lists every page without a filter when the name holds a comma or ampersand', async () => {
    const { client, pool } = await signedIn()
    const all = (n: number) => `${SITE}/datasources?pageSize=1000&pageNumber=${n}`
    pool.intercept({ path: all(1), method: 'GET' }).reply(200, page([ds('a', 'Other', 'X')], 2, 1), json)
    pool.intercept({ path: all(2), method: 'GET' }).reply(200, page([ds('b', 'Sales, EU & UK', 'X')], 2, 2), json)
    await expect(client.findDatasource({ name: 'Sales, EU & UK' })).resolves.toMatchObject({ id: 'b' })
  })
})

describe('connections', () => {
  const path = `${SITE}/datasources/ds-1/connections`
  const conns = (...ids: string[]) => ({
    connections: { connection: ids.map((id) => ({ id, type: 'hyper', serverAddress: '' })) },
  })

  it('lists connections (single object or array)', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path, method: 'GET' })
      .reply(200, { connections: { connection: { id: 'c1', type: 'hyper' } } }, json)
    await expect(client.listConnections('ds-1')).resolves.toEqual([{ id: 'c1', type: 'hyper' }])
  })

  it('resolves to undefined (use …/data) for a single connection', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path, method: 'GET' }).reply(200, conns('c1'), json)
    await expect(client.resolveConnection('ds-1')).resolves.toBeUndefined()
  })

  it('requires a connection id when there are several (like 403062)', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path, method: 'GET' }).reply(200, conns('c1', 'c2'), json).times(3)
    const error = await client.resolveConnection('ds-1').catch((e) => e)
    expect(isHyperdeltaError(error, 'CONNECTION_REQUIRED')).toBe(true)
    expect(error.details.connections).toEqual(['c1', 'c2'])
    await expect(client.resolveConnection('ds-1', 'c2')).resolves.toBe('c2')
    const missing = await client.resolveConnection('ds-1', 'c9').catch((e) => e)
    expect(isHyperdeltaError(missing, 'CONNECTION_NOT_FOUND')).toBe(true)
  })

  it('maps 404011 to DATASOURCE_NOT_FOUND', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path, method: 'GET' })
      .reply(404, { error: { code: '404011', summary: 'Data source not found' } }, json)
    expect((await client.listConnections('ds-1').catch((e) => e)).code).toBe('DATASOURCE_NOT_FOUND')
  })
})
