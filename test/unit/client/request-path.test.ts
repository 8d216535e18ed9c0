import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as changes from '../../../src/client/datasources/change-endpoints.js'
import * as queries from '../../../src/client/datasources/endpoints.js'
import * as jobs from '../../../src/client/jobs/endpoints.js'
import type { ApiRequest, Send } from '../../../src/client/transport/api-request.js'
import { endpointLayer } from '../../../src/client/transport/pipeline.js'
import { apiPath, checkPathValue, type RequestPath } from '../../../src/client/transport/request-path.js'
import * as uploads from '../../../src/client/uploads/endpoints.js'
import * as vc from '../../../src/client/virtual-connections/endpoints.js'
import { isHyperdeltaError } from '../../../src/index.js'
import {
  collapsible,
  HOSTILE_PATH_VALUES,
  KEPT_PATH_VALUES,
  REFUSED_PATH_VALUES,
  rawSegments,
} from '../../helpers/hostile-path-values.js'

// Every endpoint that puts a caller's value in its path, each value position fed every hostile value. The table is
// checked against the functions the resource folders' endpoints.ts files export: a new endpoint missing here fails the first test.

const SAFE = 'SAFE-id'
/** Where the value under test goes: its segment in the path built with it. */
const MARK = 'MARK-value'
/** Number-typed positions get the hostile strings too: a JavaScript caller can pass anything. */
const n = (v: string) => v as unknown as number
const page = { pageSize: 10, pageNumber: 1 }
const part = { contentType: 'multipart/mixed', contentLength: 1, body: () => Readable.from(['x']) }
const sink = async () => {}

type Build = (value: string) => ApiRequest
/** Per endpoint: one builder per position of a caller value in its path; [] when its path holds none. */
const ENDPOINTS: Record<string, readonly Build[] | 'not an endpoint'> = {
  'datasources/endpoints.updateData': [
    (v) => queries.updateData({ datasource: v, body: '{}', requestId: 'r' }),
    (v) => queries.updateData({ datasource: SAFE, connection: v, uploadSessionId: 'u:1', body: '{}', requestId: 'r' }),
  ],
  'datasources/endpoints.queryDatasources': [],
  'datasources/endpoints.queryDatasource': [(v) => queries.queryDatasource(v)],
  'datasources/endpoints.queryConnections': [(v) => queries.queryConnections(v)],
  'datasources/endpoints.getRevisions': [(v) => queries.getRevisions(v, 10, 1)],
  'datasources/endpoints.downloadContent': [
    (v) => queries.downloadContent({ id: v, sink }),
    (v) => queries.downloadContent({ id: v, revision: 2, includeExtract: false, sink }),
    (v) => queries.downloadContent({ id: SAFE, revision: n(v), sink }),
  ],
  'datasources/change-endpoints.publishDatasource': [],
  'datasources/change-endpoints.updateDatasource': [(v) => changes.updateDatasource(v, {})],
  'datasources/change-endpoints.updateConnection': [
    (v) => changes.updateConnection(v, SAFE, {}),
    (v) => changes.updateConnection(SAFE, v, {}),
  ],
  'datasources/change-endpoints.refreshDatasource': [(v) => changes.refreshDatasource(v)],
  'datasources/change-endpoints.removeRevision': [
    (v) => changes.removeRevision(v, 1),
    (v) => changes.removeRevision(SAFE, n(v)),
  ],
  'datasources/change-endpoints.addTags': [(v) => changes.addTags(v, ['t'])],
  'datasources/change-endpoints.deleteTag': [(v) => changes.deleteTag(v, SAFE), (v) => changes.deleteTag(SAFE, v)],
  'datasources/change-endpoints.deleteDatasource': [(v) => changes.deleteDatasource(v)],
  'datasources/change-endpoints.retrieveKeychain': [
    (v) => changes.retrieveKeychain(v, { siteUrlNamespace: 's', siteLuid: 'l', serverUrl: 'https://x' }),
  ],
  'datasources/change-endpoints.applyKeychain': [(v) => changes.applyKeychain(v, [], [])],
  'jobs/endpoints.getJob': [(v) => jobs.getJob(v)],
  'jobs/endpoints.cancelJob': [(v) => jobs.cancelJob(v)],
  'jobs/endpoints.queryJobs': [],
  'uploads/endpoints.initiateUpload': [],
  'uploads/endpoints.appendToUpload': [(v) => uploads.appendToUpload(v, part)],
  'directory/endpoints.listProjects': [],
  'sessions/endpoints.serverInfo': [],
  'sessions/endpoints.signIn': [],
  'sessions/endpoints.signOut': [],
  'virtual-connections/endpoints.listVirtualConnections': [],
  'virtual-connections/endpoints.downloadVirtualConnection': [(v) => vc.downloadVirtualConnection(v, 'json')],
  'virtual-connections/endpoints.downloadVirtualConnectionRevision': [
    (v) => vc.downloadVirtualConnectionRevision(v, 1, 'json'),
    (v) => vc.downloadVirtualConnectionRevision(SAFE, n(v), 'json'),
  ],
  'virtual-connections/endpoints.listVirtualConnectionRevisions': [
    (v) => vc.listVirtualConnectionRevisions(v, page, 'xml'),
  ],
  'virtual-connections/endpoints.publishVirtualConnection': [],
  'virtual-connections/endpoints.updateVirtualConnection': [(v) => vc.updateVirtualConnection(v, {}, 'json')],
  'virtual-connections/endpoints.deleteVirtualConnection': [(v) => vc.deleteVirtualConnection(v, 'xml')],
  'virtual-connections/endpoints.listDatabaseConnections': [(v) => vc.listDatabaseConnections(v, page, 'xml')],
  'virtual-connections/endpoints.updateDatabaseConnection': [
    (v) => vc.updateDatabaseConnection(v, SAFE, {}, 'json'),
    (v) => vc.updateDatabaseConnection(SAFE, v, {}, 'json'),
  ],
  'virtual-connections/endpoints.addTags': [(v) => vc.addTags(v, ['t'], 'xml')],
  'virtual-connections/endpoints.deleteTag': [(v) => vc.deleteTag(v, SAFE, 'xml'), (v) => vc.deleteTag(SAFE, v, 'xml')],
  'virtual-connections/endpoints.addPermissions': [
    (v) => vc.addPermissions(v, [{ grantee: { type: 'user', id: SAFE }, capabilities: { Read: 'Allow' } }], 'json'),
  ],
  'virtual-connections/endpoints.listPermissions': [(v) => vc.listPermissions(v, 'xml')],
  'virtual-connections/endpoints.deletePermission': [
    (v) => vc.deletePermission(v, { type: 'user', id: SAFE }, 'Read', 'Allow', 'xml'),
    (v) => vc.deletePermission(SAFE, { type: 'group', id: v }, 'Read', 'Allow', 'xml'),
    (v) => vc.deletePermission(SAFE, { type: 'user', id: SAFE }, v as 'Read', 'Allow', 'xml'),
    (v) => vc.deletePermission(SAFE, { type: 'user', id: SAFE }, 'Read', v as 'Allow', 'xml'),
  ],
  'vizql-data-service/endpoints.readMetadata': [],
  'vizql-data-service/endpoints.queryDatasource': [],
  'vizql-data-service/endpoints.vizqlReader': 'not an endpoint',
  'sessions/endpoints.serverInfoResponseSchema': 'not an endpoint',
  'sessions/endpoints.signInResponseSchema': 'not an endpoint',
  'uploads/endpoints.fileUploadResponseSchema': 'not an endpoint',
}

const clientDir = join(import.meta.dirname, '../../../src/client')
/** The files of the resource folders that describe endpoints (`endpoints.ts`, `change-endpoints.ts`). */
const endpointFiles = readdirSync(clientDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
  /^[a-z-]+\/([a-z]+-)?endpoints\.ts$/.test(f),
)

/** What the built request's path says about `value`: refused (typed, nothing built), or where it landed. */
function outcome(build: Build, value: string): { refused: true } | { refused: false; path: string } {
  try {
    return { refused: false, path: build(value).path }
  } catch (error) {
    if (isHyperdeltaError(error, 'PATH_SEGMENT_INVALID')) return { refused: true }
    throw error
  }
}

describe('request paths: every caller value is one segment', () => {
  it("the table covers every function the resource folders' endpoint files export", async () => {
    expect(endpointFiles.length).toBeGreaterThanOrEqual(8)
    const exported: string[] = []
    for (const file of endpointFiles) {
      const module: Record<string, unknown> = await import(join(clientDir, file))
      exported.push(...Object.keys(module).map((name) => `${file.replace(/\.ts$/, '')}.${name}`))
    }
    expect(Object.keys(ENDPOINTS).sort()).toEqual(exported.sort())
  })

  const builders = Object.entries(ENDPOINTS).flatMap(([name, list]) =>
    list === 'not an endpoint' ? [] : list.map((build, i) => ({ name: `${name} #${i + 1}`, build })),
  )

  it.each(builders)('$name refuses or keeps every hostile value in its own segment', ({ build }) => {
    const safe = rawSegments(build(MARK).path)
    const at = safe.indexOf(MARK)
    expect(at).toBeGreaterThanOrEqual(0)
    for (const value of HOSTILE_PATH_VALUES) {
      const o = outcome(build, value)
      if (REFUSED_PATH_VALUES.includes(value as (typeof REFUSED_PATH_VALUES)[number])) {
        expect(o, JSON.stringify(value)).toEqual({ refused: true })
        continue
      }
      expect(o.refused, JSON.stringify(value)).toBe(false)
      if (o.refused) continue
      const segments = rawSegments(o.path)
      expect(segments.filter(collapsible), o.path).toEqual([])
      // The same route, the value in the SAFE segment's place, decoding back to exactly the value.
      expect(segments.length, o.path).toBe(safe.length)
      expect(decodeURIComponent(segments[at]!), o.path).toBe(value)
      expect([...segments.slice(0, at), ...segments.slice(at + 1)]).toEqual([
        ...safe.slice(0, at),
        ...safe.slice(at + 1),
      ])
    }
  })
})

describe('grantee kinds', () => {
  it('Delete Permission sends only users or groups as the kind segment', () => {
    for (const type of [...HOSTILE_PATH_VALUES, 'users', 'User']) {
      expect(() => vc.deletePermission(SAFE, { type: type as 'user', id: SAFE }, 'Read', 'Allow', 'xml')).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      )
    }
    expect(vc.deletePermission(SAFE, { type: 'group', id: 'g' }, 'Read', 'Deny', 'xml').path).toBe(
      `/virtualconnections/${SAFE}/permissions/groups/g/Read/Deny`,
    )
  })
})

describe('apiPath', () => {
  it('percent-encodes each value (colons of upload session ids too) and serializes the query', () => {
    expect(apiPath`/fileUploads/${'123:456-789'}`).toBe('/fileUploads/123%3A456-789')
    expect(apiPath`/a/${'x y'}/b?q=${'1&2'}&${new URLSearchParams({ k: 'v w' })}`).toBe('/a/x%20y/b?q=1%262&k=v+w')
    expect(apiPath`/a/${7}?${new URLSearchParams()}`).toBe('/a/7')
  })

  it('refuses non-strings and names the segment, the value and the route', () => {
    for (const bad of [undefined, null, {}, Number.NaN, '\uD800']) {
      expect(() => apiPath`/jobs/${bad as string}`).toThrow(expect.objectContaining({ code: 'PATH_SEGMENT_INVALID' }))
    }
    try {
      apiPath`/datasources/${'d1'}/tags/${'..'}`
      expect.unreachable()
    } catch (error) {
      expect(isHyperdeltaError(error, 'PATH_SEGMENT_INVALID')).toBe(true)
      if (!isHyperdeltaError(error, 'PATH_SEGMENT_INVALID')) return
      expect(error.details).toMatchObject({ field: 'tags', value: '..', route: '/datasources/{}/tags/{}' })
      expect(error.message).toContain('dot-segment')
    }
  })

  it('a value that does not fill a whole segment is a bug in the route, caught when it is built', () => {
    expect(() => apiPath`/jobs-${'1'}`).toThrow(/not a whole path segment/)
    expect(() => apiPath`/jobs/${'1'}x`).toThrow(/not a whole path segment/)
  })

  it('checkPathValue accepts the kept values', () => {
    for (const v of KEPT_PATH_VALUES) expect(() => checkPathValue(v, 'id')).not.toThrow()
  })
})

describe('the endpoints layer', () => {
  const session = { apiVersion: '3.24', siteId: 'site-1' }
  const request = (path: string): ApiRequest => ({
    label: 't',
    method: 'DELETE',
    path: path as RequestPath,
    expect: [204],
    schema: z.unknown(),
  })

  it('refuses a path forged with a cast before the next layer sees it', async () => {
    const seen: string[] = []
    const next: Send = async (r) => {
      seen.push(r.path)
      return r.schema.parse(undefined)
    }
    const send = endpointLayer(session)(next)
    for (const forged of ['/datasources/d1/tags/..', '/datasources/%2E%2e', '/jobs/.', '/a//b', '/a\\..']) {
      await expect(send(request(forged))).rejects.toMatchObject({ code: 'PATH_SEGMENT_INVALID' })
    }
    expect(seen).toEqual([])
    await send(request('/datasources/d1/tags/%252e%252e'))
    expect(seen).toEqual(['/api/3.24/sites/site-1/datasources/d1/tags/%252e%252e'])
  })
})
