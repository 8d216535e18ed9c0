import { HyperdeltaError } from '../errors.js'

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
export function networkError(layer: string, ctx: RequestContext, cause: unknown): HyperdeltaError {
  const c = cause as { code?: unknown; message?: unknown } | undefined
  const reason = typeof c?.code === 'string' ? c.code : typeof c?.message === 'string' ? c.message : 'unknown'
  return new HyperdeltaError('NETWORK_ERROR', `${layer}: ${ctx.method} ${ctx.url} failed: ${reason}`, {
    cause,
    retryable: true,
    details: { method: ctx.method, url: ctx.url, requestId: ctx.requestId, reason },
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
