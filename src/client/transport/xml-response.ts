import { xmlParser } from '../../protocol/xml.js'

/**
 * Turns a Tableau XML response into the shape Tableau's JSON rendering has (docs/protocol.md §2.5), so the rest of
 * the client sees one shape whichever format a server answers in:
 * - the `tsResponse` root is dropped, its children become top-level keys;
 * - attributes become string properties (values stay strings, as in the JSON rendering);
 * - a text-only element becomes a string; an element with attributes and text becomes `{ …attrs, value }`;
 * - an empty element becomes `{}` (the JSON rendering of an empty collection);
 * - a repeated child becomes an array, a single child stays an object (the zod schemas accept both).
 */
const parser = xmlParser('exact', {
  // Prefixed while parsing so normalize() can tell attribute values (kept exactly: a name's spaces are data)
  // from element text (trimmed, as Tableau's indentation is not); the prefix is dropped there.
  attributeNamePrefix: '@',
  textNodeName: 'value',
  // A virtual connection's content is the user's JSON text: read it raw (no trimming) and decode it below.
  stopNodes: ['tsResponse.virtualConnection.content'],
})

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes the XML escapes of raw element text (builtin entities, character references, CDATA sections). */
export function decodeXmlText(raw: string): string {
  return raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, cdata, ref) => {
    if (cdata !== undefined) return cdata
    if (ref[0] !== '#') return ENTITIES[ref]!
    return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)))
  })
}

/** Namespace bookkeeping on the root that is not data. */
const ROOT_NOISE = new Set(['@xmlns', '@schemaLocation'])

/** Element text is trimmed (whitespace-only text is no text); attribute values stay exactly as sent. */
function normalize(node: unknown): unknown {
  if (typeof node === 'string') return node.trim() === '' ? {} : node.trim()
  if (Array.isArray(node)) return node.map(normalize)
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@')) out[k.slice(1)] = v
      else if (k === 'value' && typeof v === 'string') {
        if (v.trim() !== '') out[k] = v.trim()
      } else out[k] = normalize(v)
    }
    return out
  }
  return node
}

/**
 * Parses an XML body into the JSON mapping. Throws (a plain Error, wrapped by the caller) when the text
 * is not XML with a `tsResponse` root.
 *
 * @example
 * ```ts
 * xmlToJsonShape('<tsResponse xmlns="http://tableau.com/api"><job id="j1" mode="Asynchronous"/></tsResponse>')
 * // { job: { id: 'j1', mode: 'Asynchronous' } }
 * ```
 */
export function xmlToJsonShape(text: string): Record<string, unknown> {
  const doc = parser.parse(text, true) as Record<string, unknown>
  const root = doc['tsResponse']
  if (root === undefined) throw new Error('no tsResponse root element')
  if (root === null || typeof root !== 'object') return {}
  const kept = Object.entries(root as Record<string, unknown>).filter(([k]) => !ROOT_NOISE.has(k))
  const out = normalize(Object.fromEntries(kept)) as Record<string, unknown>
  const raw = (root as Record<string, unknown>)['virtualConnection'] as Record<string, unknown> | undefined
  const content = raw?.['content']
  const vc = out['virtualConnection'] as Record<string, unknown> | undefined
  if (vc && typeof content === 'string' && content !== '') vc['content'] = decodeXmlText(content)
  return out
}
