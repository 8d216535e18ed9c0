import type { z } from 'zod'
import type { Send } from '../transport/api-request.js'
import { everyPage } from '../transport/pages.js'
import * as api from './endpoints.js'
import { publishedIdByName } from './published-id.js'
import type { permissionsResponseSchema } from './schemas.js'
import type {
  CapabilityMode,
  DatabaseConnectionUpdate,
  DownloadedVirtualConnection,
  Grantee,
  GranteeCapabilities,
  ListVirtualConnectionsOptions,
  PublishedVirtualConnection,
  PublishVirtualConnectionRequest,
  UpdatedVirtualConnection,
  UpdateVirtualConnectionRequest,
  VirtualConnectionCapability,
  VirtualConnectionDatabaseConnection,
  VirtualConnectionFormat,
  VirtualConnectionPermissions,
  VirtualConnectionRevision,
  VirtualConnectionSummary,
} from './types.js'

const PAGE_SIZE = 100

/** Every item of a paged endpoint, `pageSize` a page, through the client's one pager. */
function pages<T>(
  fetch: (page: { pageSize: number; pageNumber: number }) => Promise<{ items: T[]; total: number | undefined }>,
  pageSize = PAGE_SIZE,
): AsyncGenerator<T> {
  return everyPage(async (pageNumber) => {
    const { items, total } = await fetch({ pageSize, pageNumber })
    return { items, pageSize, totalAvailable: total }
  })
}

function toPermissions(p: z.output<typeof permissionsResponseSchema>['permissions']): VirtualConnectionPermissions {
  return {
    virtualConnection: p.virtualConnection && {
      id: p.virtualConnection.id,
      name: p.virtualConnection.name,
      ownerId: p.virtualConnection.owner?.id,
    },
    parent: p.parent && { id: p.parent.id, type: p.parent.type },
    grants: p.granteeCapabilities.flatMap((g): GranteeCapabilities[] => {
      const grantee: Grantee | undefined = g.user
        ? { type: 'user', id: g.user.id }
        : g.group
          ? { type: 'group', id: g.group.id }
          : undefined
      if (!grantee) return []
      const capabilities: GranteeCapabilities['capabilities'] = {}
      for (const c of g.capabilities ?? [])
        capabilities[c.name as VirtualConnectionCapability] = c.mode as CapabilityMode
      return [{ grantee, capabilities }]
    }),
  }
}

const toDownload = (v: {
  name: string
  project?: { id: string } | undefined
  owner?: { id: string } | undefined
  content: string
}): DownloadedVirtualConnection => ({
  name: v.name,
  projectId: v.project?.id,
  ownerId: v.owner?.id,
  content: v.content,
})

/**
 * The Virtual Connections API of one signed-in client (`client.virtualConnections`). Requests travel the client's
 * transport (token, re-sign-in, retries, zod validation); documented error codes become their kinds (docs/errors.md).
 * Content is the virtual connection's JSON text, passed through untouched: download → publish → download returns
 * the same text, in either format.
 *
 * @example
 * ```ts
 * for await (const vc of client.virtualConnections.list({ filter: ['tags:eq:finance'] })) console.log(vc.name)
 * const { content } = await client.virtualConnections.download(id)
 * await client.virtualConnections.publish({ name: 'Batters', projectId, ownerId: client.userId!, content, overwrite: true })
 * ```
 */
export class VirtualConnections {
  constructor(
    private readonly send: Send,
    /** Wire format of every request (default 'xml'). */
    readonly format: VirtualConnectionFormat = 'xml',
    /** The signed-in user: the default `ownerId` of publish (required by the server, ignored by it). */
    readonly userId?: string | undefined,
  ) {}

  /** The same API speaking another wire format. */
  inFormat(format: VirtualConnectionFormat): VirtualConnections {
    return new VirtualConnections(this.send, format, this.userId)
  }

  /** Every virtual connection on the site, page by page (List Virtual Connections with its filter and sort). */
  list(options: ListVirtualConnectionsOptions = {}): AsyncGenerator<VirtualConnectionSummary> {
    return pages(async (page) => {
      const r = await this.send(
        api.listVirtualConnections(
          { ...page, ...(options.filter && { filter: options.filter }), ...(options.sort && { sort: options.sort }) },
          this.format,
          options.signal,
        ),
      )
      return { items: r.virtualConnections ?? [], total: r.pagination?.totalAvailable }
    }, options.pageSize)
  }

  /** Download Virtual Connection: name, project, owner and the content (JSON text). */
  async download(id: string): Promise<DownloadedVirtualConnection> {
    return toDownload((await this.send(api.downloadVirtualConnection(id, this.format))).virtualConnection)
  }

  /** Every revision, oldest first; `current` marks the active one. */
  revisions(id: string): AsyncGenerator<VirtualConnectionRevision> {
    return pages(async (page) => {
      const r = await this.send(api.listVirtualConnectionRevisions(id, page, this.format))
      const items = (r.revisions ?? []).map((v) => ({
        revisionNumber: v.revisionNumber,
        publishedAt: v.publishedAt,
        deleted: v.deleted ?? false,
        current: v.current ?? false,
        publisher: v.publisher,
      }))
      return { items, total: r.pagination?.totalAvailable }
    })
  }

  /** Download Virtual Connection Revision (an earlier one: the active revision is `OPERATION_FAILED`). */
  async downloadRevision(id: string, revisionNumber: number): Promise<DownloadedVirtualConnection> {
    return toDownload(
      (await this.send(api.downloadVirtualConnectionRevision(id, revisionNumber, this.format))).virtualConnection,
    )
  }

  /** Publish Virtual Connection (new, `overwrite` to keep the old content as a revision, or `publishAsDraft`). */
  async publish(
    request: Omit<PublishVirtualConnectionRequest, 'ownerId'> & { ownerId?: string },
  ): Promise<PublishedVirtualConnection> {
    const ownerId = request.ownerId ?? this.userId ?? ''
    const call = api.publishVirtualConnection({ ...request, ownerId }, this.format)
    const v = (await this.send(call)).virtualConnection
    const id =
      v.id ??
      (await publishedIdByName(request.name, this.list({ filter: [`name:eq:${request.name}`] }), {
        method: call.method,
        url: call.path,
      }))
    return { id, name: v.name, projectId: v.project?.id }
  }

  /** Update Virtual Connection: name, certification, project, owner. */
  async update(id: string, request: UpdateVirtualConnectionRequest): Promise<UpdatedVirtualConnection> {
    const v = (await this.send(api.updateVirtualConnection(id, request, this.format))).virtualConnection
    return {
      id: v.id ?? id,
      name: v.name,
      isCertified: v.isCertified,
      certificationNote: v.certificationNote,
      projectId: v.project?.id,
      ownerId: v.owner?.id,
    }
  }

  async delete(id: string): Promise<void> {
    await this.send(api.deleteVirtualConnection(id, this.format))
  }

  /** Every database connection of the virtual connection. */
  connections(id: string): AsyncGenerator<VirtualConnectionDatabaseConnection> {
    return pages(async (page) => {
      const r = await this.send(api.listDatabaseConnections(id, page, this.format))
      return { items: r.virtualConnectionConnections ?? [], total: r.pagination?.totalAvailable }
    })
  }

  /** Update Virtual Connection Database Connections: server address, port, user name, password. */
  async updateConnection(
    id: string,
    connectionId: string,
    update: DatabaseConnectionUpdate,
  ): Promise<VirtualConnectionDatabaseConnection> {
    // Exactly one connection, its documented fields only (the page's sample echoes a password: never kept).
    const r = await this.send(api.updateDatabaseConnection(id, connectionId, update, this.format))
    return r.virtualConnectionConnections.connection[0]!
  }

  /** Add Tags; resolves with every tag the virtual connection now has. */
  async addTags(id: string, labels: readonly string[]): Promise<string[]> {
    return ((await this.send(api.addTags(id, labels, this.format))).tags ?? []).map((t) => t.label)
  }

  async deleteTag(id: string, label: string): Promise<void> {
    await this.send(api.deleteTag(id, label, this.format))
  }

  /** Add Virtual Connection Permissions (already granted or denied ones are ignored by the server). */
  async addPermissions(id: string, grants: readonly GranteeCapabilities[]): Promise<VirtualConnectionPermissions> {
    return toPermissions((await this.send(api.addPermissions(id, grants, this.format))).permissions)
  }

  async listPermissions(id: string): Promise<VirtualConnectionPermissions> {
    return toPermissions((await this.send(api.listPermissions(id, this.format))).permissions)
  }

  async deletePermission(
    id: string,
    grantee: Grantee,
    capability: VirtualConnectionCapability,
    mode: CapabilityMode,
  ): Promise<void> {
    await this.send(api.deletePermission(id, grantee, capability, mode, this.format))
  }
}
