import type { IncomingMessage } from 'node:http'
import { XMLParser } from 'fast-xml-parser'
import { ApiError } from './api-error.js'
import { readBody } from './body.js'

/**
 * Reads a virtual-connection request body (XML `tsRequest` or JSON) without touching text values:
 * no trimming, no number parsing, every XML entity (also `&#13;`) decoded, so the content element
 * arrives exactly as the client escaped it and a download → publish round trip stays exact.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
})

/** Parses the body; malformed input throws `badRequest` (400000 unless a method documents another code). */
export async function readVConnDocument(
  req: IncomingMessage,
  malformed: (detail: string) => ApiError = (d) => new ApiError(400, '400000', 'Bad Request', d),
): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 64 * 1024 * 1024)).toString('utf8')
  if (req.headers['content-type']?.toLowerCase().includes('json')) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw malformed('The request body is not valid JSON.')
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw malformed('The body is not an object.')
    return value as Record<string, unknown>
  }
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(text, true) as Record<string, unknown>
  } catch {
    throw malformed('The request body is missing or contains malformed XML.')
  }
  const root = doc['tsRequest']
  if (typeof root !== 'object' || root === null) throw malformed('The request body has no tsRequest element.')
  return root as Record<string, unknown>
}

/** A child that may be one object or a list (XML parsers and JSON both produce either). */
export function listAt(value: unknown, key: string): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return []
  const v = (value as Record<string, unknown>)[key]
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
}
