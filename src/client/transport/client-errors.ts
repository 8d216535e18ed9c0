import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import { documentedErrorKind } from '../../protocol/documented-error-kind.js'
import { ENDPOINTS, type EndpointName } from '../../protocol/endpoints.js'

// Construction of the client's typed errors, so every layer builds them the same way. Codes and their details are listed in
// src/error-catalog.ts. Nothing here ever receives a token, password, PAT secret or JWT: callers pass
// bodies through `redactSecrets` first.

/** Where an HTTP error happened: what the client sent (never headers; URLs carry no secrets). */
export interface RequestContext {
  method: string
  /** Path and query after the server origin, e.g. `/api/3.24/sites/…/jobs/…`. */
  url: string
  requestId?: string
}

/** Body excerpts in errors are cut to this many characters. */
export const BODY_EXCERPT_CHARS = 500

/** Cuts a response body for an error message or details. */
export function truncateBody(text: string, max = BODY_EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`
}

/**
 * Removes secrets from text that came from a server: any `token` value (JSON or XML attribute form), and every
 * known secret string verbatim.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/("(?:token|password|personalAccessTokenSecret|jwt)"\s*:\s*")[^"]*"/gi, '$1[redacted]"')
    .replace(/\b((?:token|password|personalAccessTokenSecret|jwt)\s*=\s*")[^"]*"/gi, '$1[redacted]"')
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]')
  return out
}

/** A Tableau error answer: HTTP status plus Tableau's `code`/`summary`/`detail` (docs/protocol.md §2.6). */
export function apiError(
  layer: string,
  ctx: RequestContext,
  status: number,
  tableau: { code?: string; summary?: string; detail?: string },
  options: { retryable: boolean; retryAfterMs?: number; body?: string },
): HyperdeltaError<'API_ERROR'> {
  const what = [tableau.code, tableau.summary, tableau.detail].filter((s) => s !== undefined && s !== '').join(' ')
  return new HyperdeltaError(
    'API_ERROR',
    `${layer}: ${ctx.method} ${ctx.url} answered HTTP ${status}${what ? `: ${what}` : ''}`,
    {
      retryable: options.retryable,
      details: {
        status,
        tableauCode: tableau.code,
        summary: tableau.summary,
        detail: tableau.detail,
        method: ctx.method,
        url: ctx.url,
        requestId: ctx.requestId,
        ...(options.retryAfterMs !== undefined && { retryAfterMs: options.retryAfterMs }),
        ...(options.body !== undefined && tableau.code === undefined && { body: options.body }),
      },
    },
  )
}

/** The request never got an HTTP answer (connection refused or reset, DNS, socket timeout, …). */
export function networkError(layer: string, ctx: RequestContext & { host: string }, cause: unknown): HyperdeltaError {
  const c = cause as { code?: unknown; message?: unknown } | undefined
  const reason = typeof c?.code === 'string' ? c.code : typeof c?.message === 'string' ? c.message : 'unknown'
  const details = { method: ctx.method, url: ctx.url, host: ctx.host, requestId: ctx.requestId, reason }
  const where = `${layer}: ${ctx.method} ${ctx.url.split('?')[0]}`
  return new HyperdeltaError('NETWORK_ERROR', networkMessage(where, details), { cause, retryable: true, details })
}

/**
 * What an operator reads: the host, why, how many attempts, and the call — its path without the query string
 * (a query can carry a filter value or a token; the path never does).
 */
function networkMessage(
  where: string,
  d: { host?: string | undefined; reason: string; attempts?: number | undefined },
): string {
  const after = d.attempts === undefined ? '' : ` after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`
  return `network: ${d.host ?? 'the server'} unreachable (${d.reason})${after}; ${where}`
}

/**
 * The final NETWORK_ERROR of a retried call (`where`: its label, method and path): the same error, its message and
 * details saying how many attempts were made.
 */
export function withAttempts(
  error: HyperdeltaError<'NETWORK_ERROR'>,
  where: string,
  attempts: number,
): HyperdeltaError {
  const details = { ...error.details, attempts }
  return new HyperdeltaError('NETWORK_ERROR', networkMessage(where, details), {
    cause: error.cause,
    retryable: error.retryable,
    details,
  })
}

/** The caller's AbortSignal fired. Retryable: running the same call again may succeed. */
export function abortedError(layer: string, what: string, cause?: unknown): HyperdeltaError {
  return new HyperdeltaError('ABORTED', `${layer}: ${what} aborted`, { cause, retryable: true, details: {} })
}

/** A response body that does not match its zod schema (or is not JSON/XML at all). */
export function invalidResponseError(
  layer: string,
  ctx: RequestContext,
  status: number,
  problem: string,
  body: string,
): HyperdeltaError {
  return new HyperdeltaError(
    'RESPONSE_INVALID',
    `${layer}: unexpected response to ${ctx.method} ${ctx.url} (HTTP ${status}): ${problem}`,
    {
      details: {
        status,
        method: ctx.method,
        url: ctx.url,
        requestId: ctx.requestId,
        problem,
        body: truncateBody(body),
      },
    },
  )
}

/**
 * The `mapError` of a request to `endpoint`: an API_ERROR whose Tableau code the protocol catalogue documents for the
 * endpoint (or for another endpoint of its resource) is re-thrown as that kind, with `details.resource`,
 * `details.endpoint`, `details.tableauCode` and the HTTP details; `cause` is the API_ERROR. Anything else, and
 * undocumented codes, pass through unchanged. `what` rewords the message (`virtual connection: delete failed: …`).
 */
export function documentedErrors(
  endpoint: EndpointName,
  o: { what?: string; virtualConnection?: string | undefined } = {},
): (error: unknown) => unknown {
  return (error) => {
    if (!isHyperdeltaError(error, 'API_ERROR')) return error
    const { tableauCode, summary, detail } = error.details
    if (tableauCode === undefined) return error
    const kind = documentedErrorKind(endpoint, tableauCode, `${summary ?? ''} ${detail ?? ''}`)
    if (kind === undefined) return error
    const resource = ENDPOINTS[endpoint].resource
    const why = [tableauCode, summary, detail].filter((s) => s !== undefined && s !== '').join(' ')
    const message = o.what === undefined ? error.message : `${o.what} failed: ${why}`
    return new HyperdeltaError(kind, message, {
      cause: error,
      retryable: false,
      details: {
        ...error.details,
        tableauCode,
        resource,
        endpoint,
        ...(o.virtualConnection !== undefined && { virtualConnection: o.virtualConnection }),
      },
    })
  }
}
