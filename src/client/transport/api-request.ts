import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { RequestPath } from './request-path.js'

// A request to the Tableau REST API is one value, `ApiRequest`, from the resource module that describes it down to
// the socket. The transport is a stack of layers, each a function from the next handler to a handler (like
// octokit's request hooks); see pipeline.ts for the stack and each resource folder's endpoints.ts for the endpoints.

/** Where `path` is rooted. */
export type RequestScope =
  /** `path` is absolute after the server origin (e.g. `/api/2.4/serverinfo`). */
  | 'server'
  /** `/api/{version}` + `path` (sign-in, sign-out). */
  | 'api'
  /** `/api/{version}/sites/{siteId}` + `path` (everything on a site; the default). */
  | 'site'
  /** The VizQL Data Service's root (`/api/v1/vizql-data-service`) + `path`: it has no REST version. */
  | 'vds'

/** One request, as a resource module describes it. */
export interface ApiRequest<S extends z.ZodType = z.ZodType> {
  /** Prefix of error messages and logs: what the caller was doing (`upload`, `datasource`, `job j1`). */
  label: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path (and query) under `scope`, built by `apiPath` (every caller value one checked, percent-encoded segment). */
  path: RequestPath
  /** Default `site`. */
  scope?: RequestScope
  headers?: Record<string, string>
  /** A fresh body per attempt (streams cannot be replayed). */
  body?: () => string | Readable
  /** Success statuses; anything else is an error. */
  expect: readonly number[]
  /** Validates (and shapes) the success body. */
  schema: S
  /** Idempotency key: logged and put in error details (the header itself is in `headers`). */
  requestId?: string
  signal?: AbortSignal | undefined
  /** false: sent without the session token and never re-signed-in (server info, sign-in). Default true. */
  auth?: boolean
  /** false: a 401 is not answered by signing in again (sign-out). Default true. */
  reauth?: boolean
  /** Cap of attempts for transient failures (default: the retry policy's). */
  maxAttempts?: number
  /** false for calls that are not idempotent (appends): see isAmbiguousFailure. Default true. */
  retryAmbiguous?: boolean
  /** Turns the transport's error into the endpoint's own (e.g. a 404 into `DATASOURCE_NOT_FOUND`). */
  mapError?: (error: unknown) => unknown
  /**
   * Downloads: a success body is handed here as a stream (never read into memory) and the value is `undefined`;
   * error bodies are still read and decoded. Called once per attempt.
   */
  sink?: (body: Readable, headers: Record<string, string | string[] | undefined>) => Promise<void>
  /** Set by the retry layer: which attempt this is (1-based), for logs. */
  attempt?: number
}

/** Sends a request and resolves with its validated body. */
export type Send = <S extends z.ZodType>(request: ApiRequest<S>) => Promise<z.output<S>>

/** One layer of the transport: wraps the next handler. */
export type Layer = (next: Send) => Send

/** Stacks layers outermost first: `compose(a, b)(http)` runs a, then b, then http. */
export function compose(...layers: readonly Layer[]): (innermost: Send) => Send {
  return (innermost) => layers.reduceRight<Send>((next, layer) => layer(next), innermost)
}
