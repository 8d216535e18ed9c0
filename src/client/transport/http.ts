import { type Dispatcher, request } from 'undici'
import type { z } from 'zod'
import type { Environment } from '../../environment.js'
import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import type { ApiRequest, Send } from './api-request.js'
import {
  abortedError,
  apiError,
  invalidResponseError,
  networkError,
  type RequestContext,
  redactSecrets,
  truncateBody,
} from './client-errors.js'
import { errorBodySchema } from './responses.js'
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js'
import { vdsErrorFields } from './vds-error-envelope.js'
import { xmlToJsonShape } from './xml-response.js'

// The one place that talks to undici: sends one request, reads and decodes the answer (JSON, or XML mapped to the
// JSON shape), turns non-success statuses into API_ERROR and validates success bodies with zod.

/**
 * Time limits of one HTTP exchange, so a server that accepts a connection and never answers fails
 * (as a retryable NETWORK_ERROR) instead of hanging the run.
 */
export interface HttpTimeouts {
  /** From the request being sent (body included; a body still streaming keeps it alive) to the response headers. */
  headersMs: number
  /** Longest silence between two chunks of the response body. */
  bodyMs: number
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({
  headersMs: 120_000,
  bodyMs: 120_000,
})

/** The request time limits of a client: defaults filled in, each a positive number of ms (`CONFIG_INVALID`). */
export function httpTimeouts(given: Partial<HttpTimeouts> | undefined): HttpTimeouts {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...given }
  for (const [field, ms] of Object.entries(timeouts)) {
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new HyperdeltaError('CONFIG_INVALID', `client: timeouts.${field} must be a positive number of ms`, {
        details: { field: `timeouts.${field}` },
      })
    }
  }
  return timeouts
}

/** What the HTTP layer needs from its surroundings (all injected). */
export interface HttpConfig {
  origin: string
  dispatcher?: Dispatcher | undefined
  /** Headers and body time limits (default {@link DEFAULT_HTTP_TIMEOUTS}). */
  timeouts?: HttpTimeouts | undefined
  env: Pick<Environment, 'now' | 'logger'>
  /** Secrets to scrub from any body excerpt that ends up in an error. */
  secrets: () => readonly string[]
}

/** Decodes a body: JSON when it looks like JSON, else XML (docs/protocol.md §2.3: servers answer XML unless asked otherwise). */
function decode(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const t = text.trim()
  if (t === '') return { ok: true, value: undefined }
  try {
    if (t.startsWith('{') || t.startsWith('[')) return { ok: true, value: JSON.parse(t) }
    if (t.startsWith('<')) return { ok: true, value: xmlToJsonShape(t) }
  } catch (e) {
    return { ok: false, problem: `unreadable body (${(e as Error).message.slice(0, 80)})` }
  }
  return { ok: false, problem: 'body is neither JSON nor XML' }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Tableau's error fields, scrubbed of secrets (a server may echo what it was sent). */
function tableauError(
  value: unknown,
  secrets: readonly string[],
): { code?: string; summary?: string; detail?: string } | undefined {
  const parsed = errorBodySchema.safeParse(value)
  // The VizQL Data Service answers errors in its own envelope (`{ errorCode, message }`).
  const e = parsed.success ? parsed.data.error : vdsErrorFields(value)
  if (e === undefined) return undefined
  return {
    ...(e.code !== undefined && { code: e.code }),
    ...(e.summary !== undefined && { summary: redactSecrets(e.summary, secrets) }),
    ...(e.detail !== undefined && { detail: redactSecrets(e.detail, secrets) }),
  }
}

/** Zod issues in one short line: `job.id: expected string; …`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

/**
 * The innermost layer: sends one request (its `path` already resolved after the origin) and returns the validated
 * body. Throws NETWORK_ERROR (no answer), ABORTED (signal), API_ERROR (non-success status, or a 2xx carrying an
 * `error` body) or RESPONSE_INVALID (schema mismatch).
 */
/** host:port of the server origin (never the userinfo or path). */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host
  } catch {
    return 'the server'
  }
}

export function httpLayer(config: HttpConfig): Send {
  return async (call) => (await sendOnce(config, call)).value
}

async function sendOnce<S extends z.ZodType>(
  runtime: HttpConfig,
  call: ApiRequest<S>,
): Promise<{ value: z.output<S>; status: number }> {
  const logger = runtime.env.logger
  const attempt = call.attempt ?? 1
  const ctx: RequestContext = {
    method: call.method,
    url: call.path,
    ...(call.requestId !== undefined && { requestId: call.requestId }),
  }
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'hyperdelta', ...call.headers }
  const started = runtime.env.now()
  const timeouts = runtime.timeouts ?? DEFAULT_HTTP_TIMEOUTS
  let status: number
  let answerHeaders: Record<string, string | string[] | undefined>
  let text: string
  try {
    const res = await request(runtime.origin + call.path, {
      method: call.method,
      headers,
      ...(call.body !== undefined && { body: call.body() }),
      ...(runtime.dispatcher !== undefined && { dispatcher: runtime.dispatcher }),
      ...(call.signal !== undefined && { signal: call.signal }),
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    })
    status = res.statusCode
    answerHeaders = res.headers
    if (call.sink && call.expect.includes(status)) {
      await call.sink(res.body, answerHeaders)
      return { value: undefined as z.output<S>, status }
    }
    text = await res.body.text()
  } catch (cause) {
    if (call.signal?.aborted) throw abortedError(call.label, `${call.method} ${call.path}`, cause)
    if (cause instanceof HyperdeltaError) throw cause // a sink's own failure (e.g. the target file), not the network
    logger.debug('client: request failed', {
      method: call.method,
      path: call.path,
      attempt,
      durationMs: runtime.env.now() - started,
      reason: (cause as { code?: string }).code,
    })
    throw networkError(call.label, { ...ctx, host: hostOf(runtime.origin) }, cause)
  }
  logger.debug('client: request', {
    method: call.method,
    path: call.path,
    status,
    attempt,
    durationMs: runtime.env.now() - started,
    ...(call.requestId !== undefined && { requestId: call.requestId }),
  })
  const decoded = decode(text)
  const excerpt = () => truncateBody(redactSecrets(text, runtime.secrets()))
  if (!call.expect.includes(status)) {
    const tableau = decoded.ok ? tableauError(decoded.value, runtime.secrets()) : undefined
    const retryAfterMs = parseRetryAfter(header(answerHeaders, 'retry-after'), runtime.env.now())
    throw apiError(call.label, ctx, status, tableau ?? {}, {
      retryable: isRetryableStatus(status),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      body: excerpt(),
    })
  }
  if (!decoded.ok) throw invalidResponseError(call.label, ctx, status, decoded.problem, excerpt())
  // Some Tableau endpoints answer 2xx with an error envelope (docs/protocol.md §2.6 quirk).
  const quirk = decoded.value !== null && typeof decoded.value === 'object' && 'error' in decoded.value
  if (quirk) {
    throw apiError(call.label, ctx, status, tableauError(decoded.value, runtime.secrets()) ?? {}, {
      retryable: false,
      body: excerpt(),
    })
  }
  const parsed = call.schema.safeParse(decoded.value ?? {})
  if (!parsed.success) throw invalidResponseError(call.label, ctx, status, describeIssues(parsed.error), excerpt())
  return { value: parsed.data, status }
}

/**
 * True for API_ERROR answers that mean "sign in again". INFERRED (docs/protocol.md §4.3 recommendation): every 401 from a call
 * that carried a token — 401000 and 401002 both occur for expired, invalid or superseded tokens.
 */
export function isAuthExpired(error: unknown): error is HyperdeltaError<'API_ERROR'> {
  return isHyperdeltaError(error, 'API_ERROR') && error.details.status === 401
}
