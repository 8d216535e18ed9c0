import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { ApiRequest, Send } from '../../../src/client/transport/api-request.js'
import { endpoint, endpointPath } from '../../../src/client/transport/endpoint.js'
import { everyPage, type PageOf } from '../../../src/client/transport/pages.js'
import { endpointLayer } from '../../../src/client/transport/pipeline.js'
import { isHyperdeltaError } from '../../../src/index.js'

// The catalogue's endpoints as the client builds them, and the one pager.

describe('endpoint()', () => {
  it('takes method, scope and segments from the catalogue, each parameter one encoded segment', () => {
    expect(endpoint('deleteTag', { datasource: 'd 1', tag: 'a/b' })).toEqual({
      method: 'DELETE',
      scope: 'site',
      path: '/datasources/d%201/tags/a%2Fb',
    })
    expect(endpoint('signIn', {})).toEqual({ method: 'POST', scope: 'api', path: '/auth/signin' })
    expect(endpoint('readMetadata', {})).toEqual({ method: 'POST', scope: 'vds', path: '/read-metadata' })
    expect(endpoint('removeRevision', { datasource: 'd', revision: 3 }).path).toBe('/datasources/d/revisions/3')
  })

  it('appends the query, and drops an empty one', () => {
    const query = new URLSearchParams({ uploadSessionId: 'u:1', x: 'a b' })
    expect(endpointPath('updateData', { datasource: 'd' }, query)).toBe(
      '/datasources/d/data?uploadSessionId=u%3A1&x=a+b',
    )
    expect(endpointPath('updateData', { datasource: 'd' }, new URLSearchParams())).toBe('/datasources/d/data')
  })

  it('pins an api endpoint to a version when asked (server info, before any is negotiated)', () => {
    expect(endpoint('serverInfo', {}, { apiVersion: '2.4' })).toEqual({
      method: 'GET',
      scope: 'server',
      path: '/api/2.4/serverinfo',
    })
  })

  it('refuses a dot-segment or an empty value like apiPath, naming the value and the route', () => {
    for (const bad of ['..', '.', '%2e%2E', '', 'a/..']) {
      try {
        endpoint('deleteTag', { datasource: 'd', tag: bad })
        expect.unreachable()
      } catch (error) {
        expect(isHyperdeltaError(error, 'PATH_SEGMENT_INVALID'), bad).toBe(true)
        if (!isHyperdeltaError(error, 'PATH_SEGMENT_INVALID')) return
        expect(error.details).toMatchObject({ field: 'tags', value: bad, route: '/datasources/{}/tags/{}' })
      }
    }
    expect(() => endpoint('queryJob', { job: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'PATH_SEGMENT_INVALID' }),
    )
  })

  it('the endpoints layer roots each scope', async () => {
    const seen: string[] = []
    const next: Send = async (r) => {
      seen.push(r.path)
      return r.schema.parse(undefined)
    }
    const send = endpointLayer({ apiVersion: '3.24', siteId: 's1' })(next)
    const request = (at: Pick<ApiRequest, 'method' | 'path' | 'scope'>): ApiRequest => ({
      label: 't',
      ...at,
      expect: [200],
      schema: z.unknown(),
    })
    await send(request(endpoint('readMetadata', {})))
    await send(request(endpoint('signOut', {})))
    await send(request(endpoint('queryJob', { job: 'j' })))
    await send(request(endpoint('serverInfo', {}, { apiVersion: '2.4' })))
    expect(seen).toEqual([
      '/api/v1/vizql-data-service/read-metadata',
      '/api/3.24/auth/signout',
      '/api/3.24/sites/s1/jobs/j',
      '/api/2.4/serverinfo',
    ])
  })
})

describe('everyPage', () => {
  async function walk(pages: PageOf<number>[], from = 1): Promise<{ items: number[]; asked: number[] }> {
    const asked: number[] = []
    const items: number[] = []
    for await (const item of everyPage(async (n) => {
      asked.push(n)
      return pages[n - from] ?? { items: [], pageSize: 2, totalAvailable: 99 }
    }, from)) {
      items.push(item)
    }
    return { items, asked }
  }

  it('reads until as many items as the total, short pages included', async () => {
    const short = [
      { items: [1], pageSize: 2, totalAvailable: 3 },
      { items: [2], pageSize: 2, totalAvailable: 3 },
      { items: [3], pageSize: 2, totalAvailable: 3 },
    ]
    expect(await walk(short)).toEqual({ items: [1, 2, 3], asked: [1, 2, 3] })
  })

  it('stops at an empty page; without a total, only at a short page (a missing count never cuts a list short)', async () => {
    expect(await walk([{ items: [1, 2], pageSize: 2, totalAvailable: 9 }])).toEqual({ items: [1, 2], asked: [1, 2] })
    const uncounted = [
      { items: [1, 2], pageSize: 2, totalAvailable: undefined },
      { items: [3, 4], pageSize: 2, totalAvailable: undefined },
      { items: [5], pageSize: 2, totalAvailable: undefined },
    ]
    expect(await walk(uncounted)).toEqual({ items: [1, 2, 3, 4, 5], asked: [1, 2, 3] })
    const full = [
      { items: [1, 2], pageSize: 2, totalAvailable: undefined },
      { items: [], pageSize: 2, totalAvailable: undefined },
    ]
    expect(await walk(full)).toEqual({ items: [1, 2], asked: [1, 2] })
  })

  it('counts the pages before `from` as read', async () => {
    const rest = [
      { items: [5, 6], pageSize: 2, totalAvailable: 7 },
      { items: [7], pageSize: 2, totalAvailable: 7 },
    ]
    expect(await walk(rest, 3)).toEqual({ items: [5, 6, 7], asked: [3, 4] })
  })
})
