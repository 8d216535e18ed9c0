import { HyperdeltaError } from '../../errors.js'
import {
  type DatabaseConnectionUpdate,
  type GranteeCapabilities,
  type PublishVirtualConnectionRequest,
  type UpdateVirtualConnectionRequest,
  VIRTUAL_CONNECTION_CAPABILITIES,
  type VirtualConnectionFormat,
} from './types.js'

// Request bodies of the Virtual Connections API in both formats. The content is the virtual connection's JSON text:
// in XML it is element text (escaped as XML), in JSON it is a string property (escaped as JSON). Each builder
// escapes for its own format only, so a download → publish round trip in the same format is byte-exact, and the
// content of an XML download can be published as JSON (and back) without any unescaping by the caller.

// A CR and the attribute whitespace are written as references: XML parsers would normalize them.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\n': '&#10;', '\t': '&#9;' }
// Characters XML 1.0 cannot carry at all, not even as references.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

function xmlText(s: string, field: string): string {
  if (NOT_XML.test(s)) {
    throw new HyperdeltaError(
      'CONTENT_INVALID',
      `virtual connection: ${field} holds a control character XML cannot carry; use format 'json'`,
      { details: { field } },
    )
  }
  return s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!)
}
const xmlAttr = (s: string, field: string): string => xmlText(s, field).replace(/["\n\t]/g, (c) => ATTR_ESCAPES[c]!)

/** Attributes in the given order, skipping undefined ones. */
function attrs(entries: [string, string | undefined][]): string {
  return entries
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(v, k)}"`)
    .join('')
}

const wrap = (inner: string): string => `<tsRequest>${inner}</tsRequest>`

/** Checks the content is JSON text before anything is sent (the server answers a bare 400201 otherwise). */
export function checkContent(content: unknown): string {
  if (typeof content !== 'string' || content.trim() === '') {
    throw new HyperdeltaError('CONTENT_INVALID', 'virtual connection: content must be the JSON text of a download', {
      details: { field: 'content' },
    })
  }
  try {
    JSON.parse(content)
  } catch (e) {
    throw new HyperdeltaError('CONTENT_INVALID', `virtual connection: content is not JSON (${(e as Error).message})`, {
      details: { field: 'content' },
    })
  }
  return content
}

/** Publish Virtual Connection. */
export function publishBody(r: PublishVirtualConnectionRequest, format: VirtualConnectionFormat): string {
  const content = checkContent(r.content)
  if (format === 'json') {
    return JSON.stringify({
      virtualConnection: { project: { id: r.projectId }, owner: { id: r.ownerId }, content, name: r.name },
    })
  }
  return wrap(
    `<virtualConnection${attrs([['name', r.name]])}><project${attrs([['id', r.projectId]])}/>` +
      `<owner${attrs([['id', r.ownerId]])}/><content>${xmlText(content, 'content')}</content></virtualConnection>`,
  )
}

/** Update Virtual Connection (only the given attributes). */
export function updateBody(r: UpdateVirtualConnectionRequest, format: VirtualConnectionFormat): string {
  const certified = r.isCertified === undefined ? undefined : String(r.isCertified)
  if (format === 'json') {
    return JSON.stringify({
      virtualConnection: {
        name: r.name,
        isCertified: r.isCertified,
        certificationNote: r.certificationNote,
        ...(r.projectId !== undefined && { project: { id: r.projectId } }),
        ...(r.ownerId !== undefined && { owner: { id: r.ownerId } }),
      },
    })
  }
  const head = attrs([
    ['name', r.name],
    ['isCertified', certified],
    ['certificationNote', r.certificationNote],
  ])
  const project = r.projectId === undefined ? '' : `<project${attrs([['id', r.projectId]])}/>`
  const owner = r.ownerId === undefined ? '' : `<owner${attrs([['id', r.ownerId]])}/>`
  return wrap(`<virtualConnection${head}>${project}${owner}</virtualConnection>`)
}

/** Update Virtual Connection Database Connections (…/connections/{id}/modify). */
export function dbConnectionBody(u: DatabaseConnectionUpdate, format: VirtualConnectionFormat): string {
  const port = u.serverPort === undefined ? undefined : String(u.serverPort)
  if (port !== undefined && !/^\d{1,5}$/.test(port)) {
    throw new HyperdeltaError('CONFIG_INVALID', `virtual connection: serverPort must be a port number, got "${port}"`, {
      details: { field: 'serverPort' },
    })
  }
  if (format === 'json') {
    return JSON.stringify({
      connection: { serverAddress: u.serverAddress, serverPort: port, userName: u.userName, password: u.password },
    })
  }
  return wrap(
    `<connection${attrs([
      ['serverAddress', u.serverAddress],
      ['serverPort', port],
      ['userName', u.userName],
      ['password', u.password],
    ])}/>`,
  )
}

/** Add Tags to Virtual Connection. */
export function tagsBody(labels: readonly string[], format: VirtualConnectionFormat): string {
  if (labels.length === 0 || labels.some((l) => l.trim() === '')) {
    throw new HyperdeltaError('CONFIG_INVALID', 'virtual connection: tags must be one or more non-empty labels', {
      details: { field: 'tags' },
    })
  }
  if (format === 'json') return JSON.stringify({ tags: { tag: labels.map((label) => ({ label })) } })
  return wrap(`<tags>${labels.map((l) => `<tag${attrs([['label', l]])}/>`).join('')}</tags>`)
}

/** The capabilities of one grant, in the API's order; unknown names or modes fail before sending. */
export function capabilityList(g: GranteeCapabilities): { name: string; mode: string }[] {
  const entries = Object.entries(g.capabilities)
  for (const [name, mode] of entries) {
    if (
      !(VIRTUAL_CONNECTION_CAPABILITIES as readonly string[]).includes(name) ||
      (mode !== 'Allow' && mode !== 'Deny')
    ) {
      throw new HyperdeltaError(
        'CONFIG_INVALID',
        `virtual connection: capability ${name}=${String(mode)} is not one of ${VIRTUAL_CONNECTION_CAPABILITIES.join(', ')} with Allow or Deny`,
        { details: { field: 'capabilities', capability: name } },
      )
    }
  }
  if (entries.length === 0) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      `virtual connection: ${g.grantee.type} ${g.grantee.id} has no capabilities`,
      {
        details: { field: 'capabilities' },
      },
    )
  }
  return VIRTUAL_CONNECTION_CAPABILITIES.flatMap((name) => {
    const mode = g.capabilities[name]
    return mode === undefined ? [] : [{ name, mode }]
  })
}

/** The grantee's kind, checked: it names an element of the body and a segment of Delete Permission's path. */
export function granteeType(grantee: { type: unknown }): 'user' | 'group' {
  if (grantee.type === 'user' || grantee.type === 'group') return grantee.type
  throw new HyperdeltaError(
    'CONFIG_INVALID',
    `virtual connection: a grantee's type is user or group, got ${JSON.stringify(grantee.type)}`,
    { details: { field: 'grantee.type', value: grantee.type } },
  )
}

/** Add Virtual Connection Permissions. */
export function permissionsBody(grants: readonly GranteeCapabilities[], format: VirtualConnectionFormat): string {
  if (grants.length === 0) {
    throw new HyperdeltaError('CONFIG_INVALID', 'virtual connection: permissions need at least one grant', {
      details: { field: 'permissions' },
    })
  }
  const sets = grants.map((g) => ({
    grantee: { type: granteeType(g.grantee), id: g.grantee.id },
    caps: capabilityList(g),
  }))
  if (format === 'json') {
    return JSON.stringify({
      permissions: {
        granteeCapabilities: sets.map((s) => ({
          [s.grantee.type]: { id: s.grantee.id },
          capabilities: { capability: s.caps },
        })),
      },
    })
  }
  const xml = sets
    .map(
      (s) =>
        `<granteeCapabilities><${s.grantee.type}${attrs([['id', s.grantee.id]])}/><capabilities>` +
        s.caps
          .map(
            (c) =>
              `<capability${attrs([
                ['name', c.name],
                ['mode', c.mode],
              ])}/>`,
          )
          .join('') +
        '</capabilities></granteeCapabilities>',
    )
    .join('')
  return wrap(`<permissions>${xml}</permissions>`)
}
