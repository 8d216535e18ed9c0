import { XMLParser } from 'fast-xml-parser'

// The one XML reader set-up both sides of the protocol use (the client reading responses, the emulator reading
// request bodies). Only how the parser reads is shared: each side maps the parsed tree with its own serialiser (the
// client's zod schemas, the emulator's element model), so a client-against-emulator test still checks two
// independent readings of the reference pages.

/**
 * How element text is read; attributes are read the same way in both modes (kept exactly as sent).
 * - `attributes`: Tableau's request bodies carry their data in attributes; element text that looks like a number or
 *   boolean is read as one (the library's default), and the emulator's readers turn it back into a string.
 * - `exact`: element text too is kept exactly as sent, so a document round-trips byte for byte (a virtual
 *   connection's content downloaded and published again; the client's responses, read as Tableau's JSON rendering
 *   has them, where every value is a string).
 */
export type XmlReadingMode = 'attributes' | 'exact'

/** The layout of the parsed tree, which each side chooses for its own mapping: key names only, never values. */
export interface XmlTreeLayout {
  /** Prefix of attribute keys; '' puts attributes and child elements side by side. */
  readonly attributeNamePrefix: string
  /** Key of an element's text when it also has attributes (the library's `#text` unless set). */
  readonly textNodeName?: string
  /** Elements kept as raw, undecoded text (dotted paths from the root), e.g. a user's JSON document. */
  readonly stopNodes?: readonly string[]
}

/** An XML parser in one of the two reading modes, with the given tree layout. */
export function xmlParser(mode: XmlReadingMode, layout: XmlTreeLayout): XMLParser {
  return new XMLParser({
    // Tableau puts most of its data in attributes.
    ignoreAttributes: false,
    attributeNamePrefix: layout.attributeNamePrefix,
    ...(layout.textNodeName !== undefined && { textNodeName: layout.textNodeName }),
    ...(layout.stopNodes !== undefined && { stopNodes: [...layout.stopNodes] }),
    // `ts:`/`xsi:` prefixes are not data: elements are matched by their local names.
    removeNSPrefix: true,
    // Attribute values stay strings as sent: ids such as `007` and names are data, not numbers.
    parseAttributeValue: false,
    parseTagValue: mode === 'attributes',
    // A name's leading or trailing spaces are data; each side drops the indentation between elements itself.
    trimValues: false,
    // Character and entity references are decoded (`&#10;` in a name, `&#13;` in a content document).
    processEntities: true,
    htmlEntities: true,
  })
}
