import { ENDPOINTS, type EndpointName, type EndpointParams } from '../../protocol/endpoints.js'
import type { ApiRequest, RequestScope } from './api-request.js'
import { apiPath, joinPaths, type PathValue, type RequestPath } from './request-path.js'

// Where a client request goes comes from the protocol catalogue (src/protocol/endpoints.ts): an endpoint description
// names its endpoint and gives the values of its parameters, and never spells a path. The path is built by
// `apiPath`, so every value gets the same checks (one whole segment, percent-encoded, `.`/`..` refused).

/** The values of an endpoint's path parameters (numbers for revisions). */
export type EndpointPathParams<N extends EndpointName> = { readonly [K in keyof EndpointParams<N>]: PathValue }

/** Where a catalogue scope is rooted, as the transport's {@link RequestScope}. */
const SCOPES = { api: 'api', site: 'site', vds: 'vds' } as const satisfies Record<string, RequestScope>

/**
 * The path of endpoint `name` under its scope's root, each `:param` filled with `params[param]`, then `?query`
 * (left out when empty). Refuses a value that is no usable segment with `PATH_SEGMENT_INVALID`, like `apiPath`.
 */
export function endpointPath<N extends EndpointName>(
  name: N,
  params: EndpointPathParams<N>,
  query?: URLSearchParams,
): RequestPath {
  // The template `apiPath` would get: literals between the values, each value after a `/`.
  const strings: string[] = []
  const values: (PathValue | URLSearchParams)[] = []
  let literal = ''
  for (const segment of ENDPOINTS[name].segments) {
    literal += '/'
    if (segment.startsWith(':')) {
      strings.push(literal)
      values.push((params as Record<string, PathValue>)[segment.slice(1)] as PathValue)
      literal = ''
    } else literal += segment
  }
  if (query !== undefined) {
    strings.push(`${literal}?`)
    values.push(query)
    literal = ''
  }
  strings.push(literal)
  return apiPath(Object.assign(strings, { raw: strings }), ...values)
}

/** Options of {@link endpoint}. */
export interface EndpointOptions {
  query?: URLSearchParams
  /**
   * An `api`-scoped endpoint at this REST version instead of the session's: server info is read before any
   * version is negotiated.
   */
  apiVersion?: string
}

/**
 * Method, path and scope of endpoint `name`, to spread into an {@link ApiRequest}:
 * `{ label: 'datasource', ...endpoint('queryDatasource', { datasource: id }), expect: [200], schema }`.
 */
export function endpoint<N extends EndpointName>(
  name: N,
  params: EndpointPathParams<N>,
  options: EndpointOptions = {},
): Pick<ApiRequest, 'method' | 'path' | 'scope'> {
  const { method, scope } = ENDPOINTS[name]
  const path = endpointPath(name, params, options.query)
  if (options.apiVersion !== undefined && scope === 'api') {
    return { method, scope: 'server', path: joinPaths(apiPath`/api/${options.apiVersion}`, path) }
  }
  return { method, scope: SCOPES[scope], path }
}
