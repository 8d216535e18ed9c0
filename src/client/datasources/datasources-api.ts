import { z } from 'zod'
import { HyperdeltaError } from '../../errors.js'
import { type Job, toJob } from '../job.js'
import { jobResponseSchema } from '../responses.js'
import type { ResourceCall, ResourceCaller } from './caller.js'
import { everyPage, toConnectionDetails, toDatasourceDetails, toPage, toRevisions } from './convert.js'
import { downloadTo } from './download.js'
import { type DatasourceMethod, typedDatasourceError } from './error-codes.js'
import { publish } from './publish.js'
import { checkPaging, queryString } from './query-string.js'
import * as bodies from './request-bodies.js'
import {
  connectionListSchema,
  connectionResponseSchema,
  datasourceDetailsResponseSchema,
  datasourcePageSchema,
  keychainResponseSchema,
  revisionPageSchema,
  tagsResponseSchema,
} from './schemas.js'
import type {
  ConnectionChanges,
  ConnectionDetails,
  DatasourceChanges,
  DatasourceDetails,
  DownloadDatasourceOptions,
  DownloadResult,
  EncryptedKeychains,
  KeychainDestination,
  Page,
  PublishDatasourceOptions,
  QueryDatasourcesOptions,
  Revision,
} from './types.js'

const XML = { 'Content-Type': 'application/xml' }
const seg = encodeURIComponent

function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new HyperdeltaError('CONFIG_INVALID', `datasources: ${field} must be a non-empty string`, {
      details: { field },
    })
  }
  return value
}

/**
 * Every method of Tableau's Data Sources reference page, on `client.datasources`. Same pipeline as the update
 * flow (retries, re-sign-in, zod-validated answers); each documented error code becomes a typed error code
 * (see DOCUMENTED_ERRORS), e.g. `DATASOURCE_NOT_FOUND`, `DATASOURCE_EXISTS`, `PUBLISH_FAILED`.
 *
 * @example
 * ```ts
 * const ds = await client.datasources.publish({ name: 'Orders', file: 'orders.parquet', mode: 'overwrite' })
 * for await (const d of client.datasources.queryAll({ filter: [{ field: 'tags', operator: 'eq', value: 'nightly' }] })) console.log(d.name)
 * ```
 */
export class DatasourcesApi {
  constructor(private readonly caller: ResourceCaller) {}

  async #call<S extends z.ZodType>(method: DatasourceMethod, spec: ResourceCall<S>): Promise<z.output<S>> {
    try {
      return await this.caller.call(spec)
    } catch (error) {
      throw typedDatasourceError(method, error)
    }
  }

  #path(id: string, rest = ''): string {
    return this.caller.sitePath(`/datasources/${seg(requireId(id, 'datasource id'))}${rest}`)
  }

  /** Query Data Sources: one page, with filter / sort / fields. */
  async query(options: QueryDatasourcesOptions = {}): Promise<Page<DatasourceDetails>> {
    const res = await this.#call('query', {
      layer: 'datasources',
      method: 'GET',
      path: this.caller.sitePath(`/datasources${queryString(options, options.pageNumber ?? 1)}`),
      expect: [200],
      schema: datasourcePageSchema,
      signal: options.signal,
    })
    return toPage(res.pagination, (res.datasources ?? []).map(toDatasourceDetails))
  }

  /** Query Data Sources: every matching data source, page after page (from `pageNumber`, default 1). */
  queryAll(options: QueryDatasourcesOptions = {}): AsyncGenerator<DatasourceDetails> {
    return everyPage((pageNumber) => this.query({ ...options, pageNumber }), options.pageNumber ?? 1)
  }

  /** Query Data Source. */
  async get(id: string): Promise<DatasourceDetails> {
    const res = await this.#call('get', {
      layer: 'datasources',
      method: 'GET',
      path: this.#path(id),
      expect: [200],
      schema: datasourceDetailsResponseSchema,
    })
    return toDatasourceDetails(res.datasource)
  }

  /** Query Data Source Connections. */
  async connections(id: string): Promise<ConnectionDetails[]> {
    const res = await this.#call('connections', {
      layer: 'datasources',
      method: 'GET',
      path: this.#path(id, '/connections'),
      expect: [200],
      schema: connectionListSchema,
    })
    return (res.connections ?? []).map(toConnectionDetails)
  }

  /** Publish Data Source (create / overwrite / append); `asJob: true` returns the publish job. */
  publish(options: PublishDatasourceOptions & { asJob: true }): Promise<Job>
  publish(options: PublishDatasourceOptions & { asJob?: false }): Promise<DatasourceDetails>
  publish(options: PublishDatasourceOptions): Promise<DatasourceDetails | Job>
  async publish(options: PublishDatasourceOptions): Promise<DatasourceDetails | Job> {
    try {
      return await publish(this.caller, options)
    } catch (error) {
      throw typedDatasourceError('publish', error)
    }
  }

  /** Update Data Source: only the given fields change. */
  async update(id: string, changes: DatasourceChanges): Promise<DatasourceDetails> {
    const res = await this.#call('update', {
      layer: 'datasources',
      method: 'PUT',
      path: this.#path(id),
      headers: XML,
      body: () => bodies.updateDatasourceBody(changes),
      expect: [200],
      schema: datasourceDetailsResponseSchema,
    })
    return toDatasourceDetails(res.datasource)
  }

  /** Update Data Source Connection (the password is sent, never logged or returned). */
  async updateConnection(id: string, connectionId: string, changes: ConnectionChanges): Promise<ConnectionDetails> {
    const res = await this.#call('updateConnection', {
      layer: 'datasources',
      method: 'PUT',
      path: this.#path(id, `/connections/${seg(requireId(connectionId, 'connection id'))}`),
      headers: XML,
      body: () => bodies.updateConnectionBody(changes),
      expect: [200],
      schema: connectionResponseSchema,
    })
    return toConnectionDetails(res.connection)
  }

  /** Update Data Source Now: an extract refresh job; wait for it with `client.waitForJob(job.id)`. */
  async refresh(id: string): Promise<Job> {
    const res = await this.#call('refresh', {
      layer: 'datasources',
      method: 'POST',
      path: this.#path(id, '/refresh'),
      headers: XML,
      body: () => bodies.REFRESH_BODY,
      expect: [202, 200],
      schema: jobResponseSchema,
      // A repeated refresh after a lost answer meets 409093 at worst, never a second refresh.
      retryAmbiguous: false,
    })
    return toJob(res.job)
  }

  /** Download Data Source, streamed to a file (never held in memory). */
  async download(id: string, options: DownloadDatasourceOptions): Promise<DownloadResult> {
    const q = options.includeExtract === false ? '?includeExtract=False' : ''
    try {
      return await downloadTo(this.caller, 'download', this.#path(id, `/content${q}`), options)
    } catch (error) {
      throw typedDatasourceError('download', error)
    }
  }

  /** Get Data Source Revisions: one page. */
  async revisions(id: string, page: { pageSize?: number; pageNumber?: number } = {}): Promise<Page<Revision>> {
    checkPaging(page.pageSize, page.pageNumber)
    const res = await this.#call('revisions', {
      layer: 'datasources',
      method: 'GET',
      path: this.#path(id, `/revisions?pageSize=${page.pageSize ?? 100}&pageNumber=${page.pageNumber ?? 1}`),
      expect: [200],
      schema: revisionPageSchema,
    })
    return toRevisions(res)
  }

  /** Get Data Source Revisions: every revision, oldest first. */
  allRevisions(id: string, pageSize = 100): AsyncGenerator<Revision> {
    return everyPage((pageNumber) => this.revisions(id, { pageSize, pageNumber }))
  }

  /** Download Data Source Revision, streamed to a file. */
  async downloadRevision(id: string, revision: number, options: DownloadDatasourceOptions): Promise<DownloadResult> {
    const q = options.includeExtract === false ? '?includeExtract=False' : ''
    try {
      return await downloadTo(
        this.caller,
        'download',
        this.#path(id, `/revisions/${seg(String(revision))}/content${q}`),
        options,
      )
    } catch (error) {
      throw typedDatasourceError('downloadRevision', error)
    }
  }

  /** Remove Data Source Revision (not the current one: `REVISION_IS_CURRENT`). */
  async removeRevision(id: string, revision: number): Promise<void> {
    await this.#call('removeRevision', {
      layer: 'datasources',
      method: 'DELETE',
      path: this.#path(id, `/revisions/${seg(String(revision))}`),
      expect: [204, 200],
      schema: z.unknown(),
    })
  }

  /** Add Tags to Data Source: returns every tag the data source now has. */
  async addTags(id: string, tags: readonly string[]): Promise<string[]> {
    const res = await this.#call('addTags', {
      layer: 'datasources',
      method: 'PUT',
      path: this.#path(id, '/tags'),
      headers: XML,
      body: () => bodies.addTagsBody(tags),
      expect: [200],
      schema: tagsResponseSchema,
    })
    return (res.tags ?? []).map((t) => t.label)
  }

  /** Delete Tag from Data Source (`TAG_NOT_FOUND` when it lacks the tag). */
  async deleteTag(id: string, tag: string): Promise<void> {
    await this.#call('deleteTag', {
      layer: 'datasources',
      method: 'DELETE',
      path: this.#path(id, `/tags/${seg(requireId(tag, 'tag'))}`),
      expect: [204, 200],
      schema: z.unknown(),
    })
  }

  /** Delete Data Source. */
  async delete(id: string): Promise<void> {
    await this.#call('delete', {
      layer: 'datasources',
      method: 'DELETE',
      path: this.#path(id),
      expect: [204, 200],
      schema: z.unknown(),
    })
  }

  /** Download Data Source Encrypted Keychain (`retrieveKeychain`) for a migration to `destination`. */
  async retrieveKeychain(id: string, destination: KeychainDestination): Promise<EncryptedKeychains> {
    const res = await this.#call('retrieveKeychain', {
      layer: 'datasources',
      method: 'POST',
      path: this.#path(id, '/retrieveKeychain'),
      headers: XML,
      body: () => bodies.retrieveKeychainBody(destination),
      expect: [200],
      schema: keychainResponseSchema,
    })
    return {
      encryptedKeychains: res.encryptedKeychainList ?? [],
      associatedUserLuids: res.associatedUserLuidList ?? [],
    }
  }

  /** Upload Data Source Encrypted Keychain (`applykeychain`). */
  async applyKeychain(
    id: string,
    keychains: { encryptedKeychains: readonly string[]; associatedUserLuidMapping?: readonly unknown[] },
  ): Promise<void> {
    await this.#call('applyKeychain', {
      layer: 'datasources',
      method: 'PUT',
      path: this.#path(id, '/applykeychain'),
      headers: { 'Content-Type': 'application/json' },
      body: () => bodies.applyKeychainBody(keychains.encryptedKeychains, keychains.associatedUserLuidMapping ?? []),
      expect: [200, 204],
      schema: z.unknown(),
    })
  }
}
