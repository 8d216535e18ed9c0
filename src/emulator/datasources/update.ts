import { randomUUID } from 'node:crypto'
import { isHyperdeltaError, parseActions, type WireBatch } from '../../index.js'
import { NATIVE_OPS } from '../../wire.js'
import { BYTES_PER_MB, DUPLICATE_REQUEST_WINDOW_MS, MISSING_REQUEST_ID, PAYLOAD_TOO_LARGE } from '../core/inferred.js'
import { usesOr } from '../core/personality.js'
import { ApiError, badRequest, invalidParameter } from '../http/api-error.js'
import { readBody } from '../http/body.js'
import { jobElement, uploadNotFound } from '../runtime/entities.js'
import { type Handler, siteOf } from '../runtime/state.js'
import { assertUpdateSignInKind } from '../runtime/update-sign-in.js'
import { type JobRecord, restTimestamp } from '../store/catalog.js'
import { inlineTermCount, MAX_INLINE_TERMS, STAGE_MIN_TERMS } from '../store/condition-sql.js'
import { datasourceOf } from './query.js'

/**
 * PATCH …/datasources/{id}/data and …/connections/{cid}/data (docs/protocol.md §7): checks run in the order
 * a retry needs (a duplicate RequestID returns the original job before 409094 could fire),
 * then the job is queued and 202 + `<job>` is returned at once.
 */
export const updateData: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const ds = datasourceOf(state, ctx)
  assertUpdateSignInKind(state, ctx)
  let connectionId: string
  if (ctx.route === 'updateConnectionData') {
    const cid = ctx.params['connection']!
    if (!ds.connectionIds.includes(cid)) {
      throw new ApiError(404, '404020', 'Connection not found', `The connection '${cid}' could not be found.`)
    }
    connectionId = cid
  } else {
    if (ds.connectionIds.length > 1) {
      throw new ApiError(
        403,
        '403062',
        'Update data source multiple connections forbidden',
        'The data source has more than one connection; use …/connections/{connection-id}/data.',
      )
    }
    connectionId = ds.connectionIds[0]!
  }
  const body = await readBody(ctx.req)
  const requestId = ctx.req.headers['requestid']
  if (typeof requestId !== 'string' || requestId === '') {
    throw new ApiError(400, MISSING_REQUEST_ID.code, 'Invalid parameter value', MISSING_REQUEST_ID.detail)
  }
  const now = Date.now()
  state.catalog.data.requestIds = state.catalog.data.requestIds.filter((r) => now - r.at < DUPLICATE_REQUEST_WINDOW_MS)
  const perDatasource = state.personality.requestIdScope === 'datasource'
  const original = state.catalog.data.requestIds
    .filter((r) => r.siteId === site.id && r.requestId === requestId)
    .map((r) => state.catalog.job(site.id, r.jobId))
    .find((job) => job !== undefined && (!perDatasource || job.datasourceId === ds.id))
  if (original) {
    // INFERRED: the original job in its current state (an ended one with completedAt and finishCode), so a
    // client can tell a replay of an earlier run's job from the job its request created.
    state.logger.info('emulator: duplicate RequestID, returning the original job', { job: original.id })
    return { status: 202, body: [jobElement(original, original.status !== 'done')], headers: { requestid: requestId } }
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw badRequest('The request body is missing or is not valid JSON.')
  }
  let batch: WireBatch
  try {
    // The library's one wire validator (wireBatchSchema); native ne/not unless the personality says otherwise.
    batch = parseActions(parsed, { nativeOps: state.personality.noNativeOps ? [] : NATIVE_OPS })
  } catch (e) {
    if (isHyperdeltaError(e, 'WIRE_INVALID')) throw invalidParameter(e.message)
    // Whatever else the validator could not handle is still the request's fault, never a 500.
    throw invalidParameter(`emulator: the actions could not be read: ${(e as Error).message}`)
  }
  for (const [index, action] of batch.actions.entries()) {
    const inline = action.condition === undefined ? 0 : inlineTermCount(action.condition)
    if (inline > MAX_INLINE_TERMS) {
      throw invalidParameter(
        `emulator: actions[${index}].condition has ${inline} comparisons the emulator would spell out one by one (source-column comparisons, or fewer than ${STAGE_MIN_TERMS} constants per column and operator); its limit is ${MAX_INLINE_TERMS}.`,
      )
    }
  }

  if (state.personality.noOrOperator && usesOr(batch.actions)) {
    throw invalidParameter('emulator (personality noOrOperator): the "or" operator is not supported.')
  }
  const uploadSessionId = ctx.query.get('uploadSessionId') ?? undefined
  if (uploadSessionId !== undefined) {
    const upload = state.catalog.upload(site.id, uploadSessionId)
    if (!upload) throw uploadNotFound(uploadSessionId)
    if (upload.size > state.maxSizeInMb * BYTES_PER_MB) {
      throw new ApiError(
        PAYLOAD_TOO_LARGE.status,
        PAYLOAD_TOO_LARGE.code,
        PAYLOAD_TOO_LARGE.summary,
        `The payload (${upload.size} bytes) exceeds api.server.update_uploaded_file.max_size_in_mb = ${state.maxSizeInMb}.`,
      )
    }
  }
  if (state.jobs.busy(ds.id)) {
    throw new ApiError(
      409,
      '409094',
      'Data update job already exists',
      'A data update job for the datasource is already queued or in progress.',
    )
  }
  const job: JobRecord = {
    id: randomUUID(),
    siteId: site.id,
    datasourceId: ds.id,
    datasourceName: ds.name,
    connectionId,
    status: 'queued',
    progress: 0,
    createdAt: restTimestamp(now),
    requestId,
    ...(uploadSessionId !== undefined && { uploadSessionId }),
    actionsJson: JSON.stringify(batch.actions),
  }
  state.catalog.data.jobs.push(job)
  state.catalog.data.requestIds.push({ siteId: site.id, requestId, jobId: job.id, at: now })
  await state.catalog.save()
  state.jobs.submit(job)
  return { status: 202, body: [jobElement(job, true)], headers: { requestid: requestId } }
}
