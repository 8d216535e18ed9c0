import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { HyperdeltaError } from '../index.js'
import { ApiError, badRequest, invalidParameter } from './api-error.js'
import { detectPayloadFormat } from './apply-actions.js'
import { objectAt, parseRequestDocument, stringAt } from './body.js'
import { type DatasourceRecord, restTimestamp } from './catalog.js'
import { collection, el } from './document.js'
import { connectionsElement, datasourceElement } from './entities.js'
import { PUBLISHED_TABLE } from './inferred.js'
import { boundaryOf, MultipartError, type PartSink, parseMultipart } from './multipart.js'
import type { CreateDatasourceOptions } from './start-emulator.js'
import { type EmulatorState, type Handler, type RequestContext, siteOf } from './state.js'

const dsNotFound = (id: string): ApiError =>
  new ApiError(404, '404004', 'Data source not found', `The data source '${id}' could not be found.`)

/** The data source in the path, or 404 with `code` (404004; 404011 on the connections endpoint). */
export function datasourceOf(state: EmulatorState, ctx: RequestContext, code = '404004'): DatasourceRecord {
  const site = siteOf(state, ctx)
  const id = ctx.params['datasource']!
  const ds = state.catalog.datasource(site.id, id)
  if (!ds)
    throw code === '404004'
      ? dsNotFound(id)
      : new ApiError(404, code, 'Data source not found', `The data source '${id}' could not be found.`)
  return ds
}

function positiveInt(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback
  return /^\d+$/.test(value) && Number(value) >= 1 ? Number(value) : undefined
}

/** GET …/datasources[?filter=name:eq:X][&pageSize=&pageNumber=] (spec §5.1). */
export const queryDatasources: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const pageSize = positiveInt(ctx.query.get('pageSize'), 100)
  const pageNumber = positiveInt(ctx.query.get('pageNumber'), 1)
  if (pageSize === undefined)
    throw new ApiError(400, '400007', 'Invalid page size', 'The page size must be an integer between 1 and 1000.')
  if (pageSize > 1000)
    throw new ApiError(403, '403014', 'Page size limit exceeded', 'The page size must be 1000 or less.')
  if (pageNumber === undefined)
    throw new ApiError(400, '400006', 'Invalid page number', 'The page number must be a positive integer.')
  let list = state.catalog.data.datasources.filter((d) => d.siteId === site.id)
  const filter = ctx.query.get('filter')
  if (filter) {
    for (const expr of filter.split(',')) {
      const [field, op, ...rest] = expr.split(':')
      const value = rest.join(':')
      const of = (d: DatasourceRecord): string | undefined =>
        field === 'name'
          ? d.name
          : field === 'projectName'
            ? state.catalog.data.projects.find((p) => p.id === d.projectId)?.name
            : undefined
      if ((field !== 'name' && field !== 'projectName') || (op !== 'eq' && op !== 'cieq')) {
        throw badRequest(`Unsupported filter '${expr}' (the emulator supports name and projectName with eq and cieq).`)
      }
      list = list.filter((d) => (op === 'eq' ? of(d) === value : of(d)?.toLowerCase() === value.toLowerCase()))
    }
  }
  const page = list.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  return {
    status: 200,
    body: [
      el('pagination', { pageNumber, pageSize, totalAvailable: list.length }),
      collection(
        'datasources',
        page.map((d) => datasourceElement(state, d)),
      ),
    ],
  }
}

/** GET …/datasources/{id} (spec §5.2). */
export const queryDatasource: Handler = async (state, ctx) => ({
  status: 200,
  body: [datasourceElement(state, datasourceOf(state, ctx))],
})

/** GET …/datasources/{id}/connections (spec §5.3); unknown data source → 404011. */
export const queryConnections: Handler = async (state, ctx) => ({
  status: 200,
  body: [connectionsElement(datasourceOf(state, ctx, '404011'))],
})

/** A DuckDB catalog alias for a new data source: its name, made unique when needed. */
function freeAlias(state: EmulatorState, name: string): string {
  const taken = new Set(state.catalog.data.datasources.map((d) => d.alias.toLowerCase()))
  let alias = name
  for (
    let n = 2;
    taken.has(alias.toLowerCase()) || ['memory', 'system', 'temp', 'main'].includes(alias.toLowerCase());
    n++
  )
    alias = `${name}#${n}`
  return alias
}

const contentUrlOf = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '') || 'datasource'

/**
 * Registers a new data source (or replaces one with the same name on overwrite) and lets `fill`
 * create its tables in the freshly attached database.
 */
export async function registerDatasource(
  state: EmulatorState,
  o: { siteId: string; projectId: string; ownerId: string; name: string; connections: number; overwrite: boolean },
  fill: (alias: string) => Promise<void>,
): Promise<DatasourceRecord> {
  const existing = state.catalog.data.datasources.find(
    (d) => d.siteId === o.siteId && d.name.toLowerCase() === o.name.toLowerCase(),
  )
  if (existing && !o.overwrite) {
    throw new ApiError(403, '403007', 'Overwrite forbidden', `A data source named '${o.name}' already exists.`)
  }
  if (existing) {
    await state.store.detachAndDelete(existing.alias, existing.file)
    state.catalog.data.datasources = state.catalog.data.datasources.filter((d) => d !== existing)
  }
  const now = restTimestamp()
  const id = existing?.id ?? randomUUID()
  const ds: DatasourceRecord = {
    id,
    siteId: o.siteId,
    projectId: o.projectId,
    ownerId: o.ownerId,
    name: o.name,
    contentUrl: contentUrlOf(o.name),
    alias: freeAlias(state, o.name),
    file: `datasources/${id}.duckdb`,
    connectionIds: Array.from({ length: Math.max(1, o.connections) }, () => randomUUID()),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    number: state.catalog.nextNumber(),
  }
  await state.store.attach(ds.alias, ds.file)
  try {
    await fill(ds.alias)
  } catch (e) {
    await state.store.detachAndDelete(ds.alias, ds.file)
    throw e
  }
  state.catalog.data.datasources.push(ds)
  await state.catalog.save()
  return ds
}

/** The programmatic initial publish behind `Emulator.createDatasource`. */
export async function createDatasource(
  state: EmulatorState,
  o: CreateDatasourceOptions,
): Promise<{ id: string; name: string; connectionIds: string[] }> {
  const site = state.catalog.data.sites.find((s) => s.contentUrl.toLowerCase() === (o.site ?? '').toLowerCase())
  if (!site) {
    throw new HyperdeltaError('EMULATOR_SITE_UNKNOWN', `emulator: no site with contentUrl "${o.site}"`, {
      details: { site: o.site },
    })
  }
  const project = state.catalog.ensureProject(site.id, o.project ?? 'Default')
  const owner = state.catalog.ensureUser(state.users[0]?.name ?? 'admin')
  if (
    state.catalog.data.datasources.some((d) => d.siteId === site.id && d.name.toLowerCase() === o.name.toLowerCase())
  ) {
    throw new HyperdeltaError('EMULATOR_DATASOURCE_EXISTS', `emulator: data source "${o.name}" already exists`, {
      details: { name: o.name },
    })
  }
  const ds = await registerDatasource(
    state,
    {
      siteId: site.id,
      projectId: project.id,
      ownerId: owner.id,
      name: o.name,
      connections: o.connections ?? 1,
      overwrite: false,
    },
    (alias) =>
      state.store.createTable(alias, o.table, {
        ...(o.rows !== undefined && { rows: o.rows }),
        ...(o.parquet !== undefined && { parquet: o.parquet }),
      }),
  )
  return { id: ds.id, name: ds.name, connectionIds: [...ds.connectionIds] }
}

const FILE_TYPES = ['hyper', 'tds', 'tdsx', 'tde', 'parquet']

function flag(value: string | null, name: string): boolean {
  if (value === null) return false
  if (value === 'true' || value === 'false') return value === 'true'
  throw invalidParameter(`The ${name} parameter must be set to true or false.`)
}

/**
 * POST …/datasources: publish from a multipart body (`request_payload` + `tableau_datasource`)
 * or commit an upload session (`?uploadSessionId=…&datasourceType=parquet`). Only Parquet files
 * can be read by the emulator; they become the table Extract.Extract.
 */
export const publishDatasource: Handler = async (state, ctx) => {
  const site = siteOf(state, ctx)
  const overwrite = flag(ctx.query.get('overwrite'), 'overwrite')
  if (flag(ctx.query.get('append'), 'append')) {
    if (overwrite)
      throw new ApiError(
        400,
        '400055',
        'Incompatible overwrite and append values',
        'The overwrite and append parameter cannot both be set to true.',
      )
    throw new ApiError(400, '400011', 'Publishing error', 'emulator: append=true is not supported.')
  }
  const boundary = boundaryOf(ctx.req.headers['content-type'])
  if (!boundary) throw badRequest('The Content-Type must be multipart/mixed with a boundary.')
  let payload = Buffer.alloc(0)
  let payloadType: string | undefined
  let attachment: { path: string; filename: string | undefined } | undefined
  const temp = join(state.uploadsDir, `publish-${randomUUID()}.bin`)
  try {
    try {
      await parseMultipart(ctx.req, boundary, async (h): Promise<PartSink> => {
        if (h.name === 'request_payload') {
          payloadType = h.contentType
          return {
            write: (c) => {
              payload = Buffer.concat([payload, c])
              if (payload.length > 1024 * 1024) throw badRequest('request_payload is too large.')
            },
            end: () => {},
          }
        }
        if (attachment)
          throw new ApiError(400, '400010', 'Unexpected attachments', 'The message contained more than one attachment.')
        attachment = { path: temp, filename: h.filename }
        const out = createWriteStream(temp)
        // Stream the part to disk with backpressure.
        return {
          write: async (c) => {
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
    const doc = parseRequestDocument(payload, payloadType)
    const dsDoc = objectAt(doc, 'datasource')
    const name = stringAt(dsDoc, 'name')
    if (!name) throw badRequest('The request_payload has no datasource name.')
    const projectId = stringAt(objectAt(dsDoc, 'project'), 'id')
    const project = projectId
      ? state.catalog.data.projects.find((p) => p.siteId === site.id && p.id === projectId)
      : state.catalog.ensureProject(site.id, 'Default')
    if (!project)
      throw new ApiError(404, '404005', 'Project not found', `The project '${projectId}' could not be found.`)

    let file: string
    const uploadSessionId = ctx.query.get('uploadSessionId')
    if (uploadSessionId !== null) {
      if (attachment)
        throw new ApiError(
          400,
          '400010',
          'Unexpected attachments',
          'The message had both an uploadSessionId parameter and an attachment.',
        )
      const type = ctx.query.get('datasourceType')
      if (!type || !FILE_TYPES.includes(type.toLowerCase())) {
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
    } else {
      if (!attachment) throw badRequest('Missing data source: there is no attachment in the request.')
      const ext = attachment.filename?.split('.').pop()?.toLowerCase()
      if (!ext || !FILE_TYPES.includes(ext)) {
        throw new ApiError(
          400,
          '400010',
          'Invalid data source filename',
          `The file name must end with .${FILE_TYPES.join(', .')}.`,
        )
      }
      file = attachment.path
    }
    const format = await detectPayloadFormat(file)
    if (format !== 'parquet') {
      throw new ApiError(
        400,
        '400011',
        'Publishing error',
        'emulator: only Parquet files can be published to the emulator (it has no Hyper engine).',
      )
    }
    // An unreadable file is the request's fault (400011), found before an overwrite drops anything.
    const unreadable = (e: unknown) =>
      new ApiError(
        400,
        '400011',
        'Publishing error',
        `emulator: the file is not a readable Parquet file: ${(e as Error).message}`,
      )
    try {
      await state.store.checkParquet(file)
    } catch (e) {
      throw unreadable(e)
    }
    const owner = state.catalog.ensureUser(ctx.session!.userName)
    const ds = await registerDatasource(
      state,
      { siteId: site.id, projectId: project.id, ownerId: owner.id, name, connections: 1, overwrite },
      (alias) =>
        state.store
          .createTableFromParquet(alias, PUBLISHED_TABLE.schema, PUBLISHED_TABLE.name, file)
          .catch((e: unknown) => {
            throw unreadable(e)
          }),
    )
    return {
      status: 201,
      body: [datasourceElement(state, ds)],
      headers: { location: `/api/${state.restApiVersion}/sites/${site.id}/datasources/${ds.id}` },
    }
  } finally {
    await rm(temp, { force: true })
  }
}
