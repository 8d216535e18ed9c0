import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { ConsoleServer } from './console/console-server.js'
import type { RouteName } from './core/faults.js'
import { methodNotAllowedDetail, SERVICE_UNAVAILABLE, wantsJson } from './core/inferred.js'
import { matchRoute, VDS_PREFIX } from './core/routes.js'
import { DATASOURCE_HANDLERS } from './datasources/handlers.js'
import { DIRECTORY_HANDLERS } from './directory/handlers.js'
import { ApiError, resourceNotFound } from './http/api-error.js'
import { contentDisposition } from './http/content-disposition.js'
import { type Element, el, renderJson, renderXml, textEl } from './http/document.js'
import { requestTarget } from './http/request-target.js'
import { JOB_HANDLERS } from './jobs/handlers.js'
import { realServerReply } from './runtime/real-server-variants.js'
import { holdSiteSlot } from './runtime/site-slot.js'
import type { EmulatorState, Handler, Reply } from './runtime/state.js'
import { SESSION_HANDLERS } from './sessions/handlers.js'
import { ConnectionReset, UPLOAD_HANDLERS } from './uploads/handlers.js'
import { VIRTUAL_CONNECTION_HANDLERS } from './virtual-connections/handlers.js'
import { handleVizqlDataService, sendVdsError } from './vizql-data-service/service.js'

/** The handler of every route, one table per resource folder; a resource left out does not compile. */
export const HANDLERS: Readonly<Record<RouteName, Handler>> = {
  ...SESSION_HANDLERS,
  ...DATASOURCE_HANDLERS,
  ...UPLOAD_HANDLERS,
  ...JOB_HANDLERS,
  ...DIRECTORY_HANDLERS,
  ...VIRTUAL_CONNECTION_HANDLERS,
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
    holdSiteSlot(state, params, res)
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
    send(res, json, realServerReply(state.personality, route.name, reply))
  } catch (e) {
    if (e instanceof ConnectionReset) return
    if (e instanceof ApiError) return fail(e)
    state.logger.error('emulator: internal error', { message: (e as Error).message })
    fail(new ApiError(500, '500000', 'Internal Server Error', `emulator: ${(e as Error).message}`))
  }
}
