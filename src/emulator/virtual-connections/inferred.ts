/**
 * Every virtual-connection behaviour of the emulator that the reference page leaves open, in one
 * place. When a real Tableau server disagrees, edit it here and nowhere else.
 */
import type { VConnDatabaseConnection } from '../store/virtual-connections.js'

/** Documented: the capabilities a virtual connection accepts (names match case-insensitively). */
export const VCONN_CAPABILITIES = ['Read', 'Connect', 'Overwrite', 'ChangeHierarchy', 'Delete', 'ChangePermissions']

/**
 * INFERRED: capability names Tableau defines for other content types. Naming one of these answers
 * 400009 "Invalid capability" (valid elsewhere, not here); any other name answers 404014.
 */
export const OTHER_TABLEAU_CAPABILITIES = [
  'AddComment',
  'CreateRefreshMetrics',
  'Execute',
  'ExportData',
  'ExportImage',
  'ExportXml',
  'ExtractRefresh',
  'Filter',
  'InheritedProjectLeader',
  'ProjectLeader',
  'RunExplainData',
  'SaveAs',
  'ShareView',
  'ViewComments',
  'ViewUnderlyingData',
  'WebAuthoring',
  'WebAuthoringForFlows',
  'Write',
]

/**
 * INFERRED: drafts (publishAsDraft=true, the page's default) get their own LUID, are downloadable,
 * updatable and deletable by it, do not clash with active names, and are not listed by List
 * Virtual Connections (they are work in progress in the web editor).
 */
export const DRAFTS_ARE_LISTED = false

/**
 * INFERRED: publishing an active virtual connection whose name exists in the project without
 * overwrite=true answers with the name-clash error Update documents (409124).
 */
export const PUBLISH_NAME_CLASH = { status: 409, code: '409124', summary: 'Conflict' } as const

/** INFERRED: an unknown database connection id on …/connections/{id}/modify (the page lists none). */
export const DB_CONNECTION_NOT_FOUND = { status: 404, code: '404049', summary: 'Virtual connection not found' } as const

/**
 * INFERRED (the page does not document the content schema): the database connections of a
 * virtual connection are read from the content's top-level `connections` array, each element
 * `{ id?, dbClass | connectionType, serverAddress | server, serverPort | port, userName | username }`.
 * Content without such an array has no database connections. The content itself is kept verbatim.
 */
export function connectionsFromContent(content: string, newId: () => string): VConnDatabaseConnection[] {
  let doc: unknown
  try {
    doc = JSON.parse(content)
  } catch {
    return []
  }
  const list = (doc as { connections?: unknown } | null)?.connections
  if (!Array.isArray(list)) return []
  const str = (o: Record<string, unknown>, ...keys: string[]): string => {
    for (const k of keys) if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k])
    return ''
  }
  return list
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .map((c) => ({
      id: str(c, 'id') || newId(),
      dbClass: str(c, 'dbClass', 'connectionType', 'class'),
      serverAddress: str(c, 'serverAddress', 'server'),
      serverPort: str(c, 'serverPort', 'port'),
      userName: str(c, 'userName', 'username'),
    }))
}

/**
 * INFERRED: Add Virtual Connection Permissions answers the virtual connection's whole permission set after the
 * change (the page's example body does not say whether only the added grants are echoed). Each site also has an
 * "All Users" group holding every user, as Tableau sites do.
 */
export const ADD_PERMISSIONS_ANSWERS_ALL_GRANTS = true
