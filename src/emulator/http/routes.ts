import type { RouteName } from '../faults.js'
import { VCONN_ROUTES } from '../virtual-connections/handlers.js'

interface RouteDef {
  readonly name: RouteName
  readonly method: string
  /** Path segments after `/api/{version}/`; `:x` captures a parameter. Literals match case-insensitively. */
  readonly segments: readonly string[]
  /** serverInfo and signIn need no X-Tableau-Auth. */
  readonly anonymous?: boolean
}

const DS = ['sites', ':site', 'datasources', ':datasource'] as const

export const ROUTES: readonly RouteDef[] = [
  { name: 'serverInfo', method: 'GET', segments: ['serverinfo'], anonymous: true },
  { name: 'signIn', method: 'POST', segments: ['auth', 'signin'], anonymous: true },
  { name: 'signOut', method: 'POST', segments: ['auth', 'signout'] },
  { name: 'queryDatasources', method: 'GET', segments: ['sites', ':site', 'datasources'] },
  { name: 'publishDatasource', method: 'POST', segments: ['sites', ':site', 'datasources'] },
  { name: 'queryDatasource', method: 'GET', segments: ['sites', ':site', 'datasources', ':datasource'] },
  {
    name: 'queryConnections',
    method: 'GET',
    segments: ['sites', ':site', 'datasources', ':datasource', 'connections'],
  },
  { name: 'updateData', method: 'PATCH', segments: ['sites', ':site', 'datasources', ':datasource', 'data'] },
  {
    name: 'updateConnectionData',
    method: 'PATCH',
    segments: ['sites', ':site', 'datasources', ':datasource', 'connections', ':connection', 'data'],
  },
  { name: 'initiateUpload', method: 'POST', segments: ['sites', ':site', 'fileUploads'] },
  { name: 'appendUpload', method: 'PUT', segments: ['sites', ':site', 'fileUploads', ':upload'] },
  { name: 'updateDatasource', method: 'PUT', segments: [...DS] },
  { name: 'deleteDatasource', method: 'DELETE', segments: [...DS] },
  { name: 'updateConnection', method: 'PUT', segments: [...DS, 'connections', ':connection'] },
  { name: 'refreshDatasource', method: 'POST', segments: [...DS, 'refresh'] },
  { name: 'downloadDatasource', method: 'GET', segments: [...DS, 'content'] },
  { name: 'addTags', method: 'PUT', segments: [...DS, 'tags'] },
  { name: 'deleteTag', method: 'DELETE', segments: [...DS, 'tags', ':tag'] },
  { name: 'listRevisions', method: 'GET', segments: [...DS, 'revisions'] },
  { name: 'downloadRevision', method: 'GET', segments: [...DS, 'revisions', ':revision', 'content'] },
  { name: 'removeRevision', method: 'DELETE', segments: [...DS, 'revisions', ':revision'] },
  { name: 'retrieveKeychain', method: 'POST', segments: [...DS, 'retrieveKeychain'] },
  { name: 'applyKeychain', method: 'PUT', segments: [...DS, 'applykeychain'] },
  { name: 'queryJob', method: 'GET', segments: ['sites', ':site', 'jobs', ':job'] },
  { name: 'cancelJob', method: 'PUT', segments: ['sites', ':site', 'jobs', ':job'] },
  ...VCONN_ROUTES,
]

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
