/**
 * A tiny response document model rendered two ways, so every endpoint writes its body once:
 * XML in the `tsResponse` envelope (docs/protocol.md §2.4) and JSON by the §2.5 mapping (root dropped,
 * attributes as strings, text-only elements as strings, collections as arrays, empty collection {}).
 */

export type AttrValue = string | number | boolean | bigint | undefined
export interface Element {
  readonly tag: string
  readonly attrs?: Readonly<Record<string, AttrValue>>
  readonly text?: string
  readonly children?: readonly Element[]
  /** A collection (`datasources`, `connections`, `tags`): its children become arrays in JSON. */
  readonly collection?: boolean
  /** A repeatable child of a non-collection parent (`granteeCapabilities`): an array in JSON. */
  readonly repeated?: boolean
}

export const el = (tag: string, attrs?: Record<string, AttrValue>, children?: Element[]): Element => ({
  tag,
  ...(attrs && { attrs }),
  ...(children && { children }),
})
export const textEl = (tag: string, text: string, attrs?: Record<string, AttrValue>): Element => ({
  tag,
  text,
  ...(attrs && { attrs }),
})
export const collection = (tag: string, children: Element[]): Element => ({ tag, children, collection: true })

export const TABLEAU_NAMESPACE = 'http://tableau.com/api'
const XML_HEAD =
  `<?xml version='1.0' encoding='UTF-8'?>\n<tsResponse xmlns="${TABLEAU_NAMESPACE}" ` +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xsi:schemaLocation="http://tableau.com/api https://help.tableau.com/samples/en-us/rest_api/ts-api_3_24.xsd">'

// A carriage return is written as a reference: XML parsers turn a raw CR (LF) into LF, which would change content.
const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
}
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!)
}

function attrEntries(e: Element): [string, string][] {
  return Object.entries(e.attrs ?? {}).flatMap(([k, v]) =>
    v === undefined ? [] : [[k, String(v)] as [string, string]],
  )
}

function xmlOf(e: Element): string {
  const attrs = attrEntries(e)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('')
  const inner = (e.text !== undefined ? escapeXml(e.text) : '') + (e.children ?? []).map(xmlOf).join('')
  return inner === '' ? `<${e.tag}${attrs}/>` : `<${e.tag}${attrs}>${inner}</${e.tag}>`
}

/** The XML body: `<?xml …?><tsResponse xmlns="http://tableau.com/api" …>children</tsResponse>`. */
export function renderXml(children: readonly Element[]): string {
  return `${XML_HEAD}${children.map(xmlOf).join('')}</tsResponse>\n`
}

function jsonOf(e: Element): unknown {
  const attrs = Object.fromEntries(attrEntries(e))
  const children = e.children ?? []
  if (e.collection) {
    const out: Record<string, unknown[]> = {}
    for (const c of children) {
      const items = out[c.tag] ?? []
      items.push(jsonOf(c))
      out[c.tag] = items
    }
    return out
  }
  if (children.length === 0 && e.text !== undefined) {
    return Object.keys(attrs).length === 0 ? e.text : { ...attrs, value: e.text }
  }
  const out: Record<string, unknown> = { ...attrs }
  for (const c of children) {
    if (c.repeated) out[c.tag] = [...((out[c.tag] as unknown[] | undefined) ?? []), jsonOf(c)]
    else out[c.tag] = jsonOf(c)
  }
  return out
}

/** The JSON body: the root is dropped and its children become top-level keys. */
export function renderJson(children: readonly Element[]): string {
  const out: Record<string, unknown> = {}
  for (const c of children) out[c.tag] = jsonOf(c)
  return JSON.stringify(out)
}
