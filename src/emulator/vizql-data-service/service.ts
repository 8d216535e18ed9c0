import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { ENDPOINT_NAMES, ENDPOINTS } from '../../wire.js'
import { VDS_ERROR, vdsDataType, vdsValue } from '../core/inferred.js'
import type { VdsEndpointName } from '../core/routes.js'
import { ApiError } from '../http/api-error.js'
import { readBody } from '../http/body.js'
import type { EmulatorState } from '../runtime/state.js'
import { ident, literal } from '../store/store.js'

/**
 * The VizQL Data Service (`POST /api/v1/vizql-data-service/{read-metadata,query-datasource}`),
 * answered from DuckDB for the subset `probe` and `verify` use: field lists, aggregates
 * (SUM, COUNT, COUNTD, MIN, MAX, AVG), SET / MATCH / QUANTITATIVE_NUMERICAL filters and
 * `disaggregate`. Requests are JSON and authenticated with the REST session token.
 */
const AGGREGATES = { SUM: 'sum', COUNT: 'count', COUNTD: 'count(DISTINCT', MIN: 'min', MAX: 'max', AVG: 'avg' } as const
type Aggregate = keyof typeof AGGREGATES

const datasource = z.object({ datasourceLuid: z.string().min(1) }).passthrough()
const field = z
  .object({
    fieldCaption: z.string(),
    fieldAlias: z.string().optional(),
    function: z.enum(Object.keys(AGGREGATES) as [Aggregate, ...Aggregate[]]).optional(),
    sortDirection: z.enum(['ASC', 'DESC']).optional(),
    sortPriority: z.number().int().optional(),
  })
  .strict()
const filterField = z.object({ fieldCaption: z.string() }).strict()
const filter = z.discriminatedUnion('filterType', [
  z.object({
    filterType: z.literal('SET'),
    field: filterField,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])),
    exclude: z.boolean().optional(),
  }),
  z.object({
    filterType: z.literal('MATCH'),
    field: filterField,
    startsWith: z.string().optional(),
    endsWith: z.string().optional(),
    contains: z.string().optional(),
    exclude: z.boolean().optional(),
  }),
  z.object({
    filterType: z.literal('QUANTITATIVE_NUMERICAL'),
    field: filterField,
    quantitativeFilterType: z.enum(['RANGE', 'MIN', 'MAX', 'ONLY_NULL', 'ONLY_NON_NULL']),
    min: z.number().optional(),
    max: z.number().optional(),
    includeNulls: z.boolean().optional(),
  }),
])
const queryRequest = z.object({
  datasource,
  query: z.object({ fields: z.array(field).min(1), filters: z.array(filter).optional() }).strict(),
  options: z.object({ disaggregate: z.boolean().optional() }).passthrough().optional(),
})
const metadataRequest = z.object({ datasource })

function vdsError(status: number, message: string): ApiError {
  return new ApiError(status, VDS_ERROR[status === 404 ? 'notFound' : 'badRequest'], 'VizQL Data Service', message)
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

interface Column {
  name: string
  type: string
}

async function columnsOf(state: EmulatorState, alias: string): Promise<{ table: string; columns: Column[] }> {
  const rows = await state.store.query(
    `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ${literal(alias)} ORDER BY schema_name, table_name, column_index`,
  )
  const first = rows[0]
  if (!first) throw vdsError(400, 'The data source has no table.')
  const table = `${ident(alias)}.${ident(String(first['schema_name']))}.${ident(String(first['table_name']))}`
  const columns = rows
    .filter((r) => r['schema_name'] === first['schema_name'] && r['table_name'] === first['table_name'])
    .map((r) => ({ name: String(r['column_name']), type: String(r['data_type']) }))
  return { table, columns }
}

function filterSql(f: z.infer<typeof filter>, columns: Map<string, Column>): string {
  const col = columns.get(f.field.fieldCaption)
  if (!col) throw vdsError(400, `Unknown field "${f.field.fieldCaption}" in a filter.`)
  const c = ident(col.name)
  const not = (sql: string, exclude: boolean | undefined) => (exclude ? `NOT coalesce(${sql}, false)` : sql)
  switch (f.filterType) {
    case 'SET': {
      if (f.values.length === 0) return f.exclude ? 'TRUE' : 'FALSE'
      const list = f.values.map((v) => (typeof v === 'string' ? literal(v) : String(v))).join(', ')
      return not(`${c} IN (${list})`, f.exclude)
    }
    case 'MATCH': {
      const parts: string[] = []
      if (f.startsWith !== undefined) parts.push(`starts_with(${c}, ${literal(f.startsWith)})`)
      if (f.endsWith !== undefined) parts.push(`ends_with(${c}, ${literal(f.endsWith)})`)
      if (f.contains !== undefined) parts.push(`contains(${c}, ${literal(f.contains)})`)
      if (parts.length === 0) throw vdsError(400, 'A MATCH filter needs startsWith, endsWith or contains.')
      return not(`(${parts.join(' AND ')})`, f.exclude)
    }
    case 'QUANTITATIVE_NUMERICAL': {
      if (f.quantitativeFilterType === 'ONLY_NULL') return `${c} IS NULL`
      if (f.quantitativeFilterType === 'ONLY_NON_NULL') return `${c} IS NOT NULL`
      const parts: string[] = []
      if (f.quantitativeFilterType !== 'MAX') parts.push(`${c} >= ${need(f.min, 'min')}`)
      if (f.quantitativeFilterType !== 'MIN') parts.push(`${c} <= ${need(f.max, 'max')}`)
      const range = parts.join(' AND ')
      return f.includeNulls ? `(${range} OR ${c} IS NULL)` : `(${range})`
    }
  }
}

function need(v: number | undefined, what: string): number {
  if (v === undefined) throw vdsError(400, `This quantitative filter needs "${what}".`)
  return v
}

async function queryDatasource(state: EmulatorState, alias: string, body: z.infer<typeof queryRequest>) {
  const { table, columns } = await columnsOf(state, alias)
  const byName = new Map(columns.map((c) => [c.name, c]))
  const select: string[] = []
  const groupBy: string[] = []
  const order: { sql: string; priority: number }[] = []
  const keys: { key: string; type: string }[] = []
  for (const f of body.query.fields) {
    const col = byName.get(f.fieldCaption)
    if (!col) throw vdsError(400, `Unknown field "${f.fieldCaption}".`)
    const c = ident(col.name)
    const key = f.fieldAlias ?? (f.function ? `${f.function}(${f.fieldCaption})` : f.fieldCaption)
    const expr = f.function ? `${AGGREGATES[f.function]}(${c})${f.function === 'COUNTD' ? ')' : ''}` : c
    if (!f.function) groupBy.push(c)
    select.push(`${expr} AS ${ident(key)}`)
    keys.push({ key, type: f.function === 'COUNT' || f.function === 'COUNTD' ? 'BIGINT' : col.type })
    if (f.sortDirection) order.push({ sql: `${ident(key)} ${f.sortDirection}`, priority: f.sortPriority ?? 0 })
  }
  const aggregated = body.query.fields.some((f) => f.function)
  const where = (body.query.filters ?? []).map((f) => filterSql(f, byName))
  const disaggregate = body.options?.disaggregate === true && !aggregated
  let sql = `SELECT ${disaggregate || aggregated ? '' : 'DISTINCT '}${select.join(', ')} FROM ${table}`
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`
  if (aggregated && groupBy.length > 0) sql += ` GROUP BY ${groupBy.join(', ')}`
  if (order.length > 0) sql += ` ORDER BY ${order.sort((a, b) => a.priority - b.priority).map((o) => o.sql)}`
  const rows = await state.store.query(sql)
  return { data: rows.map((r) => Object.fromEntries(keys.map(({ key, type }) => [key, vdsValue(r[key], type)]))) }
}

async function readMetadata(state: EmulatorState, alias: string): Promise<unknown> {
  const { columns } = await columnsOf(state, alias)
  return {
    data: columns.map((c) => ({
      fieldName: c.name,
      fieldCaption: c.name,
      dataType: vdsDataType(c.type),
      logicalTableId: 'Extract',
    })),
  }
}

/** What serves one VizQL Data Service endpoint: its request schema, and the answer for the data source it names. */
interface VdsHandler {
  /** Checks the body (400 when it does not fit) and returns the data source it names and how to answer. */
  read(body: unknown): { luid: string; answer: (state: EmulatorState, alias: string) => Promise<unknown> }
}

function vdsHandler<T extends z.infer<typeof metadataRequest>>(
  schema: z.ZodType<T>,
  answer: (state: EmulatorState, alias: string, body: T) => Promise<unknown>,
): VdsHandler {
  return {
    read(body) {
      const result = schema.safeParse(body)
      if (!result.success) throw vdsError(400, `Invalid request: ${result.error.issues[0]?.message ?? 'bad body'}`)
      const data = result.data
      return { luid: data.datasource.datasourceLuid, answer: (state, alias) => answer(state, alias, data) }
    },
  }
}

/** Every VizQL Data Service endpoint of the protocol catalogue and its handler: one left out does not compile. */
const VDS_HANDLERS = {
  readMetadata: vdsHandler(metadataRequest, readMetadata),
  queryDatasourceData: vdsHandler(queryRequest, queryDatasource),
} satisfies Record<VdsEndpointName, VdsHandler>

const VDS_NAMES = ENDPOINT_NAMES.filter((name): name is VdsEndpointName => ENDPOINTS[name].scope === 'vds')

/** The catalogue's VizQL Data Service endpoint named by the path segment after the service root, if any. */
export function vdsEndpointOf(segment: string): VdsEndpointName | undefined {
  return VDS_NAMES.find((name) => ENDPOINTS[name].segments.join('/') === segment)
}

/** Serves one VizQL Data Service request; `segment` names the endpoint (`read-metadata`, `query-datasource`). */
export async function handleVizqlDataService(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  segment: string,
): Promise<void> {
  if (state.personality.noVizqlDataService) throw vdsError(404, 'The VizQL Data Service is not enabled on this server.')
  if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
    throw new ApiError(405, '405000', 'Invalid request method', 'The VizQL Data Service takes POST requests.')
  }
  const token = req.headers['x-tableau-auth']
  const session = state.sessions.authenticate(typeof token === 'string' ? token : undefined)
  let parsed: unknown
  try {
    parsed = JSON.parse((await readBody(req)).toString('utf8'))
  } catch {
    throw vdsError(400, 'The request body is not valid JSON.')
  }
  const name = vdsEndpointOf(segment)
  if (!name) throw vdsError(404, `Unknown VizQL Data Service method "${segment}".`)
  const { luid, answer } = VDS_HANDLERS[name].read(parsed)
  const ds = state.catalog.datasource(session.siteId, luid)
  if (!ds) throw vdsError(404, `Data source "${luid}" was not found.`)
  state.faults.vds.admit(session.siteId, state.personality, Date.now())
  const body = await answer(state, ds.alias)
  state.faults.vds.answer(Buffer.byteLength(JSON.stringify(body)))
  sendJson(res, 200, body)
}

/** The VizQL Data Service's JSON error envelope (not the REST API's `{ error: … }`). */
export function sendVdsError(res: ServerResponse, e: ApiError): void {
  if (res.headersSent || res.destroyed) return
  sendJson(res, e.status, { errorCode: e.code, message: e.detail, datetime: new Date().toISOString() }, e.headers)
}
