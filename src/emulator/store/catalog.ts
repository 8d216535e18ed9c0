import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../index.js'
import type {
  CatalogData,
  DatasourceRecord,
  JobRecord,
  ProjectRecord,
  SiteRecord,
  UploadRecord,
} from './catalog-records.js'
import { catalogSchema } from './catalog-schema.js'
import { readStateFile } from './state-file.js'

export type {
  CatalogData,
  ConnectionSettings,
  DatasourceContent,
  DatasourceRecord,
  JobRecord,
  JobStatus,
  JobType,
  ProjectRecord,
  RequestIdRecord,
  RevisionRecord,
  SiteRecord,
  UploadRecord,
} from './catalog-records.js'

const FILE = 'catalog.json'

/**
 * The emulator's persistent state (everything but tokens): sites, users, projects, data sources,
 * upload sessions, jobs and seen RequestIDs. A small JSON file in the data dir, rewritten
 * atomically (temp file + rename) after each change; table data lives in DuckDB files beside it.
 */
export class Catalog {
  private saving: Promise<void> = Promise.resolve()
  /** Records being created (not yet in `data`): their alias and contentUrl are already taken. */
  readonly creating = new Set<DatasourceRecord>()
  private constructor(
    private readonly dir: string,
    readonly data: CatalogData,
  ) {}

  /** Loads `dir/catalog.json` or starts empty; a damaged file is EMULATOR_STATE_INVALID naming it. */
  static async open(dir: string): Promise<Catalog> {
    await mkdir(dir, { recursive: true })
    const data = await readStateFile(join(dir, FILE), catalogSchema, () => ({
      version: 1 as const,
      sites: [],
      users: [],
      projects: [],
      datasources: [],
      uploads: [],
      jobs: [],
      requestIds: [],
      counter: 0,
    }))
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
