import type { DatasourceRecord, JobRecord, UploadRecord } from './catalog.js'
import { collection, type Element, el, textEl } from './document.js'
import { CONNECTION_TYPE, DATASOURCE_TYPE, fileSizeInMb } from './inferred.js'
import type { EmulatorState } from './state.js'

/** `<datasource …><project/><owner/><tags/></datasource>` as in Query Data Source(s) (docs/protocol.md §5.1). */
export function datasourceElement(state: EmulatorState, ds: DatasourceRecord): Element {
  const project = state.catalog.data.projects.find((p) => p.id === ds.projectId)
  const site = state.catalog.site(ds.siteId)
  return el(
    'datasource',
    {
      id: ds.id,
      name: ds.name,
      contentUrl: ds.contentUrl,
      type: DATASOURCE_TYPE,
      createdAt: ds.createdAt,
      updatedAt: ds.updatedAt,
      encryptExtracts: false,
      hasExtracts: false,
      isCertified: false,
      useRemoteQueryAgent: false,
      webpageUrl: `${state.url}/#/site/${site?.contentUrl ?? ''}/datasources/${ds.number}`,
    },
    [
      el('project', { id: ds.projectId, name: project?.name ?? 'Default' }),
      el('owner', { id: ds.ownerId }),
      collection('tags', []),
    ],
  )
}

/** `<connections><connection id type="hyper" …/></connections>` (docs/protocol.md §5.3). */
export function connectionsElement(ds: DatasourceRecord): Element {
  return collection(
    'connections',
    ds.connectionIds.map((id) =>
      el('connection', {
        id,
        type: CONNECTION_TYPE,
        serverAddress: '',
        userName: '',
        queryTaggingEnabled: false,
        useOAuthManagedKeychain: false,
      }),
    ),
  )
}

/** `<job …><updateUploadedFileJob>…</updateUploadedFileJob></job>` (docs/protocol.md §7.5, §8.1). */
export function jobElement(job: JobRecord, asAccepted = false): Element {
  const attrs = asAccepted
    ? { id: job.id, mode: 'Asynchronous', type: 'UpdateUploadedFile', createdAt: job.createdAt }
    : {
        id: job.id,
        mode: 'Asynchronous',
        type: 'UpdateUploadedFile',
        progress: job.progress,
        createdAt: job.createdAt,
        startedAt: job.startedAt,
        completedAt: job.completedAt,
        finishCode: job.finishCode,
      }
  const inner: Element[] = [
    el('datasource', { id: job.datasourceId, name: job.datasourceName }),
    textEl('connectionLuid', job.connectionId),
  ]
  if (!asAccepted && job.notes !== undefined) inner.push(textEl('notes', job.notes))
  return el('job', attrs, [el('updateUploadedFileJob', undefined, inner)])
}

/** `<fileUpload uploadSessionId fileSize/>` (docs/protocol.md §6.1, §6.2). */
export function fileUploadElement(upload: UploadRecord): Element {
  return el('fileUpload', { uploadSessionId: upload.id, fileSize: fileSizeInMb(upload.size) })
}
