import { createHash } from 'node:crypto'
import type { WireAction } from '../actions/wire-schema.js'

/** Everything that makes one request distinct on the server. */
export interface RequestIdentity {
  /** Site LUID (undefined only for a client that does not report one). */
  siteId: string | undefined
  /** Data source LUID the PATCH goes to. */
  datasourceId: string
  /** Connection LUID when the PATCH targets `…/connections/{id}/data`. */
  connectionId: string | undefined
  runId: string
  /** Position of the request in the plan. */
  index: number
  payloadSha256: string | undefined
  actions: readonly WireAction[]
  /** Bumped after a job that applied nothing (failed, cancelled, or a replay of such a job). */
  attempt: number
}

/**
 * A request's RequestID, derived from everything that makes it distinct: where it goes (site, data
 * source, connection), the run, its position, its payload's sha256, its actions and the attempt.
 * The same request retried or resumed sends the same id, so the server applies it at most once (it
 * ignores a repeated RequestID for 24 h); the same run id pushed to another data source or site
 * sends another id, so it is never mistaken for the first one.
 */
export function deriveRequestId(parts: RequestIdentity): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        'hyperdelta-request/2',
        parts.siteId ?? null,
        parts.datasourceId,
        parts.connectionId ?? null,
        parts.runId,
        parts.index,
        parts.payloadSha256 ?? null,
        parts.actions,
        parts.attempt,
      ]),
    )
    .digest('hex')
  // UUID layout (version nibble 5-like, variant bits set) so servers that expect a UUID accept it.
  const h = hash.slice(0, 32).split('')
  h[12] = '5'
  h[16] = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
}
