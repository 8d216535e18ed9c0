import { parseActions } from '../actions/parse-actions.js'
import { HyperdeltaError } from '../errors.js'
import type { Logger } from '../logger.js'
import { assertSupported, type Capabilities, confirmedNativeOps } from './capabilities.js'
import type { UpdateDataRequest } from './client-options.js'
import * as datasources from './datasources/endpoints.js'
import { type Job, toJob } from './jobs/job.js'
import type { Send } from './transport/api-request.js'
import { checkPathValue } from './transport/request-path.js'
import { uploadFile } from './uploads/upload-file.js'

/**
 * The update operation behind `TableauClient.updateData`: checks the request, validates the actions, uploads the
 * payload when one is given, then sends the PATCH (docs/protocol.md §7) and returns the created job.
 */
export async function updateData(
  send: Send,
  request: UpdateDataRequest,
  logger: Logger,
  capabilities?: Capabilities,
): Promise<Job> {
  if (typeof request.requestId !== 'string' || request.requestId.trim() === '') {
    throw new HyperdeltaError('CONFIG_INVALID', 'update: requestId must be a non-empty string', {
      details: { field: 'requestId' },
    })
  }
  // Both go in the PATCH's path: refused before the payload is uploaded, not after.
  checkPathValue(request.datasource, 'datasource')
  if (request.connection !== undefined) checkPathValue(request.connection, 'connection')
  if (request.payload !== undefined && request.uploadSessionId !== undefined) {
    throw new HyperdeltaError('CONFIG_INVALID', 'update: pass payload or uploadSessionId, not both', {
      details: { field: 'payload' },
    })
  }
  const actions = parseActions(request.actions, { nativeOps: confirmedNativeOps(capabilities) })
  assertSupported(capabilities, {
    actions: actions.actions,
    hasPayload: request.payload !== undefined || request.uploadSessionId !== undefined,
  })
  const body = JSON.stringify(actions)
  let uploadSessionId = request.uploadSessionId
  if (request.payload !== undefined) {
    const upload = await uploadFile(send, request.payload, request.signal ? { signal: request.signal } : {})
    uploadSessionId = upload.uploadSessionId
  }
  const res = await send(
    datasources.updateData({
      datasource: request.datasource,
      connection: request.connection,
      uploadSessionId,
      body,
      requestId: request.requestId,
      signal: request.signal,
    }),
  )
  const job = toJob(res.job)
  logger.info('update: job created', {
    jobId: job.id,
    datasource: request.datasource,
    requestId: request.requestId,
  })
  return job
}
