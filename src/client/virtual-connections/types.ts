// Public types of the Virtual Connections API (`client.virtualConnections`).

/** The wire format of requests and responses: Tableau's XML (default) or JSON. */
export type VirtualConnectionFormat = 'xml' | 'json'

/** The capabilities a virtual connection accepts. */
export const VIRTUAL_CONNECTION_CAPABILITIES = [
  'Read',
  'Connect',
  'Overwrite',
  'ChangeHierarchy',
  'Delete',
  'ChangePermissions',
] as const
export type VirtualConnectionCapability = (typeof VIRTUAL_CONNECTION_CAPABILITIES)[number]
export type CapabilityMode = 'Allow' | 'Deny'

/** An item of List Virtual Connections. */
export interface VirtualConnectionSummary {
  id: string
  name: string
  createdAt?: string | undefined
  updatedAt?: string | undefined
  hasExtracts?: boolean | undefined
  isCertified?: boolean | undefined
  webpageUrl?: string | undefined
}

/** A downloaded virtual connection (or revision): `content` is its JSON text, exactly as the server sent it. */
export interface DownloadedVirtualConnection {
  name: string
  projectId?: string | undefined
  ownerId?: string | undefined
  content: string
}

export interface PublishVirtualConnectionRequest {
  name: string
  projectId: string
  /** Required by the server, and ignored by it. */
  ownerId: string
  /** The JSON text from a download, unchanged (the server does not support edited content). */
  content: string
  /** Replace an existing virtual connection of that name; the previous content stays as a revision. Default false. */
  overwrite?: boolean
  /** Publish as a draft (a new LUID, finished in the web editor). Default false (the server's own default is true). */
  publishAsDraft?: boolean
}

export interface PublishedVirtualConnection {
  id: string
  name: string
  projectId?: string | undefined
}

/** Update Virtual Connection: attributes left out stay as they are. */
export interface UpdateVirtualConnectionRequest {
  name?: string
  isCertified?: boolean
  certificationNote?: string
  projectId?: string
  ownerId?: string
}

export interface UpdatedVirtualConnection {
  id: string
  name: string
  isCertified?: boolean | undefined
  certificationNote?: string | undefined
  projectId?: string | undefined
  ownerId?: string | undefined
}

export interface VirtualConnectionRevision {
  revisionNumber: number
  publishedAt?: string | undefined
  deleted: boolean
  /** True for the active content (which Download Virtual Connection returns, not Download Revision). */
  current: boolean
  publisher?: { id?: string | undefined; name?: string | undefined } | undefined
}

export interface VirtualConnectionDatabaseConnection {
  id: string
  dbClass?: string | undefined
  serverAddress?: string | undefined
  serverPort?: string | undefined
  userName?: string | undefined
}

/** Update Virtual Connection Database Connections: the fields the API lets you change. */
export interface DatabaseConnectionUpdate {
  serverAddress?: string
  serverPort?: string | number
  userName?: string
  password?: string
}

export interface Grantee {
  type: 'user' | 'group'
  id: string
}

/** One grantee's capabilities, e.g. `{ grantee: { type: 'user', id }, capabilities: { Read: 'Allow' } }`. */
export interface GranteeCapabilities {
  grantee: Grantee
  capabilities: Partial<Record<VirtualConnectionCapability, CapabilityMode>>
}

export interface VirtualConnectionPermissions {
  virtualConnection?: { id: string; name?: string | undefined; ownerId?: string | undefined } | undefined
  /** Present when project permissions are locked. */
  parent?: { id: string; type?: string | undefined } | undefined
  grants: GranteeCapabilities[]
}

/** Filters and sort of List Virtual Connections (`field:operator:value` expressions, joined with commas). */
export interface ListVirtualConnectionsOptions {
  /** e.g. `['name:eq:Batters', 'tags:in:[finance,sales]', 'createdAt:gte:2024-01-01T00:00:00Z']`. */
  filter?: readonly string[]
  /** e.g. `['name:asc']` or `['updatedAt:desc']`. */
  sort?: readonly string[]
  /** 1..1000; default 100. */
  pageSize?: number
  signal?: AbortSignal
}
