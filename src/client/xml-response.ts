import { XMLParser } from 'fast-xml-parser'

/**
 * Turns a Tableau XML response into the shape Tableau's JSON rendering has (spec §2.5), so the rest of
 * the client sees one shape whichever format a server answers in:
 * - the `tsResponse` root is dropped, its children become top-level keys;
 * - attributes become string properties (values stay strings, as in the JSON rendering);
 * - a text-only element becomes a string; an element with attributes and text becomes `{ …attrs, value }`;
 * - an empty element becomes `{}` (the JSON rendering of an empty collection);
 * - a repeated child becomes an array, a single child stays an object (the zod schemas accept both).
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  textNodeName: 'value',
  // Tableau bodies carry no entities beyond the XML builtins; keep DOCTYPE expansion off.
  processEntities: true,
  htmlEntities: false,
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
const ROOT_NOISE = new Set(['xmlns', 'schemaLocation'])

function normalize(node: unknown): unknown {
  if (node === '') return {}
  if (Array.isArray(node)) return node.map(normalize)
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) out[k] = normalize(v)
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
  if (root === '' || root === null || typeof root !== 'object') return {}
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (!ROOT_NOISE.has(k)) out[k] = normalize(v)
  }
  const vc = out['virtualConnection'] as Record<string, unknown> | undefined
  if (typeof vc?.['content'] === 'string') vc['content'] = decodeXmlText(vc['content'])
  return out
}
