import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Readable } from 'node:stream'
import type { z } from 'zod'
import { HyperdeltaError } from '../../errors.js'
import type { ApiRequest, Send } from '../api-request.js'
import { type Job, toJob } from '../job.js'
import { newBoundary, safeFilename } from '../multipart.js'
import { apiPath } from '../request-path.js'
import { jobResponseSchema } from '../responses.js'
import { uploadFile } from '../upload-file.js'
import { toDatasourceDetails } from './convert.js'
import { typedErrors } from './error-codes.js'
import { publishPayload } from './request-bodies.js'
import { datasourceDetailsResponseSchema } from './schemas.js'
import type { DatasourceDetails, DatasourceFileType, PublishDatasourceOptions } from './types.js'

/** The page: "The maximum size of a file that can be published in a single request is 64 MB" (MiB, as TSC). */
export const SINGLE_REQUEST_PUBLISH_MAX_BYTES = 64 * 2 ** 20

export const DATASOURCE_FILE_TYPES: readonly DatasourceFileType[] = ['parquet', 'hyper', 'tds', 'tdsx', 'tde']

function configError(message: string, field: string, value?: unknown): HyperdeltaError {
  return new HyperdeltaError('CONFIG_INVALID', `publish: ${message}`, { details: { field, value } })
}

function fileTypeOf(o: PublishDatasourceOptions): DatasourceFileType {
  const type = (o.fileType ?? extname(o.file).slice(1).toLowerCase()) as DatasourceFileType
  if (!DATASOURCE_FILE_TYPES.includes(type)) {
    throw configError(
      `file type of ${o.file} must be one of ${DATASOURCE_FILE_TYPES.join(', ')} (pass fileType)`,
      'fileType',
      type,
    )
  }
  return type
}

/** The single-request body: request_payload (XML), then the file streamed from disk. */
function singleRequestBody(o: PublishDatasourceOptions, type: DatasourceFileType, size: number) {
  const boundary = newBoundary()
  const base = safeFilename(o.file)
  const filename = base.toLowerCase().endsWith(`.${type}`) ? base : `${base}.${type}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n` +
      `${publishPayload(o)}\r\n` +
      `--${boundary}\r\nContent-Disposition: name="tableau_datasource"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
    'utf8',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')
  const body = (): Readable => {
    async function* chunks() {
      yield head
      let sent = 0
      for await (const chunk of createReadStream(o.file, { highWaterMark: 1 << 20 })) {
        sent += (chunk as Buffer).length
        yield chunk as Buffer
        o.onProgress?.({ phase: 'upload', bytes: sent, totalBytes: size })
      }
      yield tail
    }
    return Readable.from(chunks(), { objectMode: false })
  }
  return { contentType: `multipart/mixed; boundary=${boundary}`, length: head.length + size + tail.length, body }
}

/** The commit of an upload session: request_payload only. */
function commitBody(o: PublishDatasourceOptions) {
  const boundary = newBoundary()
  const text =
    `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n` +
    `${publishPayload(o)}\r\n--${boundary}--\r\n`
  return { contentType: `multipart/mixed; boundary=${boundary}`, text }
}

/** `POST …/datasources[?overwrite|append|asJob][&uploadSessionId&datasourceType]` with a multipart/mixed body. */
function publishRequest<S extends z.ZodType>(
  query: URLSearchParams,
  body: { headers: Record<string, string>; body: () => string | Readable },
  o: PublishDatasourceOptions,
  expect: readonly number[],
  schema: S,
): ApiRequest<S> {
  return {
    label: 'publish',
    method: 'POST',
    path: apiPath`/datasources?${query}`,
    ...body,
    expect,
    schema,
    signal: o.signal,
    // create and append could apply twice if repeated after a lost answer; overwrite ends in the same state.
    retryAmbiguous: (o.mode ?? 'create') === 'overwrite',
    mapError: typedErrors('publishDatasource'),
  }
}

/**
 * Publish Data Source: one multipart/mixed request below 64 MB, from there an upload session (initiate, append in
 * parts streamed from disk, commit). Progress is reported while the file goes out.
 */
export async function publish(send: Send, o: PublishDatasourceOptions): Promise<DatasourceDetails | Job> {
  if (typeof o.name !== 'string' || o.name.trim() === '') throw configError('name must be a non-empty string', 'name')
  const mode = o.mode ?? 'create'
  if (!['create', 'overwrite', 'append'].includes(mode))
    throw configError('mode must be create, overwrite or append', 'mode', mode)
  const type = fileTypeOf(o)
  let size: number
  try {
    const s = await stat(o.file)
    if (!s.isFile()) throw new Error('not a regular file')
    size = s.size
  } catch (cause) {
    throw new HyperdeltaError('UPLOAD_FILE_UNREADABLE', `publish: cannot read ${o.file}: ${(cause as Error).message}`, {
      cause,
      details: { path: o.file },
    })
  }
  const useSession = o.uploadSession ?? size >= SINGLE_REQUEST_PUBLISH_MAX_BYTES
  if (!useSession && size >= SINGLE_REQUEST_PUBLISH_MAX_BYTES) {
    throw configError(
      `${o.file} is ${size} bytes: from 64 MB on a publish needs an upload session`,
      'uploadSession',
      false,
    )
  }
  const query = new URLSearchParams()
  if (mode === 'overwrite') query.set('overwrite', 'true')
  if (mode === 'append') query.set('append', 'true')
  if (o.asJob) query.set('asJob', 'true')
  let body: { headers: Record<string, string>; body: () => string | Readable }
  if (useSession) {
    const uploaded = await uploadFile(send, o.file, {
      ...(o.partSizeBytes !== undefined && { partSizeBytes: o.partSizeBytes }),
      ...(o.signal !== undefined && { signal: o.signal }),
      onProgress: (p) => o.onProgress?.({ phase: 'upload', bytes: p.uploadedBytes, totalBytes: p.totalBytes }),
    })
    query.set('uploadSessionId', uploaded.uploadSessionId)
    query.set('datasourceType', type)
    const commit = commitBody(o)
    body = { headers: { 'Content-Type': commit.contentType }, body: () => commit.text }
  } else {
    const single = singleRequestBody(o, type, size)
    body = {
      headers: { 'Content-Type': single.contentType, 'Content-Length': String(single.length) },
      body: single.body,
    }
  }
  if (o.asJob) return toJob((await send(publishRequest(query, body, o, [202, 200, 201], jobResponseSchema))).job)
  const res = await send(publishRequest(query, body, o, [201, 200], datasourceDetailsResponseSchema))
  return toDatasourceDetails(res.datasource)
}
