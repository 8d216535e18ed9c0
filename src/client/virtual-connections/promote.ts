import type {
  DatabaseConnectionUpdate,
  PublishedVirtualConnection,
  VirtualConnectionDatabaseConnection,
} from './types.js'
import type { VirtualConnections } from './virtual-connections-api.js'

/** Anything with a Virtual Connections API: a `TableauClient`, or an object holding one. */
export interface HasVirtualConnections {
  readonly virtualConnections: VirtualConnections
}

export interface PromoteVirtualConnectionOptions {
  /** Where the virtual connection is now (a client signed in to the source site). */
  from: HasVirtualConnections
  /** Its LUID on the source site. */
  id: string
  /** Where it goes (a client signed in to the target site or server). */
  to: HasVirtualConnections
  /** Target project LUID. */
  projectId: string
  /** Name on the target; default: the source name. */
  name?: string
  /** Replace a target of that name (the previous content stays a revision there). Default false. */
  overwrite?: boolean
  publishAsDraft?: boolean
  /**
   * Rewrites a published database connection (server, port, credentials); return undefined to leave it.
   * Called once per database connection of the target after publishing.
   */
  rewrite?: (connection: VirtualConnectionDatabaseConnection) => DatabaseConnectionUpdate | undefined
}

export interface PromotedVirtualConnection {
  published: PublishedVirtualConnection
  /** The database connections that were rewritten, as the target reports them (never with passwords). */
  rewritten: VirtualConnectionDatabaseConnection[]
}

/**
 * Downloads a virtual connection from one site and publishes it to another, unchanged (the API does not support
 * edited content), then points its database connections at the target's databases through Update Virtual
 * Connection Database Connections. Both sides use the same wire format, so the content is copied exactly.
 *
 * @example
 * ```ts
 * await promoteVirtualConnection({
 *   from: dev, id: vcId, to: prod, projectId: prodProject, overwrite: true,
 *   rewrite: (c) => c.serverAddress === 'db.dev' ? { serverAddress: 'db.prod', userName: 'svc', password } : undefined,
 * })
 * ```
 */
export async function promoteVirtualConnection(o: PromoteVirtualConnectionOptions): Promise<PromotedVirtualConnection> {
  const source = await o.from.virtualConnections.download(o.id)
  const target = o.to.virtualConnections
  const published = await target.publish({
    name: o.name ?? source.name,
    projectId: o.projectId,
    content: source.content,
    overwrite: o.overwrite ?? false,
    publishAsDraft: o.publishAsDraft ?? false,
  })
  const rewritten: VirtualConnectionDatabaseConnection[] = []
  if (o.rewrite) {
    const connections: VirtualConnectionDatabaseConnection[] = []
    for await (const c of target.connections(published.id)) connections.push(c)
    for (const c of connections) {
      const update = o.rewrite(c)
      if (update) rewritten.push(await target.updateConnection(published.id, c.id, update))
    }
  }
  return { published, rewritten }
}
