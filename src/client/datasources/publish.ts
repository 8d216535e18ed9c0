import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Readable } from 'node:stream'
import { HyperdeltaError } from '../../errors.js'
import { type Job, toJob } from '../job.js'
import { newBoundary, safeFilename } from '../multipart.js'
import { jobResponseSchema } from '../responses.js'
import type { ResourceCaller } from './caller.js'
import { toDatasourceDetails } from './convert.js'
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

/**
 * Publish Data Source: one multipart/mixed request up to 64 MB, above that an upload session (initiate, append in
 * parts, commit). create and append are not repeated after an ambiguous failure (they could apply twice);
 * overwrite is (it ends in the same state).
 */
export async function publish(caller: ResourceCaller, o: PublishDatasourceOptions): Promise<DatasourceDetails | Job> {
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
      `${o.file} is ${size} bytes: above 64 MB a publish needs an upload session`,
      'uploadSession',
      false,
    )
  }
  const params = new URLSearchParams()
  if (mode === 'overwrite') params.set('overwrite', 'true')
  if (mode === 'append') params.set('append', 'true')
  if (o.asJob) params.set('asJob', 'true')
  let headers: Record<string, string>
  let body: () => string | Readable
  if (useSession) {
    const uploaded = await caller.uploadFile(o.file, {
      ...(o.partSizeBytes !== undefined && { partSizeBytes: o.partSizeBytes }),
      ...(o.signal !== undefined && { signal: o.signal }),
      onProgress: (p) => o.onProgress?.({ phase: 'upload', bytes: p.uploadedBytes, totalBytes: p.totalBytes }),
    })
    params.set('uploadSessionId', uploaded.uploadSessionId)
    params.set('datasourceType', type)
    const commit = commitBody(o)
    headers = { 'Content-Type': commit.contentType }
    body = () => commit.text
  } else {
    const single = singleRequestBody(o, type, size)
    headers = { 'Content-Type': single.contentType, 'Content-Length': String(single.length) }
    body = single.body
  }
  const query = params.size > 0 ? `?${params.toString()}` : ''
  const common = {
    layer: 'publish',
    method: 'POST' as const,
    path: caller.sitePath(`/datasources${query}`),
    headers,
    body,
    signal: o.signal,
    retryAmbiguous: mode === 'overwrite',
  }
  if (o.asJob) {
    const res = await caller.call({ ...common, expect: [202, 200, 201], schema: jobResponseSchema })
    return toJob(res.job)
  }
  const res = await caller.call({ ...common, expect: [201, 200], schema: datasourceDetailsResponseSchema })
  return toDatasourceDetails(res.datasource)
}
