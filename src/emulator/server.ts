import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { ApiError, resourceNotFound } from './api-error.js'
import type { ConsoleServer } from './console/console-server.js'
import { contentDisposition } from './content-disposition.js'
import { type Element, el, renderJson, renderXml, textEl } from './document.js'
import type { RouteName } from './faults.js'
import { serverInfo, signIn, signOut } from './handlers-auth.js'
import { downloadDatasource, downloadRevision, listRevisions, removeRevision } from './handlers-content.js'
import { deleteDatasource, refreshDatasource, updateConnection, updateDatasource } from './handlers-datasource-edit.js'
import { queryConnections, queryDatasource, queryDatasources } from './handlers-datasources.js'
import { cancelJob, queryJob } from './handlers-jobs.js'
import { applyKeychain, retrieveKeychain } from './handlers-keychain.js'
import { publishDatasource } from './handlers-publish.js'
import { addTags, deleteTag } from './handlers-tags.js'
import { updateData } from './handlers-update.js'
import { appendUpload, ConnectionReset, initiateUpload } from './handlers-uploads.js'
import { methodNotAllowedDetail, SERVICE_UNAVAILABLE, wantsJson } from './inferred.js'
import { requestTarget } from './request-target.js'
import { matchRoute } from './routes.js'
import type { EmulatorState, Handler, Reply } from './state.js'
import { VCONN_HANDLERS } from './vconn-routes.js'
import { handleVizqlDataService, sendVdsError, VDS_PREFIX } from './vizql-data-service.js'

const HANDLERS: Record<RouteName, Handler> = {
  serverInfo,
  signIn,
  signOut,
  queryDatasources,
  queryDatasource,
  queryConnections,
  publishDatasource,
  initiateUpload,
  appendUpload,
  updateData,
  updateConnectionData: updateData,
  queryJob,
  cancelJob,
  ...VCONN_HANDLERS,
  updateDatasource,
  deleteDatasource,
  updateConnection,
  refreshDatasource,
  downloadDatasource,
  addTags,
  deleteTag,
  listRevisions,
  downloadRevision,
  removeRevision,
  retrieveKeychain,
  applyKeychain,
}

function errorBody(e: ApiError): Element[] {
  return [el('error', { code: e.code }, [textEl('summary', e.summary), textEl('detail', e.detail)])]
}

/** JSON error bodies put `code` (a string) last, as real servers do (docs/protocol.md §2.6). */
function renderErrorJson(e: ApiError): string {
  return JSON.stringify({ error: { summary: e.summary, detail: e.detail, code: e.code } })
}

function send(res: ServerResponse, json: boolean, reply: Reply, error?: ApiError): void {
  if (res.headersSent || res.destroyed) return
  const headers: Record<string, string> = { ...reply.headers }
  let payload: string | undefined
  if (error) payload = json ? renderErrorJson(error) : renderXml(errorBody(error))
  else if (reply.body) payload = json ? renderJson(reply.body) : renderXml(reply.body)
  if (payload !== undefined) {
    headers['content-type'] = json ? 'application/json;charset=UTF-8' : 'application/xml;charset=UTF-8'
    headers['content-length'] = String(Buffer.byteLength(payload))
  }
  res.writeHead(reply.status, headers)
  res.end(payload)
}

/** Streams a download with its Content-Disposition (see contentDisposition). */
async function sendFile(res: ServerResponse, reply: Reply): Promise<void> {
  const file = reply.file!
  try {
    const { size } = await stat(file.path)
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      'content-disposition': contentDisposition(file.filename),
    })
    await pipeline(createReadStream(file.path), res)
  } finally {
    if (file.temporary) await rm(file.path, { force: true })
  }
}

async function vizqlDataService(state: EmulatorState, req: IncomingMessage, res: ServerResponse, method: string) {
  try {
    await handleVizqlDataService(state, req, res, method)
  } catch (e) {
    req.resume()
    if (e instanceof ApiError) return sendVdsError(res, e)
    state.logger.error('emulator: internal error', { message: (e as Error).message })
    sendVdsError(res, new ApiError(500, '500000', 'Internal Server Error', `emulator: ${(e as Error).message}`))
  }
}

/** The request listener: route, faults, auth, handler, envelope. With a console: `/console*` first, API requests logged. */
export function createListener(
  state: EmulatorState,
  console?: ConsoleServer,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (console?.handles(req, res)) return
    void handle(state, req, res)
  }
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const json = wantsJson(req.headers.accept)
  const method = (req.method ?? 'GET').toUpperCase()
  const fail = (e: ApiError): void => {
    req.resume() // drain an unread body so the connection stays usable
    send(res, json, { status: e.status, headers: e.headers }, e)
  }
  try {
    const { pathname, segments, query } = requestTarget(req.url ?? '/')
    if (segments && segments.length === 4 && VDS_PREFIX.every((p, i) => segments[i] === p)) {
      return await vizqlDataService(state, req, res, segments[3]!)
    }
    const match = segments ? matchRoute(method, segments) : { kind: 'not-found' as const }
    const shown = pathname.replace(/^\/api/, '')
    if (match.kind === 'not-found') return fail(resourceNotFound(shown))
    if (match.kind === 'method-not-allowed') {
      return fail(new ApiError(405, '405000', 'Invalid request method', methodNotAllowedDetail(method)))
    }
    const { route, params } = match
    state.logger.debug('emulator: request', { method, route: route.name })
    const fault = state.faults.takeResponseFault({ method, route: route.name, path: pathname })
    if (fault?.status === 429) {
      return fail(
        new ApiError(429, '429000', 'Too Many Requests', 'Too many requests; retry later.', {
          'retry-after': String(fault.retryAfterSeconds ?? 1),
        }),
      )
    }
    if (fault?.status === 503) {
      return fail(new ApiError(503, SERVICE_UNAVAILABLE.code, SERVICE_UNAVAILABLE.summary, 'emulator: injected 503.'))
    }
    let session: ReturnType<typeof state.sessions.authenticate> | undefined
    if (!route.anonymous) {
      const token = req.headers['x-tableau-auth']
      if (typeof token === 'string' && token !== '' && state.faults.tickAuthenticated()) state.sessions.expireAll()
      session = state.sessions.authenticate(typeof token === 'string' ? token : undefined)
    }
    const reply = await HANDLERS[route.name](state, {
      req,
      res,
      route: route.name,
      params,
      query,
      session,
    })
    if (reply.file) return await sendFile(res, reply)
    send(res, json, reply)
  } catch (e) {
    if (e instanceof ConnectionReset) return
    if (e instanceof ApiError) return fail(e)
    state.logger.error('emulator: internal error', { message: (e as Error).message })
    fail(new ApiError(500, '500000', 'Internal Server Error', `emulator: ${(e as Error).message}`))
  }
}
