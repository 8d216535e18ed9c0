import { ENDPOINTS, type Endpoint, type EndpointName, type EndpointResource, type HttpMethod } from '../../wire.js'
import { ROUTE_NAMES, type RouteName } from './faults.js'

/** The REST route names of one catalogue resource: the keys of that resource folder's handler table. */
export type ResourceRouteName<R extends EndpointResource> = {
  [N in RouteName]: (typeof ENDPOINTS)[N]['resource'] extends R ? N : never
}[RouteName]

/** The VizQL Data Service's endpoint names (scope `vds`), served by its own dispatcher. */
export type VdsEndpointName = Exclude<EndpointName, RouteName>

/** The VizQL Data Service's path prefix (`/api/v1/vizql-data-service/{endpoint}`), outside the REST route table. */
export const VDS_PREFIX = ['api', 'v1', 'vizql-data-service'] as const

export interface RouteDef {
  readonly name: RouteName
  readonly method: HttpMethod
  /** Path segments after `/api/{version}/`; `:x` captures a parameter. Literals match case-insensitively. */
  readonly segments: readonly string[]
  /** serverInfo and signIn need no X-Tableau-Auth. */
  readonly anonymous: boolean
}

/** The route table, derived from the protocol catalogue: `site` endpoints live under `sites/{siteId}/`. */
export const ROUTES: readonly RouteDef[] = ROUTE_NAMES.map((name) => {
  const endpoint: Endpoint = ENDPOINTS[name]
  const { method, scope, segments } = endpoint
  return {
    name,
    method,
    segments: scope === 'site' ? ['sites', ':site', ...segments] : segments,
    anonymous: endpoint.anonymous === true,
  }
})

export type RouteMatch =
  | { kind: 'matched'; route: RouteDef; params: Record<string, string>; version: string }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' }

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, p] of pattern.entries()) {
    const part = parts[i]!
    if (p.startsWith(':')) params[p.slice(1)] = part
    else if (p.toLowerCase() !== part.toLowerCase()) return undefined
  }
  return params
}

/** Matches `/api/{version}/…` (segments already percent-decoded) against the route table. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const [api, version, ...rest] = segments
  if (api !== 'api' || version === undefined || !/^\d+\.\d+$/.test(version)) return { kind: 'not-found' }
  let pathMatched = false
  for (const route of ROUTES) {
    const params = matchSegments(route.segments, rest)
    if (!params) continue
    pathMatched = true
    if (route.method === method) return { kind: 'matched', route, params, version }
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' }
}
