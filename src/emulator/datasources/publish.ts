import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PUBLISH_AS_JOB_STATUS, PUBLISH_FILE_TYPES, SINGLE_REQUEST_PUBLISH_LIMIT } from '../core/inferred.js'
import { ApiError, badRequest, invalidParameter } from '../http/api-error.js'
import { objectAt, parseRequestDocument, stringAt } from '../http/body.js'
import { boundaryOf, MultipartError, type PartSink, parseMultipart } from '../http/multipart.js'
import { detectPayloadFormat } from '../runtime/apply-actions.js'
import { datasourceElement, jobElement } from '../runtime/entities.js'
import { type Handler, type RequestContext, siteOf } from '../runtime/state.js'
import type { ConnectionSettings } from '../store/catalog.js'
import { publishContent } from './publish-content.js'
import { submitDatasourceJob } from './submit-job.js'

const FILE_TYPES: readonly string[] = PUBLISH_FILE_TYPES

/** A `true`/`false` flag (any case, as TSC sends `True`); absent → undefined; anything else → 400008. */
export function booleanFlag(value: string | undefined | null, what: string): boolean | undefined {
  if (value === undefined || value === null) return undefined
  const v = value.toLowerCase()
  if (v === 'true' || v === 'false') return v === 'true'
  throw invalidParameter(`The ${what} must be set to true or false.`)
}

interface Received {
  payload: Buffer
  payloadType: string | undefined
  attachment?: { path: string; filename: string | undefined; size: number }
}

/** Reads the multipart body: `request_payload` in memory, the file part streamed to `temp`. */
async function receive(ctx: RequestContext, temp: string): Promise<Received> {
  const boundary = boundaryOf(ctx.req.headers['content-type'])
  if (!boundary) throw badRequest('The Content-Type must be multipart/mixed with a boundary.')
  const got: Received = { payload: Buffer.alloc(0), payloadType: undefined }
  try {
    await parseMultipart(ctx.req, boundary, async (h): Promise<PartSink> => {
      if (h.name === 'request_payload') {
        got.payloadType = h.contentType
        return {
          write: (c) => {
            got.payload = Buffer.concat([got.payload, c])
            if (got.payload.length > 1024 * 1024) throw badRequest('request_payload is too large.')
          },
          end: () => {},
        }
      }
      if (got.attachment)
        throw new ApiError(400, '400010', 'Unexpected attachments', 'The message contained more than one attachment.')
      const attachment = { path: temp, filename: h.filename, size: 0 }
      got.attachment = attachment
      const out = createWriteStream(temp)
      return {
        write: async (c) => {
          attachment.size += c.length
          if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()))
        },
        end: () =>
          new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))),
      }
    })
  } catch (e) {
    if (e instanceof MultipartError) throw badRequest(`Malformed multipart body: ${e.message}`)
    throw e
  }
  return got
}

/** `<connectionCredentials name password embed oAuth/>` → connection settings (the password is never kept). */
function credentialsOf(doc: Record<string, unknown> | undefined): ConnectionSettings | undefined {
  const c = objectAt(doc, 'connectionCredentials')
  if (!c) return undefined
  const embed = booleanFlag(stringAt(c, 'embed'), 'embed value')
  const name = stringAt(c, 'name')
  return {
    ...(name !== undefined && { userName: name }),
    ...(embed !== undefined && { embedPassword: embed }),
    ...(stringAt(c, 'password') !== undefined && { hasPassword: true }),
  }
}

/**
 * POST …/datasources: a file in the multipart body (≤ 64 MB) or a committed upload session
 * (`uploadSessionId` + `datasourceType`); `overwrite`, `append`, `asJob`. Parquet becomes the
 * table Extract.Extract; the page's other types are kept as opaque files.
 */
export const publishDatasource: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const overwrite = booleanFlag(ctx.query.get('overwrite'), 'overwrite parameter') ?? false
  const append = booleanFlag(ctx.query.get('append'), 'append parameter') ?? false
  const asJob = booleanFlag(ctx.query.get('asJob'), 'asJob parameter') ?? false
  if (overwrite && append) {
    throw new ApiError(
      400,
      '400055',
      'Incompatible overwrite and append values',
      'The overwrite and append parameter cannot both be set to true.',
    )
  }
  const temp = join(state.uploadsDir, `publish-${randomUUID()}.bin`)
  try {
    const got = await receive(ctx, temp)
    const doc = parseRequestDocument(got.payload, got.payloadType)
    const dsDoc = objectAt(doc, 'datasource')
    const name = stringAt(dsDoc, 'name')
    if (!name?.trim()) throw badRequest('The request_payload has no datasource name.')
    const projectId = stringAt(objectAt(dsDoc, 'project'), 'id')
    const project = projectId
      ? state.catalog.data.projects.find((p) => p.siteId === site.id && p.id === projectId)
      : state.catalog.ensureProject(site.id, 'Default')
    if (!project)
      throw new ApiError(404, '404005', 'Project not found', `The project '${projectId}' could not be found.`)
    const credentials = credentialsOf(dsDoc)

    let file: string
    let filename: string
    const uploadSessionId = ctx.query.get('uploadSessionId')
    if (uploadSessionId !== null) {
      if (got.attachment)
        throw new ApiError(
          400,
          '400010',
          'Unexpected attachments',
          'The message had both an uploadSessionId parameter and an attachment.',
        )
      const type = ctx.query.get('datasourceType')?.toLowerCase()
      if (!type || !FILE_TYPES.includes(type)) {
        throw new ApiError(
          400,
          '400010',
          'Missing or invalid file type',
          `datasourceType must be one of ${FILE_TYPES.join(', ')}.`,
        )
      }
      const upload = state.catalog.upload(site.id, uploadSessionId)
      if (!upload)
        throw new ApiError(
          404,
          '404015',
          'File upload not found',
          `The file upload '${uploadSessionId}' could not be found.`,
        )
      file = join(state.uploadsDir, upload.file)
      filename = `${name}.${type}`
    } else {
      if (!got.attachment)
        throw new ApiError(400, '400000', 'Missing data source', 'There is no attachment in the request.')
      const ext = got.attachment.filename?.split('.').pop()?.toLowerCase()
      if (!got.attachment.filename?.includes('.') || !ext || !FILE_TYPES.includes(ext)) {
        throw new ApiError(
          400,
          '400010',
          'Invalid data source filename',
          `The file name must end with .${FILE_TYPES.join(', .')}.`,
        )
      }
      if (got.attachment.size > SINGLE_REQUEST_PUBLISH_LIMIT) {
        throw new ApiError(
          400,
          '400011',
          'Publishing error',
          'A file above 64 MB must be published through an upload session (Initiate File Upload).',
        )
      }
      file = got.attachment.path
      filename = got.attachment.filename
    }
    const isParquet = filename.toLowerCase().endsWith('.parquet')
    if (isParquet && (await detectPayloadFormat(file)) !== 'parquet') {
      throw new ApiError(400, '400011', 'Publishing error', `'${filename}' is not a Parquet file.`)
    }
    // An unreadable file is the request's fault (400011), found before an overwrite drops anything.
    if (isParquet) {
      await state.store.checkParquet(file).catch((e: unknown) => {
        throw new ApiError(
          400,
          '400011',
          'Publishing error',
          `emulator: '${filename}' is not a readable Parquet file: ${(e as Error).message}`,
        )
      })
    }
    const owner = state.catalog.ensureUser(ctx.session!.userName)
    const { ds } = await publishContent(state, {
      siteId: site.id,
      projectId: project.id,
      ownerId: owner.id,
      name,
      file,
      fileIsTemporary: uploadSessionId === null,
      filename,
      kind: isParquet ? 'parquet' : 'opaque',
      mode: append ? 'append' : overwrite ? 'overwrite' : 'create',
      description: stringAt(dsDoc, 'description'),
      useRemoteQueryAgent: booleanFlag(stringAt(dsDoc, 'useRemoteQueryAgent'), 'useRemoteQueryAgent value'),
      credentials,
    })
    if (asJob) {
      const job = await submitDatasourceJob(state, 'PublishDatasource', { ...ds, siteId: site.id })
      return { status: PUBLISH_AS_JOB_STATUS, body: [jobElement(job, true)] }
    }
    return {
      status: 201,
      body: [datasourceElement(state, ds)],
      headers: { location: `/api/${state.restApiVersion}/sites/${site.id}/datasources/${ds.id}` },
    }
  } finally {
    await rm(temp, { force: true })
  }
}
