import { describe, expect, it } from 'vitest'
import { xmlParser } from '../../../src/protocol/xml.js'

// The one XML reader set-up: the two modes differ only in how element text is read; attributes are read exactly in
// both, and the tree layout (prefix, text key, raw elements) is each side's own choice.

const DOC =
  '<ts:tsRequest xmlns:ts="http://tableau.com/api"><user name=" Ann &#10;B " id="007"/><n>007</n><t>true</t>' +
  '<c kind="x">&#13;{"a": 1}</c></ts:tsRequest>'

/** The children of the parsed root (`tsRequest`, its namespace prefix removed). */
function rootOf(parsed: unknown): Record<string, unknown> {
  return (parsed as { tsRequest: Record<string, unknown> }).tsRequest
}

describe('xmlParser', () => {
  it('attributes mode: attribute values exact, element text that looks like a number or boolean read as one', () => {
    const doc = rootOf(xmlParser('attributes', { attributeNamePrefix: '' }).parse(DOC))
    expect(doc['user']).toEqual({ name: ' Ann \nB ', id: '007' })
    expect(doc['n']).toBe(7)
    expect(doc['t']).toBe(true)
    expect(doc['c']).toEqual({ kind: 'x', '#text': '\r{"a": 1}' })
  })

  it('exact mode: element text kept as sent (entities decoded), so a document round-trips', () => {
    const doc = rootOf(xmlParser('exact', { attributeNamePrefix: '' }).parse(DOC))
    expect(doc['user']).toEqual({ name: ' Ann \nB ', id: '007' })
    expect(doc['n']).toBe('007')
    expect(doc['t']).toBe('true')
    expect(doc['c']).toEqual({ kind: 'x', '#text': '\r{"a": 1}' })
  })

  it("the layout is the side's own: attribute prefix, text key and raw (stop) elements", () => {
    const parser = xmlParser('exact', { attributeNamePrefix: '@', textNodeName: 'value', stopNodes: ['tsRequest.c'] })
    const doc = rootOf(parser.parse(DOC))
    expect(doc['user']).toEqual({ '@name': ' Ann \nB ', '@id': '007' })
    expect(doc['c']).toEqual({ '@kind': 'x', value: '&#13;{"a": 1}' })
  })
})
