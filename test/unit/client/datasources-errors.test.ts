import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHyperdeltaError, type TableauClient } from '../../../src/index.js'
import { DOCUMENTED_ERRORS } from '../../../src/wire.js'
import { json, SITE, signedIn } from './helpers.js'

// Every error code the Data Sources page documents, per method, becomes its typed code (MockAgent answers it).
let file: string
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'hd-ds-err-')), 'x.parquet')
  await writeFile(file, 'PAR1-not-really-PAR1')
})
afterAll(() => rm(dirname(file), { recursive: true, force: true }))

type Method = keyof typeof DOCUMENTED_ERRORS
const destination = { siteUrlNamespace: 's', siteLuid: 'l', serverUrl: 'https://x' }
const CALLS: Record<Method, { http: string; run: (c: TableauClient) => Promise<unknown> }> = {
  addTags: { http: 'PUT', run: (c) => c.datasources.addTags('ds', ['a']) },
  delete: { http: 'DELETE', run: (c) => c.datasources.delete('ds') },
  deleteTag: { http: 'DELETE', run: (c) => c.datasources.deleteTag('ds', 'a') },
  download: { http: 'GET', run: (c) => c.datasources.download('ds', { to: join(tmpdir(), 'never') }) },
  retrieveKeychain: { http: 'POST', run: (c) => c.datasources.retrieveKeychain('ds', destination) },
  downloadRevision: {
    http: 'GET',
    run: (c) => c.datasources.downloadRevision('ds', 1, { to: join(tmpdir(), 'never') }),
  },
  revisions: { http: 'GET', run: (c) => c.datasources.revisions('ds') },
  publish: { http: 'POST', run: (c) => c.datasources.publish({ name: 'X', file }) },
  get: { http: 'GET', run: (c) => c.datasources.get('ds') },
  query: { http: 'GET', run: (c) => c.datasources.query() },
  connections: { http: 'GET', run: (c) => c.datasources.connections('ds') },
  removeRevision: { http: 'DELETE', run: (c) => c.datasources.removeRevision('ds', 1) },
  update: { http: 'PUT', run: (c) => c.datasources.update('ds', { name: 'Y' }) },
  updateConnection: { http: 'PUT', run: (c) => c.datasources.updateConnection('ds', 'c1', { userName: 'u' }) },
  refresh: { http: 'POST', run: (c) => c.datasources.refresh('ds') },
  applyKeychain: { http: 'PUT', run: (c) => c.datasources.applyKeychain('ds', { encryptedKeychains: ['k'] }) },
}

const cases = Object.entries(DOCUMENTED_ERRORS).flatMap(([method, table]) =>
  Object.entries(table).map(([tableauCode, typed]) => ({ method: method as Method, tableauCode, typed })),
)

describe('documented Data Sources error codes → typed errors', () => {
  it('covers every method of the page', () => {
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(DOCUMENTED_ERRORS).sort())
    expect(cases.length).toBeGreaterThan(80)
  })

  it.each(cases)('$method: $tableauCode → $typed', async ({ method, tableauCode, typed }) => {
    const { client, pool } = await signedIn()
    const summary = tableauCode === '403007' ? 'Insufficient publishing permission' : 'Error'
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/datasources`), method: CALLS[method].http })
      .reply(
        Number(tableauCode.slice(0, 3)),
        { error: { summary, detail: 'from the server', code: tableauCode } },
        json,
      )
    const error = await CALLS[method].run(client).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error) && error.code).toBe(typed)
    expect(error).toMatchObject({ details: { tableauCode, status: Number(tableauCode.slice(0, 3)) } })
  })

  it('403007 "Overwrite forbidden" is DATASOURCE_EXISTS; an undocumented code stays API_ERROR', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/datasources`), method: 'POST' })
      .reply(403, { error: { summary: 'Overwrite forbidden', detail: 'exists', code: '403007' } }, json)
    const exists = await client.datasources.publish({ name: 'X', file }).catch((e: unknown) => e)
    expect(isHyperdeltaError(exists, 'DATASOURCE_EXISTS')).toBe(true)
    pool
      .intercept({ path: `${SITE}/datasources/ds/tags`, method: 'PUT' })
      .reply(400, { error: { summary: 'Odd', detail: 'x', code: '400999' } }, json)
    const odd = await client.datasources.addTags('ds', ['a']).catch((e: unknown) => e)
    expect(isHyperdeltaError(odd, 'API_ERROR')).toBe(true)
  })
})
