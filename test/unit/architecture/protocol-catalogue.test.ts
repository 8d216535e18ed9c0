import { describe, expect, it } from 'vitest'
import { matchRoute, type ResourceRouteName, ROUTES, VDS_PREFIX } from '../../../src/emulator/core/routes.js'
import { ROUTE_NAMES, type RouteName } from '../../../src/emulator/index.js'
import { JOB_HANDLERS } from '../../../src/emulator/jobs/handlers.js'
import { HANDLERS } from '../../../src/emulator/listener.js'
import type { Handler } from '../../../src/emulator/runtime/state.js'
import { vdsEndpointOf } from '../../../src/emulator/vizql-data-service/service.js'
import { ENDPOINT_NAMES, ENDPOINTS, type Endpoint, type EndpointName } from '../../../src/wire.js'

// The emulator's side of the protocol catalogue: every endpoint it names is routed and handled by the emulator, and
// nothing the emulator routes, handles or lets a fault aim at is missing from it.

const rest = ENDPOINT_NAMES.filter((name): name is RouteName => ENDPOINTS[name].scope !== 'vds')
const vds = ENDPOINT_NAMES.filter((name) => ENDPOINTS[name].scope === 'vds')

/** A concrete request path for an endpoint: each `:param` filled with a value no literal segment has. */
function samplePath(endpoint: Endpoint): string[] {
  const filled = endpoint.segments.map((s) => (s.startsWith(':') ? `x-${s.slice(1)}` : s))
  if (endpoint.scope === 'vds') return [...VDS_PREFIX, ...filled]
  return ['api', '3.24', ...(endpoint.scope === 'site' ? ['sites', 'x-site'] : []), ...filled]
}

describe('protocol catalogue: the emulator', () => {
  it('routes every REST endpoint of the catalogue to itself, and routes nothing else', () => {
    const routed = rest.map((name) => {
      const endpoint: Endpoint = ENDPOINTS[name]
      const match = matchRoute(endpoint.method, samplePath(endpoint))
      return match.kind === 'matched' ? match.route.name : `${name}: ${match.kind}`
    })
    expect(routed).toEqual(rest)
    expect(ROUTES.map((r) => r.name).sort()).toEqual([...rest].sort())
  })

  it('routes literals case-insensitively and takes the catalogue parameters from the path', () => {
    const match = matchRoute('PUT', ['api', '3.24', 'SITES', 's1', 'VirtualConnections', 'v1', 'Tags'])
    expect(match).toMatchObject({ kind: 'matched', route: { name: 'addVirtualConnectionTags' } })
    const tag = matchRoute('DELETE', ['api', '3.24', 'sites', 's1', 'virtualconnections', 'v1', 'tags', 't 1'])
    expect(tag).toMatchObject({ route: { name: 'deleteVirtualConnectionTag' }, params: { site: 's1', vconn: 'v1' } })
  })

  it('has a handler for every REST endpoint and for nothing else', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...rest].sort())
    for (const name of rest) expect(typeof HANDLERS[name]).toBe('function')
  })

  it('answers only sign-in and server info without a session, as the catalogue marks them', () => {
    const anonymous = ROUTES.filter((r) => r.anonymous).map((r) => r.name)
    expect(anonymous).toEqual(rest.filter((name) => (ENDPOINTS[name] as Endpoint).anonymous === true))
    expect(anonymous.sort()).toEqual(['serverInfo', 'signIn'])
  })

  it('serves every VizQL Data Service endpoint of the catalogue through its dispatcher, and nothing else', () => {
    expect(vds.length).toBeGreaterThan(0)
    const served = vds.map((name) => {
      const path = samplePath(ENDPOINTS[name])
      expect(path.length).toBe(VDS_PREFIX.length + 1)
      return vdsEndpointOf(path.at(-1)!)
    })
    expect(served).toEqual(vds)
    expect(vdsEndpointOf('query-everything')).toBeUndefined()
  })

  it('lets faults aim at exactly the catalogue names of the REST endpoints', () => {
    expect([...ROUTE_NAMES]).toEqual(rest)
    const all: readonly string[] = ENDPOINT_NAMES
    expect(ROUTE_NAMES.every((name) => all.includes(name))).toBe(true)
  })

  it('a resource handler table without one of its endpoints does not compile', () => {
    // @ts-expect-error cancelJob is a job endpoint of the catalogue, so the job table must have it
    const partial: Record<ResourceRouteName<'job'>, Handler> = { queryJob: JOB_HANDLERS.queryJob }
    expect(Object.keys(partial)).not.toEqual(Object.keys(JOB_HANDLERS))
    const name: EndpointName = 'cancelJob'
    expect(Object.keys(JOB_HANDLERS)).toContain(name)
  })
})
