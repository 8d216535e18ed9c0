import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CONNECTION_NOT_FOUND } from '../core/inferred.js'
import { ApiError, badRequest, invalidParameter } from '../http/api-error.js'
import { objectAt, readRequestDocument, stringAt } from '../http/body.js'
import { connectionElement, datasourceElement, jobElement } from '../runtime/entities.js'
import type { EmulatorState, Handler, Reply } from '../runtime/state.js'
import { type ConnectionSettings, type DatasourceRecord, restTimestamp } from '../store/catalog.js'
import { datasourceNameKey } from '../store/name-locks.js'
import { booleanFlag } from './publish.js'
import { datasourceOf } from './query.js'
import { submitDatasourceJob } from './submit-job.js'

/** PUT …/datasources/{id}: name, project, owner, certification, encryption, description. */
export const updateDatasource: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  const doc = objectAt(await readRequestDocument(ctx.req), 'datasource')
  if (!doc) throw badRequest('The request body has no datasource element.')
  const name = stringAt(doc, 'name')
  if (name !== undefined && (name.trim() === '' || name.length > 255)) {
    throw invalidParameter('A data source name must not be blank and may hold at most 255 characters.')
  }
  const projectId = stringAt(objectAt(doc, 'project'), 'id')
  if (projectId !== undefined && !state.catalog.data.projects.some((p) => p.siteId === ds.siteId && p.id === projectId))
    throw new ApiError(404, '404005', 'Project not found', `The project '${projectId}' could not be found.`)
  // Names are unique per project: a rename or a move must not meet another data source of that name there.
  const keys = [
    datasourceNameKey(ds.siteId, ds.projectId, ds.name),
    datasourceNameKey(ds.siteId, projectId ?? ds.projectId, name ?? ds.name),
  ]
  return state.names.with(keys, async () => {
    const clash = state.catalog.datasourceNamed(ds.siteId, projectId ?? ds.projectId, name ?? ds.name)
    if (clash && clash.id !== ds.id) {
      throw new ApiError(
        409,
        '409015',
        'Data source name conflict',
        `A data source named '${clash.name}' already exists in the project.`,
      )
    }
    return applyUpdate(state, ds, doc, name, projectId)
  })
}

/** The rest of Update Data Source, validated first, applied together: a bad field changes nothing. */
async function applyUpdate(
  state: EmulatorState,
  ds: DatasourceRecord,
  doc: Record<string, unknown>,
  name: string | undefined,
  projectId: string | undefined,
): Promise<Reply> {
  const ownerId = stringAt(objectAt(doc, 'owner'), 'id')
  if (ownerId !== undefined && !state.catalog.user(ownerId))
    throw new ApiError(404, '404002', 'Owner not found', `The user '${ownerId}' could not be found.`)
  const isCertified = booleanFlag(stringAt(doc, 'isCertified'), 'isCertified value')
  const encryptExtracts = booleanFlag(stringAt(doc, 'encryptExtracts'), 'encryptExtracts value')
  const useRemoteQueryAgent = booleanFlag(stringAt(doc, 'useRemoteQueryAgent'), 'useRemoteQueryAgent value')
  if (name !== undefined) ds.name = name
  if (projectId !== undefined) ds.projectId = projectId
  if (ownerId !== undefined) ds.ownerId = ownerId
  if (isCertified !== undefined) ds.isCertified = isCertified
  if (encryptExtracts !== undefined) ds.encryptExtracts = encryptExtracts
  if (useRemoteQueryAgent !== undefined) ds.useRemoteQueryAgent = useRemoteQueryAgent
  const note = stringAt(doc, 'certificationNote')
  if (note !== undefined) ds.certificationNote = note
  const description = stringAt(doc, 'description')
  if (description !== undefined) ds.description = description
  ds.updatedAt = restTimestamp()
  await state.catalog.save()
  return { status: 200, body: [datasourceElement(state, ds)] }
}

/** PUT …/datasources/{id}/connections/{cid}: server address, port, user, password, embed, query tagging. */
export const updateConnection: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  const cid = ctx.params['connection']!
  if (!ds.connectionIds.includes(cid)) {
    throw new ApiError(404, CONNECTION_NOT_FOUND.code, CONNECTION_NOT_FOUND.summary, `No connection '${cid}'.`)
  }
  const doc = objectAt(await readRequestDocument(ctx.req), 'connection')
  if (!doc) throw badRequest('The request body has no connection element.')
  const embed = booleanFlag(stringAt(doc, 'embedPassword'), 'embedPassword value')
  const tagging = booleanFlag(stringAt(doc, 'queryTaggingEnabled'), 'queryTaggingEnabled value')
  const port = stringAt(doc, 'serverPort')
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw invalidParameter(`serverPort '${port}' is not a port.`)
  const next: ConnectionSettings = { ...ds.connections?.[cid] }
  const address = stringAt(doc, 'serverAddress')
  if (address !== undefined) next.serverAddress = address
  if (port !== undefined) next.serverPort = port
  const user = stringAt(doc, 'userName')
  if (user !== undefined) next.userName = user
  if (stringAt(doc, 'password') !== undefined) next.hasPassword = true
  if (embed !== undefined) next.embedPassword = embed
  if (tagging !== undefined) next.queryTaggingEnabled = tagging
  const auth = stringAt(doc, 'authenticationType')
  if (auth !== undefined) next.authenticationType = auth
  ds.connections = { ...ds.connections, [cid]: next }
  await state.catalog.save()
  return { status: 200, body: [connectionElement(ds, cid)] }
}

/** DELETE …/datasources/{id}: 204; the database, revisions and tags go with it. */
export const deleteDatasource: Handler = async (state, ctx) => {
  ctx.req.resume()
  const ds = datasourceOf(state, ctx)
  // Waits for a publish of its name in flight (an overwrite must not write into a deleted data source).
  await state.names.with([datasourceNameKey(ds.siteId, ds.projectId, ds.name)], async () => {
    state.catalog.data.datasources = state.catalog.data.datasources.filter((d) => d !== ds)
    await state.catalog.save()
  })
  await state.store.detachAndDelete(ds.alias, ds.file)
  await rm(join(state.store.dir, 'revisions', ds.id), { recursive: true, force: true })
  return { status: 204 }
}

/** POST …/datasources/{id}/refresh: 202 + `<job type="RefreshExtract">`; one queued refresh at a time (409093). */
export const refreshDatasource: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  await readRequestDocument(ctx.req) // `<tsRequest/>`, `<extractRefresh incremental/>` (3.25) or nothing
  if (state.jobs.pending(ds.id, 'RefreshExtract')) {
    throw new ApiError(409, '409093', 'Operation already in Queue', 'The extract refresh job is already in the queue.')
  }
  const job = await submitDatasourceJob(state, 'RefreshExtract', ds)
  return { status: 202, body: [jobElement(job, true)] }
}
