// What the protocol catalogue says about one endpoint. Both sides read it: the client builds its paths from it, the
// emulator derives its routes, fault names and handler table from it. Bodies are not described here: each side
// keeps its own serialiser, so a client-against-emulator test still checks two independent readings of the pages.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Where an endpoint's `segments` are rooted:
 * `api` under `/api/{version}`, `site` under `/api/{version}/sites/{siteId}`, `vds` under the VizQL Data Service's
 * own root (`/api/v1/vizql-data-service`), which has no REST version.
 */
export type EndpointScope = 'api' | 'site' | 'vds'

/** The resource an endpoint belongs to: the folder that holds it on each side, and `details.resource` of its errors. */
export type EndpointResource =
  | 'session'
  | 'datasource'
  | 'virtual-connection'
  | 'job'
  | 'upload'
  | 'directory'
  | 'vizql-data-service'

export interface Endpoint {
  readonly method: HttpMethod
  readonly scope: EndpointScope
  /** Path segments after the scope's root; `:name` is a parameter. Servers match literals case-insensitively. */
  readonly segments: readonly string[]
  readonly resource: EndpointResource
  /** Answered without a session token (server info, sign-in). */
  readonly anonymous?: true
}
