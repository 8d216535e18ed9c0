import {
  CONNECTION_TYPE,
  DATASOURCE_TYPE,
  fileSizeInMb,
  opaqueDatasourceType,
  UPLOAD_NOT_FOUND,
} from '../core/inferred.js'
import { ApiError } from '../http/api-error.js'
import { type AttrValue, collection, type Element, el, textEl } from '../http/document.js'
import type { DatasourceRecord, JobRecord, RevisionRecord, UploadRecord } from '../store/catalog.js'
import type { EmulatorState } from './state.js'

/** `<tags><tag label/>…</tags>` (Add Tags, Query Data Source). */
export function tagsElement(tags: readonly string[]): Element {
  return collection(
    'tags',
    tags.map((label) => el('tag', { label })),
  )
}

/**
 * `<datasource …><project/><owner/><tags/></datasource>` as in Query Data Source(s).
 * `fields` (Query Data Sources `fields=`) keeps only the named attributes and children.
 */
export function datasourceElement(state: EmulatorState, ds: DatasourceRecord, fields?: ReadonlySet<string>): Element {
  const project = state.catalog.data.projects.find((p) => p.id === ds.projectId)
  const site = state.catalog.site(ds.siteId)
  const owner = state.catalog.user(ds.ownerId)
  const attrs: Record<string, AttrValue> = {
    id: ds.id,
    name: ds.name,
    contentUrl: ds.contentUrl,
    description: ds.description,
    type: ds.content?.kind === 'opaque' ? opaqueDatasourceType(ds.content.filename) : DATASOURCE_TYPE,
    createdAt: ds.createdAt,
    updatedAt: ds.updatedAt,
    encryptExtracts: ds.encryptExtracts ?? false,
    hasExtracts: ds.content?.kind !== 'opaque',
    isCertified: ds.isCertified ?? false,
    certificationNote: ds.certificationNote,
    useRemoteQueryAgent: ds.useRemoteQueryAgent ?? false,
    webpageUrl: `${state.url}/#/site/${site?.contentUrl ?? ''}/datasources/${ds.number}`,
  }
  const children = [
    el('project', { id: ds.projectId, name: project?.name ?? 'Default' }),
    el('owner', { id: ds.ownerId, name: owner?.name }),
    tagsElement(ds.tags ?? []),
  ]
  if (!fields) return el('datasource', attrs, children)
  const keep = (k: string): boolean => fields.has(k) || (k === 'project' && fields.has('projectName'))
  return el(
    'datasource',
    Object.fromEntries(Object.entries(attrs).filter(([k]) => keep(k))),
    children.filter((c) => keep(c.tag)),
  )
}

/** One `<connection …/>` with the settings Update Data Source Connection stored. */
export function connectionElement(ds: DatasourceRecord, id: string): Element {
  const c = ds.connections?.[id] ?? {}
  return el('connection', {
    id,
    type: CONNECTION_TYPE,
    serverAddress: c.serverAddress ?? '',
    serverPort: c.serverPort,
    userName: c.userName ?? '',
    embedPassword: c.embedPassword,
    queryTaggingEnabled: c.queryTaggingEnabled ?? false,
    authenticationType: c.authenticationType,
    useOAuthManagedKeychain: false,
  })
}

/** `<connections><connection …/></connections>`. */
export function connectionsElement(ds: DatasourceRecord): Element {
  return collection(
    'connections',
    ds.connectionIds.map((id) => connectionElement(ds, id)),
  )
}

/** `<revision revisionNumber publishedAt deleted current sizeInBytes><publisher/></revision>`. */
export function revisionElement(state: EmulatorState, rev: RevisionRecord, current: boolean): Element {
  const publisher = state.catalog.user(rev.publisherId)
  return el(
    'revision',
    {
      revisionNumber: rev.number,
      publishedAt: rev.publishedAt,
      deleted: rev.deleted,
      current,
      sizeInBytes: rev.size,
    },
    publisher ? [el('publisher', { id: publisher.id, name: publisher.name })] : [],
  )
}

/**
 * `<job …>` with the inner element of its type: `updateUploadedFileJob` (Hyper Update),
 * `extractRefreshJob` (Update Data Source Now); publish jobs carry none (as in TSC's captured reply).
 */
export function jobElement(job: JobRecord, asAccepted = false): Element {
  const type = job.type ?? 'UpdateUploadedFile'
  const attrs = asAccepted
    ? { id: job.id, mode: 'Asynchronous', type, createdAt: job.createdAt }
    : {
        id: job.id,
        mode: 'Asynchronous',
        type,
        progress: job.progress,
        createdAt: job.createdAt,
        startedAt: job.startedAt,
        completedAt: job.completedAt,
        finishCode: job.finishCode,
      }
  const datasource = el('datasource', { id: job.datasourceId, name: job.datasourceName })
  if (type === 'PublishDatasource') return el('job', attrs)
  if (type === 'RefreshExtract') {
    const inner: Element[] = [datasource]
    if (!asAccepted && job.notes !== undefined) inner.push(textEl('notes', job.notes))
    return el('job', attrs, [el('extractRefreshJob', undefined, inner)])
  }
  const inner: Element[] = [datasource, textEl('connectionLuid', job.connectionId)]
  if (!asAccepted && job.notes !== undefined) inner.push(textEl('notes', job.notes))
  return el('job', attrs, [el('updateUploadedFileJob', undefined, inner)])
}

/** `<fileUpload uploadSessionId fileSize/>` (docs/protocol.md §6.1, §6.2). */
export function fileUploadElement(upload: UploadRecord): Element {
  return el('fileUpload', { uploadSessionId: upload.id, fileSize: fileSizeInMb(upload.size) })
}

/** An unknown upload session id (Append to File Upload, Update Data Source). */
export function uploadNotFound(id: string): ApiError {
  return new ApiError(
    404,
    UPLOAD_NOT_FOUND.code,
    UPLOAD_NOT_FOUND.summary,
    `The file upload '${id}' could not be found.`,
  )
}
