import { randomBytes, randomInt } from 'node:crypto'
import { open, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PAYLOAD_TOO_LARGE } from '../core/inferred.js'
import type { ResourceRouteName } from '../core/routes.js'
import { ApiError, badRequest } from '../http/api-error.js'
import { boundaryOf, MultipartError, parseMultipart } from '../http/multipart.js'
import { fileUploadElement, uploadNotFound } from '../runtime/entities.js'
import { type EmulatorState, type Handler, type RequestContext, siteOf } from '../runtime/state.js'
import { restTimestamp, type UploadRecord } from '../store/catalog.js'

/** Thrown after the socket was destroyed on purpose: nothing must be written back. */
export class ConnectionReset extends Error {}

/** The XSD's id shape `digits:hex-digits:digits`, e.g. `7720:170fe6b1c1c7422dadff20f944d58a52-1:0`. */
function newUploadId(): string {
  return `${randomInt(1000, 99999)}:${randomBytes(16).toString('hex')}-1:0`
}

/** POST …/fileUploads with an empty body → 201 `<fileUpload uploadSessionId fileSize="0"/>`. */
export const initiateUpload: Handler = async (state, ctx) => {
  ctx.req.resume()
  const site = siteOf(state, ctx)
  const id = newUploadId()
  const upload: UploadRecord = {
    id,
    siteId: site.id,
    file: `${id.replace(/[^A-Za-z0-9-]/g, '_')}.bin`,
    size: 0,
    createdAt: restTimestamp(),
  }
  await writeFile(join(state.uploadsDir, upload.file), '')
  state.catalog.data.uploads.push(upload)
  await state.catalog.save()
  return { status: 201, body: [fileUploadElement(upload)] }
}

const locks = new WeakMap<UploadRecord, Promise<unknown>>()

/** Counts body bytes and destroys the socket after `limit` of them (fault injection). */
async function* resetAfter(ctx: RequestContext, limit: number, onReset: () => void): AsyncGenerator<Buffer> {
  let seen = 0
  for await (const chunk of ctx.req) {
    const c = chunk as Buffer
    if (seen + c.length > limit) {
      if (limit > seen) yield c.subarray(0, limit - seen)
      onReset()
      ctx.req.socket.destroy()
      throw new ConnectionReset('emulator: injected connection reset')
    }
    seen += c.length
    yield c
  }
}

/**
 * PUT …/fileUploads/{id}: a `multipart/mixed` body whose `tableau_file` part is appended to the
 * session's file as it streams in (docs/protocol.md §6.2). Appends to one session run one at a time; a failed
 * append leaves the file as it was before.
 */
export const appendUpload: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const id = ctx.params['upload']!
  const upload = state.catalog.upload(site.id, id)
  if (!upload) throw uploadNotFound(id)
  const boundary = boundaryOf(ctx.req.headers['content-type'])
  if (!boundary) throw badRequest('The Content-Type must be multipart/mixed with a boundary.')
  const previous = locks.get(upload) ?? Promise.resolve()
  const current = previous.catch(() => {}).then(() => appendParts(state, ctx, upload, boundary))
  locks.set(upload, current)
  await current
  return { status: 200, body: [fileUploadElement(upload)] }
}

async function appendParts(
  state: EmulatorState,
  ctx: RequestContext,
  upload: UploadRecord,
  boundary: string,
): Promise<void> {
  const path = join(state.uploadsDir, upload.file)
  const before = upload.size
  const resetAt = state.faults.takeAppendReset()
  const source =
    resetAt === undefined
      ? ctx.req
      : resetAfter(ctx, resetAt, () => {
          state.faults.counters.appendResets++
        })
  const fh = await open(path, 'a')
  const partLimit = state.personality.uploadPartLimitBytes ?? Number.POSITIVE_INFINITY
  let added = 0
  let files = 0
  try {
    await parseMultipart(source, boundary, (h) => {
      if (h.name !== 'tableau_file') return { write: () => {}, end: () => {} }
      files++
      return {
        write: async (chunk) => {
          // Over a personality's part limit: the rest is read and dropped, and the append refused below.
          if (added + chunk.length <= partLimit) await fh.write(chunk)
          added += chunk.length
        },
        end: () => {},
      }
    })
    if (files !== 1) throw badRequest(`The body must hold exactly one tableau_file part (got ${files}).`)
    if (added > partLimit) {
      throw new ApiError(
        PAYLOAD_TOO_LARGE.status,
        PAYLOAD_TOO_LARGE.code,
        PAYLOAD_TOO_LARGE.summary,
        `The part (${added} bytes) exceeds the upload part limit of ${partLimit} bytes.`,
      )
    }
    upload.size = before + added
    await state.catalog.save()
  } catch (e) {
    await fh.close()
    await truncate(path, before)
    if (e instanceof MultipartError) throw badRequest(`Malformed multipart body: ${e.message}`)
    throw e
  } finally {
    await fh.close().catch(() => {})
  }
}

/** Every upload endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const UPLOAD_HANDLERS = { initiateUpload, appendUpload } satisfies Record<ResourceRouteName<'upload'>, Handler>
