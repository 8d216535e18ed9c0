import type { IncomingMessage } from 'node:http'
import type { XMLParser } from 'fast-xml-parser'
import { xmlParser } from '../../internal.js'
import { ApiError, badRequest } from './api-error.js'

/** Reads a small request body (sign-in, PATCH, publish metadata) up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new ApiError(413, '413000', 'Payload Too Large', `The request body exceeds ${limit} bytes.`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Attribute values arrive exactly as sent (names keep their spaces; character references such as `&#10;` are
 * decoded): no trimming. The whitespace between elements that this leaves as `#text` is dropped by
 * {@link withoutLayout}.
 */
const xml = xmlParser('attributes', { attributeNamePrefix: '' })

const TEXT = '#text'
const isLayout = (v: unknown): boolean => typeof v === 'string' && v.trim() === ''

/** Drops whitespace-only text nodes (indentation between elements); attribute values are left as they are. */
function withoutLayout(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLayout)
  if (typeof node !== 'object' || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) if (!(k === TEXT && isLayout(v))) out[k] = withoutLayout(v)
  return out
}

/** How a body is read: the XML parser, and the error for a malformed body (400000 unless a method documents another). */
export interface DocumentReading {
  parser?: XMLParser
  malformed?: (detail: string) => ApiError
}

/**
 * Parses a `tsRequest` body: JSON when the Content-Type says json, XML otherwise (TSC sends no
 * Content-Type on sign-in, docs/protocol.md §2.3). Returns the children of tsRequest (XML) or the JSON object.
 */
export function parseRequestDocument(
  body: Buffer,
  contentType: string | undefined,
  { parser = xml, malformed = badRequest }: DocumentReading = {},
): Record<string, unknown> {
  const text = body.toString('utf8')
  if (contentType?.toLowerCase().includes('json')) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw malformed('The request body is not valid JSON.')
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw malformed('The body is not an object.')
    }
    return value as Record<string, unknown>
  }
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(text, true) as Record<string, unknown>
  } catch {
    throw malformed('The request body is missing or contains malformed XML.')
  }
  const root = parser === xml ? withoutLayout(doc['tsRequest']) : doc['tsRequest']
  if (root === '' || (parser === xml && isLayout(root))) return {} // `<tsRequest/>` or `<tsRequest></tsRequest>`
  if (typeof root !== 'object' || root === null) throw malformed('The request body has no tsRequest element.')
  return root as Record<string, unknown>
}

/** A nested object property, or undefined. */
export function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = (value as Record<string, unknown>)[key]
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

/** A string property, or undefined. */
export function stringAt(value: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = value?.[key]
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined
}

/** A repeated element (`<tag/><tag/>` or a JSON array) as a list; one element or none works too. */
export function listAt(value: unknown, key: string): unknown[] {
  if (typeof value !== 'object' || value === null) return []
  const v = (value as Record<string, unknown>)[key]
  if (v === undefined || v === null || v === '') return []
  return Array.isArray(v) ? v : [v]
}

/** Reads and parses a small `tsRequest` body (XML, or JSON when the Content-Type says so); empty → {}. */
export async function readRequestDocument(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 1024 * 1024)
  if (body.toString('utf8').trim() === '') return {}
  return parseRequestDocument(body, req.headers['content-type'])
}
