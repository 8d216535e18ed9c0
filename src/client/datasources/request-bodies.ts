import type { ConnectionChanges, DatasourceChanges, KeychainDestination, PublishDatasourceOptions } from './types.js'

// The XML request bodies of the Data Sources methods, in the form the reference page shows (the emulator and
// Tableau accept XML for all of them; Add Tags is documented in XML only). Built here once; golden-tested.

// Tab, CR and LF as character references: an XML parser turns them into spaces in an attribute value otherwise.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
}
const escapeXml = (s: string): string => s.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c]!)

type Attrs = Record<string, string | number | boolean | undefined>
function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
}
const tag = (name: string, a: Attrs, inner = ''): string =>
  inner === '' ? `<${name}${attrs(a)} />` : `<${name}${attrs(a)}>${inner}</${name}>`
const request = (inner: string): string => `<tsRequest>${inner}</tsRequest>`

/** Publish's `request_payload`: `<datasource name description useRemoteQueryAgent><connectionCredentials/><project/>`. */
export function publishPayload(o: PublishDatasourceOptions): string {
  const c = o.credentials
  const inner =
    (c ? tag('connectionCredentials', { name: c.name, password: c.password, embed: c.embed, oAuth: c.oAuth }) : '') +
    (o.projectId !== undefined ? tag('project', { id: o.projectId }) : '')
  return request(
    tag('datasource', { name: o.name, description: o.description, useRemoteQueryAgent: o.useRemoteQueryAgent }, inner),
  )
}

/** Update Data Source: attributes and `<project id/>` / `<owner id/>` only for what changes. */
export function updateDatasourceBody(c: DatasourceChanges): string {
  const inner =
    (c.projectId !== undefined ? tag('project', { id: c.projectId }) : '') +
    (c.ownerId !== undefined ? tag('owner', { id: c.ownerId }) : '')
  return request(
    tag(
      'datasource',
      {
        name: c.name,
        isCertified: c.isCertified,
        certificationNote: c.certificationNote,
        encryptExtracts: c.encryptExtracts,
        description: c.description,
        useRemoteQueryAgent: c.useRemoteQueryAgent,
      },
      inner,
    ),
  )
}

/** Update Data Source Connection: `<connection serverAddress serverPort userName password embedPassword …/>`. */
export function updateConnectionBody(c: ConnectionChanges): string {
  return request(
    tag('connection', {
      serverAddress: c.serverAddress,
      serverPort: c.serverPort,
      userName: c.userName,
      password: c.password,
      embedPassword: c.embedPassword,
      queryTaggingEnabled: c.queryTaggingEnabled,
    }),
  )
}

/** Add Tags: `<tags><tag label/>…</tags>`. */
export function addTagsBody(labels: readonly string[]): string {
  return request(`<tags>${labels.map((label) => tag('tag', { label })).join('')}</tags>`)
}

/** Download Data Source Encrypted Keychain: the three destination elements. */
export function retrieveKeychainBody(d: KeychainDestination): string {
  return request(
    `<destinationSiteUrlNamespace>${escapeXml(d.siteUrlNamespace)}</destinationSiteUrlNamespace>` +
      `<destinationSiteLuid>${escapeXml(d.siteLuid)}</destinationSiteLuid>` +
      `<destinationServerUrl>${escapeXml(d.serverUrl)}</destinationServerUrl>`,
  )
}

/** Upload Data Source Encrypted Keychain: JSON (the XML form cannot express the user mapping list). */
export function applyKeychainBody(keychains: readonly string[], userMapping: readonly unknown[]): string {
  return JSON.stringify({
    associatedUserLuidMapping: userMapping,
    encryptedKeychainList: { encryptedKeychain: keychains },
  })
}

/** Update Data Source Now: an empty request (the page's example). */
export const REFRESH_BODY = request('')
