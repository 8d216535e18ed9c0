import { randomUUID } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../index.js'

/**
 * The emulator's persistent state (everything but tokens): sites, users, projects, data sources,
 * upload sessions, jobs and seen RequestIDs. A small JSON file in the data dir, rewritten
 * atomically (temp file + rename) after each change; table data lives in DuckDB files beside it.
 */

export interface SiteRecord {
  id: string
  contentUrl: string
}
export interface ProjectRecord {
  id: string
  siteId: string
  name: string
}
export interface DatasourceRecord {
  id: string
  siteId: string
  projectId: string
  ownerId: string
  name: string
  contentUrl: string
  /** DuckDB catalog alias under which the data source's database is attached. */
  alias: string
  /** File name (inside `datasources/`) of the DuckDB database. */
  file: string
  connectionIds: string[]
  createdAt: string
  updatedAt: string
  /** Sequence number used in webpageUrl. */
  number: number
  /** What was published: a DuckDB table (Parquet or createDatasource) or an opaque file. Absent in old catalogs: a table. */
  content?: DatasourceContent
  description?: string
  isCertified?: boolean
  certificationNote?: string
  encryptExtracts?: boolean
  useRemoteQueryAgent?: boolean
  tags?: string[]
  /** Per-connection settings from Update Data Source Connection / publish credentials (never a password). */
  connections?: Record<string, ConnectionSettings>
  revisions?: RevisionRecord[]
  /** The encrypted keychains last applied (applykeychain), returned by retrieveKeychain. */
  keychains?: string[]
  keychainUserMapping?: unknown
}
export type DatasourceContent =
  | { kind: 'table'; schema: string; table: string }
  /** `file` is inside the data dir; `filename` is the name it was published under. */
  | { kind: 'opaque'; file: string; filename: string }
export interface ConnectionSettings {
  serverAddress?: string
  serverPort?: string
  userName?: string
  embedPassword?: boolean
  /** True once a password was given (the emulator never stores it). */
  hasPassword?: boolean
  queryTaggingEnabled?: boolean
  authenticationType?: string
}
export interface RevisionRecord {
  number: number
  publishedAt: string
  publisherId: string
  /** Revision content inside the data dir; absent once removed. */
  file?: string
  filename: string
  size: number
  deleted: boolean
}
export interface UploadRecord {
  id: string
  siteId: string
  file: string
  size: number
  createdAt: string
}
export type JobStatus = 'queued' | 'running' | 'done'
/** The job types the emulator runs; absent in old catalogs: UpdateUploadedFile. */
export type JobType = 'UpdateUploadedFile' | 'RefreshExtract' | 'PublishDatasource'
export interface JobRecord {
  id: string
  type?: JobType
  siteId: string
  datasourceId: string
  datasourceName: string
  connectionId: string
  status: JobStatus
  progress: number
  createdAt: string
  startedAt?: string
  completedAt?: string
  finishCode?: number
  notes?: string
  requestId: string
  uploadSessionId?: string
  actionsJson: string
}
export interface RequestIdRecord {
  siteId: string
  requestId: string
  jobId: string
  at: number
}
export interface CatalogData {
  version: 1
  sites: SiteRecord[]
  users: { id: string; name: string }[]
  projects: ProjectRecord[]
  datasources: DatasourceRecord[]
  uploads: UploadRecord[]
  jobs: JobRecord[]
  requestIds: RequestIdRecord[]
  counter: number
}

const FILE = 'catalog.json'

export class Catalog {
  private saving: Promise<void> = Promise.resolve()
  /** Records being created (not yet in `data`): their alias and contentUrl are already taken. */
  readonly creating = new Set<DatasourceRecord>()
  private constructor(
    private readonly dir: string,
    readonly data: CatalogData,
  ) {}

  /** Loads `dir/catalog.json` or starts empty. */
  static async open(dir: string): Promise<Catalog> {
    await mkdir(dir, { recursive: true })
    let data: CatalogData
    try {
      data = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as CatalogData
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      data = {
        version: 1,
        sites: [],
        users: [],
        projects: [],
        datasources: [],
        uploads: [],
        jobs: [],
        requestIds: [],
        counter: 0,
      }
    }
    return new Catalog(dir, data)
  }

  /** Queues an atomic rewrite of the catalog file; resolves when it is on disk. */
  save(): Promise<void> {
    const next = this.saving.then(async () => {
      await writeFileAtomic(join(this.dir, FILE), JSON.stringify(this.data, null, 1))
    })
    this.saving = next.catch(() => {})
    return next
  }

  ensureSite(contentUrl: string): SiteRecord {
    let site = this.data.sites.find((s) => s.contentUrl.toLowerCase() === contentUrl.toLowerCase())
    if (!site) {
      site = { id: randomUUID(), contentUrl }
      this.data.sites.push(site)
    }
    this.ensureProject(site.id, 'Default')
    return site
  }

  ensureUser(name: string): { id: string; name: string } {
    let user = this.data.users.find((u) => u.name === name)
    if (!user) {
      user = { id: randomUUID(), name }
      this.data.users.push(user)
    }
    return user
  }

  ensureProject(siteId: string, name: string): ProjectRecord {
    let project = this.data.projects.find((p) => p.siteId === siteId && p.name === name)
    if (!project) {
      project = { id: randomUUID(), siteId, name }
      this.data.projects.push(project)
    }
    return project
  }

  nextNumber(): number {
    this.data.counter += 1
    return this.data.counter
  }

  site(id: string): SiteRecord | undefined {
    return this.data.sites.find((s) => s.id === id)
  }
  datasource(siteId: string, id: string): DatasourceRecord | undefined {
    return this.data.datasources.find((d) => d.siteId === siteId && d.id === id)
  }
  /** The data source called `name` in the project: names are unique per project, compared case-insensitively. */
  datasourceNamed(siteId: string, projectId: string, name: string): DatasourceRecord | undefined {
    const lower = name.toLowerCase()
    return this.data.datasources.find(
      (d) => d.siteId === siteId && d.projectId === projectId && d.name.toLowerCase() === lower,
    )
  }
  upload(siteId: string, id: string): UploadRecord | undefined {
    return this.data.uploads.find((u) => u.siteId === siteId && u.id === id)
  }
  user(id: string): { id: string; name: string } | undefined {
    return this.data.users.find((u) => u.id === id)
  }
  job(siteId: string, id: string): JobRecord | undefined {
    return this.data.jobs.find((j) => j.siteId === siteId && j.id === id)
  }
}

/** `2021-10-05T18:53:34Z`: the REST API's timestamp format (UTC, whole seconds). */
export function restTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
