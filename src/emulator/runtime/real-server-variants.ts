import type { RouteName } from '../core/faults.js'
import type { ServerPersonality } from '../core/personality.js'
import type { AttrValue, Element } from '../http/document.js'
import type { Reply } from './state.js'

/**
 * Personality `realServerVariants`: the emulator answers in the shapes real servers are known to send where they
 * differ from the reference pages (docs/protocol.md §12), so the client's
 * tolerance for them is tested over the wire. Applied to a handler's reply after it is built; the documented
 * shapes stay the default.
 */
export type RealServerVariant = NonNullable<ServerPersonality['realServerVariants']>

/** Attribute renames of a `<connection>` for each variant (documented name → the name this server sends). */
const CONNECTION_RENAMES: Readonly<Record<RealServerVariant, Readonly<Record<string, string>>>> = {
  username: { userName: 'username' },
  connectionId: { id: 'connectionId', serverAddress: 'server', serverPort: 'port', userName: 'username' },
}

function renamed(e: Element, renames: Readonly<Record<string, string>>): Element {
  if (e.tag !== 'connection' || !e.attrs) return e
  const attrs: Record<string, AttrValue> = {}
  for (const [k, v] of Object.entries(e.attrs)) attrs[renames[k] ?? k] = v
  return { ...e, attrs }
}

/** `<virtualConnectionConnections><connection/></…>` → the bare `<connection/>`. */
function bare(body: readonly Element[]): readonly Element[] {
  return body.flatMap((e) => (e.tag === 'virtualConnectionConnections' ? (e.children ?? []) : [e]))
}

/**
 * Drops the `id` attribute of the top-level `<virtualConnection>` of Update's answer. Not Publish's: Tableau's Python
 * client takes the published id from that answer and fails on every later call without it, so a server answering
 * that way is not one its users run (the client still copes, finding the id by name).
 */
function withoutId(body: readonly Element[]): readonly Element[] {
  return body.map((e) => {
    if (e.tag !== 'virtualConnection' || !e.attrs) return e
    const { id: _dropped, ...attrs } = e.attrs
    return { ...e, attrs }
  })
}

/** The reply as a server with this personality sends it (unchanged without the personality or for other routes). */
export function realServerReply(personality: ServerPersonality, route: RouteName, reply: Reply): Reply {
  const variant = personality.realServerVariants
  if (variant === undefined || !reply.body) return reply
  const renames = CONNECTION_RENAMES[variant]
  const rename = (body: readonly Element[]): Element[] =>
    body.map((e) =>
      e.tag === 'virtualConnectionConnections'
        ? { ...e, children: (e.children ?? []).map((c) => renamed(c, renames)) }
        : renamed(e, renames),
    )
  switch (route) {
    case 'listVirtualConnectionConnections':
      return { ...reply, body: rename(reply.body) }
    case 'updateVirtualConnectionConnection':
      return { ...reply, body: rename(bare(reply.body)) }
    case 'updateVirtualConnection':
      return { ...reply, body: withoutId(reply.body) }
    default:
      return reply
  }
}
