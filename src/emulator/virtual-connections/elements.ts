import { collection, type Element, el, textEl } from '../http/document.js'
import type { EmulatorState } from '../runtime/state.js'
import { restTimestamp } from '../store/catalog.js'
import type { VConnDatabaseConnection, VConnGrant, VConnRecord } from '../store/virtual-connections.js'

/** The list item of List Virtual Connections. */
export function vconnListElement(state: EmulatorState, v: VConnRecord): Element {
  const site = state.catalog.site(v.siteId)
  return el('virtualConnection', {
    createdAt: v.createdAt,
    hasExtracts: false,
    id: v.id,
    isCertified: v.isCertified,
    name: v.name,
    updatedAt: v.updatedAt,
    webpageUrl: `${state.url}/#/site/${site?.contentUrl ?? ''}/virtualconnections/${v.number}`,
  })
}

/** Download (and Download Revision): name, project, owner and the content text. */
export function vconnContentElement(v: VConnRecord, content: string): Element {
  return el('virtualConnection', { name: v.name }, [
    el('project', { id: v.projectId }),
    el('owner', { id: v.ownerId }),
    textEl('content', content),
  ])
}

/** Publish's 201 body. */
export function vconnPublishedElement(v: VConnRecord): Element {
  return el('virtualConnection', { id: v.id, name: v.name }, [el('project', { id: v.projectId })])
}

/** Update's 200 body (certificationNote only when set). */
export function vconnUpdatedElement(v: VConnRecord): Element {
  return el(
    'virtualConnection',
    { id: v.id, isCertified: v.isCertified, certificationNote: v.certificationNote, name: v.name },
    [el('project', { id: v.projectId }), el('owner', { id: v.ownerId })],
  )
}

export function dbConnectionElement(c: VConnDatabaseConnection, withClass = true): Element {
  return el('connection', {
    id: c.id,
    serverAddress: c.serverAddress,
    ...(withClass && { dbClass: c.dbClass }),
    serverPort: c.serverPort,
    userName: c.userName,
  })
}

export function tagsElement(tags: readonly string[]): Element {
  return collection(
    'tags',
    tags.map((label) => el('tag', { label })),
  )
}

/** `<permissions><virtualConnection/><granteeCapabilities/>…</permissions>`, one set per grantee. */
export function permissionsElement(v: VConnRecord, grants: readonly VConnGrant[] = v.grants): Element {
  const byGrantee = new Map<string, VConnGrant[]>()
  for (const g of grants) {
    const key = `${g.granteeType}:${g.granteeId}`
    byGrantee.set(key, [...(byGrantee.get(key) ?? []), g])
  }
  const sets = [...byGrantee.values()].map(
    (grants): Element => ({
      ...el('granteeCapabilities', undefined, [
        el(grants[0]!.granteeType, { id: grants[0]!.granteeId }),
        collection(
          'capabilities',
          grants.map((g) => el('capability', { name: g.capability, mode: g.mode })),
        ),
      ]),
      repeated: true,
    }),
  )
  return el('permissions', undefined, [
    el('virtualConnection', { id: v.id, name: v.name }, [el('owner', { id: v.ownerId })]),
    ...sets,
  ])
}

export const now = (): string => restTimestamp()
