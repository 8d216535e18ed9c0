import type { IncomingMessage } from 'node:http'
import { xmlParser } from '../../internal.js'
import type { ApiError } from '../http/api-error.js'
import { parseRequestDocument, readBody } from '../http/body.js'

/**
 * Reads a virtual-connection request body (XML `tsRequest` or JSON) without touching text values:
 * no trimming, no number parsing, every XML entity (also `&#13;`) decoded, so the content element
 * arrives exactly as the client escaped it and a download → publish round trip stays exact.
 */
const parser = xmlParser('exact', { attributeNamePrefix: '' })

/** Reads and parses the body with the exact parser; malformed input throws `malformed`. */
export async function readVConnDocument(
  req: IncomingMessage,
  malformed?: (detail: string) => ApiError,
): Promise<Record<string, unknown>> {
  const body = await readBody(req, 64 * 1024 * 1024)
  return parseRequestDocument(body, req.headers['content-type'], { parser, ...(malformed && { malformed }) })
}

/** A child that may be one object or a list (XML parsers and JSON both produce either). */
export function listAt(value: unknown, key: string): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return []
  const v = (value as Record<string, unknown>)[key]
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
}
