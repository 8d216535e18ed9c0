import { randomUUID } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { Catalog } from './catalog.js'
import { readStateFile } from './state-file.js'

/**
 * The emulator's virtual connections and the groups their permissions refer to, persisted in
 * `virtual-connections.json` beside catalog.json (same atomic temp-file + rename rewrite), so a
 * restart keeps content, revisions, database connections, tags and permissions.
 */

export interface VConnRevision {
  number: number
  /** The content exactly as published (the JSON text), so a download returns it byte for byte. */
  content: string
  publishedAt: string
  publisherId: string
}
export interface VConnDatabaseConnection {
  id: string
  dbClass: string
  serverAddress: string
  serverPort: string
  userName: string
}
export type GranteeType = 'user' | 'group'
export interface VConnGrant {
  granteeType: GranteeType
  granteeId: string
  capability: string
  mode: 'Allow' | 'Deny'
}
export interface VConnRecord {
  id: string
  siteId: string
  projectId: string
  ownerId: string
  name: string
  createdAt: string
  updatedAt: string
  isCertified: boolean
  certificationNote?: string
  draft: boolean
  /** Sequence number used in webpageUrl. */
  number: number
  /** Oldest first; the last one is the current content. */
  revisions: VConnRevision[]
  connections: VConnDatabaseConnection[]
  tags: string[]
  grants: VConnGrant[]
}
export interface GroupRecord {
  id: string
  siteId: string
  name: string
  /** User ids. */
  members: string[]
}
interface VConnData {
  version: 1
  virtualConnections: VConnRecord[]
  groups: GroupRecord[]
  counter: number
}

// The shape virtual-connections.json must have to start from, typed against the interfaces above; loose objects
// keep fields this version does not know.
const text = z.string()
const count = z.number().int().nonnegative()
const vconnRecord: z.ZodType<VConnRecord> = z.looseObject({
  id: text,
  siteId: text,
  projectId: text,
  ownerId: text,
  name: text,
  createdAt: text,
  updatedAt: text,
  isCertified: z.boolean(),
  certificationNote: text.exactOptional(),
  draft: z.boolean(),
  number: count,
  revisions: z.array(z.looseObject({ number: count, content: text, publishedAt: text, publisherId: text })),
  connections: z.array(
    z.looseObject({ id: text, dbClass: text, serverAddress: text, serverPort: text, userName: text }),
  ),
  tags: z.array(text),
  grants: z.array(
    z.looseObject({
      granteeType: z.enum(['user', 'group']),
      granteeId: text,
      capability: text,
      mode: z.enum(['Allow', 'Deny']),
    }),
  ),
})
const vconnDataSchema: z.ZodType<VConnData> = z.looseObject({
  version: z.literal(1),
  virtualConnections: z.array(vconnRecord),
  groups: z.array(z.looseObject({ id: text, siteId: text, name: text, members: z.array(text) })),
  counter: count,
})

const FILE = 'virtual-connections.json'

export class VirtualConnectionCatalog {
  private saving: Promise<void> = Promise.resolve()
  private constructor(
    private readonly dir: string,
    readonly data: VConnData,
  ) {}

  /** Loads `dir/virtual-connections.json` or starts empty; a damaged file is EMULATOR_STATE_INVALID naming it. */
  static async open(dir: string): Promise<VirtualConnectionCatalog> {
    await mkdir(dir, { recursive: true })
    const data = await readStateFile(join(dir, FILE), vconnDataSchema, () => ({
      version: 1 as const,
      virtualConnections: [],
      groups: [],
      counter: 0,
    }))
    return new VirtualConnectionCatalog(dir, data)
  }

  save(): Promise<void> {
    const next = this.saving.then(async () => {
      const tmp = join(this.dir, `${FILE}.${process.pid}.tmp`)
      await writeFile(tmp, JSON.stringify(this.data, null, 1))
      await rename(tmp, join(this.dir, FILE))
    })
    this.saving = next.catch(() => {})
    return next
  }

  nextNumber(): number {
    this.data.counter += 1
    return this.data.counter
  }

  find(siteId: string, id: string): VConnRecord | undefined {
    const lower = id.toLowerCase()
    return this.data.virtualConnections.find((v) => v.siteId === siteId && v.id === lower)
  }

  ensureGroup(siteId: string, name: string): GroupRecord {
    let group = this.data.groups.find((g) => g.siteId === siteId && g.name === name)
    if (!group) {
      group = { id: randomUUID(), siteId, name, members: [] }
      this.data.groups.push(group)
    }
    return group
  }

  group(siteId: string, id: string): GroupRecord | undefined {
    return this.data.groups.find((g) => g.siteId === siteId && g.id === id.toLowerCase())
  }
}

/** A group permissions may name; `site` is a contentUrl (default ''), `members` user names. */
export interface EmulatorGroup {
  name: string
  site?: string
  members?: string[]
}

/**
 * Opens the virtual-connection catalog and makes sure every site has "All Users" (every user a
 * member, as on Tableau) plus the configured groups.
 */
export async function openVirtualConnections(
  dir: string,
  catalog: Catalog,
  groups: readonly EmulatorGroup[] = [],
): Promise<VirtualConnectionCatalog> {
  const vconns = await VirtualConnectionCatalog.open(dir)
  for (const site of catalog.data.sites) {
    vconns.ensureGroup(site.id, 'All Users').members = catalog.data.users.map((u) => u.id)
  }
  for (const g of groups) {
    const site = catalog.data.sites.find((s) => s.contentUrl.toLowerCase() === (g.site ?? '').toLowerCase())
    if (!site) throw new Error(`emulator: group "${g.name}" names an unknown site "${g.site}"`)
    vconns.ensureGroup(site.id, g.name).members = (g.members ?? []).map((n) => catalog.ensureUser(n).id)
  }
  await vconns.save()
  return vconns
}
