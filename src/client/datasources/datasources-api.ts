import { HyperdeltaError } from '../../errors.js'
import type { Job } from '../jobs/job.js'
import type { Send } from '../transport/api-request.js'
import { everyPage } from '../transport/pages.js'
import { checkPathValue } from '../transport/request-path.js'
import * as change from './change-endpoints.js'
import { toConnectionDetails, toDatasourceDetails, toPage, toRevisions } from './convert.js'
import { type DatasourceDescription, describeDatasource } from './describe.js'
import { downloadTo } from './download.js'
import * as read from './endpoints.js'
import { publish } from './publish.js'
import { checkPaging, DEFAULT_PAGE_SIZE } from './query-string.js'
import { type RefreshOptions, refresh } from './refresh.js'
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

/** An id or tag for a request path: refused (PATH_SEGMENT_INVALID) when it is no usable segment, e.g. `..` or empty. */
function id(value: unknown, field = 'datasource id'): string {
  checkPathValue(value, field)
  return String(value)
}

function revisionNumber(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new HyperdeltaError('CONFIG_INVALID', `datasources: revision must be an integer ≥ 1, got ${value}`, {
      details: { field: 'revision', value },
    })
  }
  return value as number
}

/**
 * Every method of Tableau's Data Sources reference page, as `client.datasources`: endpoints described in
 * `../resources/datasource-*.ts`, sent through the client's one transport (re-sign-in, retries, zod). Each error
 * code the page documents becomes its kind (the protocol catalogue's DOCUMENTED_ERRORS), e.g. `DATASOURCE_NOT_FOUND`,
 * `NAME_CONFLICT`, `OPERATION_FAILED`, `REVISION_IS_CURRENT`.
 *
 * @example
 * ```ts
 * const ds = await client.datasources.publish({ name: 'Orders', file: 'orders.parquet', mode: 'overwrite' })
 * for await (const d of client.datasources.queryAll({ filter: [{ field: 'tags', operator: 'eq', value: 'nightly' }] })) {
 *   console.log(d.name, d.updatedAt)
 * }
 * ```
 */
/**
 * Every data source `options` matches, page after page from `options.pageNumber`. Not through `toPage`: without a
 * pagination element the count stays unknown, and only a short page ends the list (docs/protocol.md §12).
 */
export function everyDatasource(send: Send, options: QueryDatasourcesOptions): AsyncGenerator<DatasourceDetails> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  return everyPage(async (pageNumber) => {
    const res = await send(read.queryDatasources(options, pageNumber))
    const items = (res.datasources ?? []).map(toDatasourceDetails)
    return { items, pageSize, totalAvailable: res.pagination?.totalAvailable }
  }, options.pageNumber ?? 1)
}

export class DatasourcesApi {
  readonly #send: Send
  constructor(send: Send) {
    this.#send = send
  }

  /** Query Data Sources: one page, with filter / sort / fields. */
  async query(options: QueryDatasourcesOptions = {}): Promise<Page<DatasourceDetails>> {
    const pageNumber = options.pageNumber ?? 1
    const res = await this.#send(read.queryDatasources(options, pageNumber))
    const asked = { pageNumber, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE }
    return toPage(res.pagination, (res.datasources ?? []).map(toDatasourceDetails), asked)
  }

  /** Query Data Sources: every match, page after page (one request per page, from `pageNumber`). */
  queryAll(options: QueryDatasourcesOptions = {}): AsyncGenerator<DatasourceDetails> {
    return everyDatasource(this.#send, options)
  }

  /** Query Data Source. */
  async get(datasourceId: string): Promise<DatasourceDetails> {
    return toDatasourceDetails((await this.#send(read.queryDatasource(id(datasourceId)))).datasource)
  }

  /**
   * The data source's columns and their types as the server describes them (VizQL Data Service
   * read-metadata), or `available: false` with the reason when it cannot say.
   */
  describe(datasourceId: string): Promise<DatasourceDescription> {
    return describeDatasource(this.#send, id(datasourceId))
  }

  /** Query Data Source Connections. */
  async connections(datasourceId: string): Promise<ConnectionDetails[]> {
    return ((await this.#send(read.queryConnections(id(datasourceId)))).connections ?? []).map(toConnectionDetails)
  }

  /** Publish Data Source (create / overwrite / append; above 64 MB via an upload session); `asJob` → the job. */
  publish(options: PublishDatasourceOptions & { asJob: true }): Promise<Job>
  publish(options: PublishDatasourceOptions & { asJob?: false | undefined }): Promise<DatasourceDetails>
  publish(options: PublishDatasourceOptions): Promise<DatasourceDetails | Job>
  publish(options: PublishDatasourceOptions): Promise<DatasourceDetails | Job> {
    return publish(this.#send, options)
  }

  /** Update Data Source: only the given fields change. */
  async update(datasourceId: string, changes: DatasourceChanges): Promise<DatasourceDetails> {
    return toDatasourceDetails((await this.#send(change.updateDatasource(id(datasourceId), changes))).datasource)
  }

  /** Update Data Source Connection (the password is sent, never logged or returned). */
  async updateConnection(
    datasourceId: string,
    connectionId: string,
    changes: ConnectionChanges,
  ): Promise<ConnectionDetails> {
    const req = change.updateConnection(id(datasourceId), id(connectionId, 'connection id'), changes)
    return toConnectionDetails((await this.#send(req)).connection)
  }

  /**
   * Update Data Source Now: the extract refresh job; wait with `client.waitForJob(job.id)`. When a refresh is already
   * queued (409093): `REFRESH_ALREADY_QUEUED`, or with `{ ifQueued: 'return-queued' }` the queued job.
   */
  async refresh(datasourceId: string, options: RefreshOptions = {}): Promise<Job> {
    return refresh(this.#send, id(datasourceId), options)
  }

  /** Download Data Source, streamed to a file (never held in memory). */
  async download(datasourceId: string, options: DownloadDatasourceOptions): Promise<DownloadResult> {
    return downloadTo(this.#send, id(datasourceId), undefined, options)
  }

  /** Get Data Source Revisions: one page (oldest first). */
  async revisions(
    datasourceId: string,
    page: { pageSize?: number; pageNumber?: number } = {},
  ): Promise<Page<Revision>> {
    checkPaging(page.pageSize, page.pageNumber)
    const asked = { pageSize: page.pageSize ?? DEFAULT_PAGE_SIZE, pageNumber: page.pageNumber ?? 1 }
    return toRevisions(await this.#send(read.getRevisions(id(datasourceId), asked.pageSize, asked.pageNumber)), asked)
  }

  /** Get Data Source Revisions: every revision, page after page. */
  allRevisions(datasourceId: string, pageSize = 100): AsyncGenerator<Revision> {
    return everyPage((pageNumber) => this.revisions(datasourceId, { pageSize, pageNumber }))
  }

  /** Download Data Source Revision, streamed to a file. */
  async downloadRevision(
    datasourceId: string,
    revision: number,
    options: DownloadDatasourceOptions,
  ): Promise<DownloadResult> {
    return downloadTo(this.#send, id(datasourceId), revisionNumber(revision), options)
  }

  /** Remove Data Source Revision (never the current one: `REVISION_IS_CURRENT`). */
  async removeRevision(datasourceId: string, revision: number): Promise<void> {
    await this.#send(change.removeRevision(id(datasourceId), revisionNumber(revision)))
  }

  /** Add Tags to Data Source: every tag the data source has afterwards. */
  async addTags(datasourceId: string, tags: readonly string[]): Promise<string[]> {
    return ((await this.#send(change.addTags(id(datasourceId), tags))).tags ?? []).map((t) => t.label)
  }

  /** Delete Tag from Data Source (`TAG_NOT_FOUND` when it is not there). */
  async deleteTag(datasourceId: string, tag: string): Promise<void> {
    await this.#send(change.deleteTag(id(datasourceId), id(tag, 'tag')))
  }

  /** Delete Data Source. */
  async delete(datasourceId: string): Promise<void> {
    await this.#send(change.deleteDatasource(id(datasourceId)))
  }

  /** Download Data Source Encrypted Keychain (`retrieveKeychain`) for a migration to `destination`. */
  async retrieveKeychain(datasourceId: string, destination: KeychainDestination): Promise<EncryptedKeychains> {
    const res = await this.#send(change.retrieveKeychain(id(datasourceId), destination))
    return {
      encryptedKeychains: res.encryptedKeychainList ?? [],
      associatedUserLuids: res.associatedUserLuidList ?? [],
    }
  }

  /** Upload Data Source Encrypted Keychain (`applykeychain`). */
  async applyKeychain(
    datasourceId: string,
    keychains: { encryptedKeychains: readonly string[]; associatedUserLuidMapping?: readonly unknown[] },
  ): Promise<void> {
    const req = change.applyKeychain(
      id(datasourceId),
      keychains.encryptedKeychains,
      keychains.associatedUserLuidMapping ?? [],
    )
    await this.#send(req)
  }
}
