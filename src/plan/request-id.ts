import { createHash } from 'node:crypto'
import type { WireAction } from '../actions/wire-schema.js'

/**
 * A request's RequestID, derived only from what defines the request: the run id, its position, its
 * payload's sha256, its actions and the attempt number. The same request retried or resumed sends
 * the same id, so the server applies it at most once (it ignores repeats for 24 h). The attempt
 * number changes only after a job definitively failed, which applied nothing.
 */
export function deriveRequestId(parts: {
  runId: string
  index: number
  payloadSha256: string | undefined
  actions: readonly WireAction[]
  attempt: number
}): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([parts.runId, parts.index, parts.payloadSha256 ?? null, parts.actions, parts.attempt]))
    .digest('hex')
  // UUID layout (version nibble 5-like, variant bits set) so servers that expect a UUID accept it.
  const h = hash.slice(0, 32).split('')
  h[12] = '5'
  h[16] = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
}
