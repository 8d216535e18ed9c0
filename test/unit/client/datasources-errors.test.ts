import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHyperdeltaError, type TableauClient } from '../../../src/index.js'
import {
  DOCUMENTED_ERRORS,
  type DocumentedError,
  ENDPOINT_NAMES,
  ENDPOINTS,
  type EndpointName,
} from '../../../src/wire.js'
import { json, SITE, signedIn } from './helpers.js'

// Every error code the Data Sources page documents, per endpoint, becomes its kind (MockAgent answers it). The
// /data endpoints are the push's (their errors are the retry policy's and the job's), 401s the transport's.
let file: string
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'hd-ds-err-')), 'x.parquet')
  await writeFile(file, 'PAR1-not-really-PAR1')
})
afterAll(() => rm(dirname(file), { recursive: true, force: true }))

const destination = { siteUrlNamespace: 's', siteLuid: 'l', serverUrl: 'https://x' }
const CALLS = {
  addTags: { http: 'PUT', run: (c) => c.datasources.addTags('ds', ['a']) },
  deleteDatasource: { http: 'DELETE', run: (c) => c.datasources.delete('ds') },
  deleteTag: { http: 'DELETE', run: (c) => c.datasources.deleteTag('ds', 'a') },
  downloadDatasource: { http: 'GET', run: (c) => c.datasources.download('ds', { to: join(tmpdir(), 'never') }) },
  retrieveKeychain: { http: 'POST', run: (c) => c.datasources.retrieveKeychain('ds', destination) },
  downloadRevision: {
    http: 'GET',
    run: (c) => c.datasources.downloadRevision('ds', 1, { to: join(tmpdir(), 'never') }),
  },
  listRevisions: { http: 'GET', run: (c) => c.datasources.revisions('ds') },
  publishDatasource: { http: 'POST', run: (c) => c.datasources.publish({ name: 'X', file }) },
  queryDatasource: { http: 'GET', run: (c) => c.datasources.get('ds') },
  queryDatasources: { http: 'GET', run: (c) => c.datasources.query() },
  queryConnections: { http: 'GET', run: (c) => c.datasources.connections('ds') },
  removeRevision: { http: 'DELETE', run: (c) => c.datasources.removeRevision('ds', 1) },
  updateDatasource: { http: 'PUT', run: (c) => c.datasources.update('ds', { name: 'Y' }) },
  updateConnection: { http: 'PUT', run: (c) => c.datasources.updateConnection('ds', 'c1', { userName: 'u' }) },
  refreshDatasource: { http: 'POST', run: (c) => c.datasources.refresh('ds') },
  applyKeychain: { http: 'PUT', run: (c) => c.datasources.applyKeychain('ds', { encryptedKeychains: ['k'] }) },
} satisfies Partial<Record<EndpointName, { http: string; run: (c: TableauClient) => Promise<unknown> }>>
type Method = keyof typeof CALLS

const PUSH = new Set<EndpointName>(['updateData', 'updateConnectionData'])
const methods = Object.keys(CALLS) as Method[]
const cases = methods.flatMap((method) =>
  (DOCUMENTED_ERRORS[method] as readonly DocumentedError[])
    .filter((row) => row.status !== 401)
    .map((row) => ({ method, row, tableauCode: row.tableauCode, typed: row.kind })),
)

describe('documented Data Sources error codes → typed errors', () => {
  it('covers every method of the page', () => {
    const documented = ENDPOINT_NAMES.filter((n) => ENDPOINTS[n].resource === 'datasource' && !PUSH.has(n))
    expect([...methods].sort()).toEqual(documented.sort())
    expect(cases.length).toBeGreaterThan(80)
  })

  it.each(cases)('$method: $tableauCode → $typed', async ({ method, row, tableauCode, typed }) => {
    const { client, pool } = await signedIn()
    const summary = row.when?.[0] ?? (tableauCode === '403007' ? 'Insufficient publishing permission' : 'Error')
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/datasources`), method: CALLS[method].http })
      .reply(row.status, { error: { summary, detail: 'from the server', code: tableauCode } }, json)
    const error = await CALLS[method].run(client).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error) && error.code).toBe(typed)
    expect(error).toMatchObject({
      details: { tableauCode, status: row.status, resource: 'datasource', endpoint: method },
      cause: { code: 'API_ERROR' },
    })
  })

  it('403007 "Overwrite forbidden" is NAME_CONFLICT; an undocumented code stays API_ERROR', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: (p) => p.startsWith(`${SITE}/datasources`), method: 'POST' })
      .reply(403, { error: { summary: 'Overwrite forbidden', detail: 'exists', code: '403007' } }, json)
    const exists = await client.datasources.publish({ name: 'X', file }).catch((e: unknown) => e)
    expect(isHyperdeltaError(exists, 'NAME_CONFLICT')).toBe(true)
    pool
      .intercept({ path: `${SITE}/datasources/ds/tags`, method: 'PUT' })
      .reply(400, { error: { summary: 'Odd', detail: 'x', code: '400999' } }, json)
    const odd = await client.datasources.addTags('ds', ['a']).catch((e: unknown) => e)
    expect(isHyperdeltaError(odd, 'API_ERROR')).toBe(true)
  })
})
