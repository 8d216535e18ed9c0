import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  connectionListSchema,
  connectionResponseSchema,
  datasourceDetailsResponseSchema,
  datasourcePageSchema,
} from '../../../src/client/datasources/schemas.js'
import { FINISH_CODE, toJob } from '../../../src/client/jobs/job.js'
import { jobResponseSchema } from '../../../src/client/jobs/schemas.js'
import { serverInfoResponseSchema, signInResponseSchema } from '../../../src/client/sessions/endpoints.js'
import { xmlToJsonShape } from '../../../src/client/transport/xml-response.js'
import { fileUploadResponseSchema } from '../../../src/client/uploads/endpoints.js'
import { vdsMetadataOutputSchema, vdsQueryOutputSchema } from '../../../src/client/vizql-data-service/vds.js'
import { isHyperdeltaError } from '../../../src/index.js'
import { json, SITE, signedIn } from './helpers.js'

// The Data Sources, jobs, uploads, sessions and VDS answers in their documented shapes and in the shapes real
// servers (and Tableau's own clients' captured fixtures) show; re-typed, small, every value asserted.

const NS = 'xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
const tsr = (inner: string) => `<?xml version='1.0' encoding='UTF-8'?><tsResponse ${NS}>${inner}</tsResponse>`
const xml = <S extends z.ZodType>(schema: S, body: string): z.output<S> => schema.parse(xmlToJsonShape(tsr(body)))
function refusal(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value)
  expect(r.success).toBe(false)
  const issue = r.error!.issues[0]!
  return `${issue.path.join('.')}: ${issue.message}`
}

describe('data source connections (Query Data Source Connections, Update Data Source Connection)', () => {
  it('reads the documented attributes, an empty user name, an absent port and a nested datasource child', () => {
    const r = xml(
      connectionListSchema,
      '<connections><connection id="c1" type="sqlserver" serverAddress="db.example" serverPort="1433" userName="heero" embedPassword="false" queryTaggingEnabled="false"><datasource id="d1" name="People"/></connection><connection id="c2" type="textscan" serverAddress="" userName=""/></connections>',
    )
    expect(r.connections).toEqual([
      {
        id: 'c1',
        type: 'sqlserver',
        serverAddress: 'db.example',
        serverPort: '1433',
        userName: 'heero',
        embedPassword: false,
        queryTaggingEnabled: false,
        datasource: { id: 'd1', name: 'People' },
      },
      { id: 'c2', type: 'textscan', serverAddress: '', userName: '' },
    ])
  })

  it('reads a connection through the same aliases as virtual connections (one parser for every <connection>)', () => {
    const r = connectionListSchema.parse({
      connections: { connection: { connectionId: 'c1', type: 'postgres', server: 'h', port: '5432', username: 'u' } },
    })
    expect(r.connections).toEqual([
      { id: 'c1', type: 'postgres', serverAddress: 'h', serverPort: '5432', userName: 'u' },
    ])
    const one = xml(
      connectionResponseSchema,
      '<connection id="c1" type="textscan" serverAddress="bar" serverPort="9876" userName="foo"/>',
    )
    expect(one.connection).toEqual({
      id: 'c1',
      type: 'textscan',
      serverAddress: 'bar',
      serverPort: '9876',
      userName: 'foo',
    })
  })

  it('refuses a case variant nobody reported, and a boolean that is not true/false', () => {
    expect(refusal(connectionListSchema, { connections: { connection: { id: 'c1', ServerAddress: 'h' } } })).toBe(
      'connections.connection.0.ServerAddress: attribute "ServerAddress" is not a spelling we know (known: serverAddress)',
    )
    expect(refusal(connectionListSchema, { connections: { connection: { id: 'c1', embedPassword: 'yes' } } })).toBe(
      'connections.connection.0.embedPassword: expected "true" or "false"',
    )
  })
})

describe('data sources (Query Data Source(s), publish answers)', () => {
  it('reads owner and project absent, an empty <tags/>, size and flags as strings, and unknown children', () => {
    const r = xml(
      datasourceDetailsResponseSchema,
      '<datasource id="d1" name="SampleDS" size="4096" contentUrl="SampleDS" type="dataengine" encryptExtracts="False" hasExtracts="true"><tags/><askData enablement="SiteDefault"/></datasource>',
    )
    expect(r.datasource).toEqual({
      id: 'd1',
      name: 'SampleDS',
      size: 4096,
      contentUrl: 'SampleDS',
      type: 'dataengine',
      encryptExtracts: false,
      hasExtracts: true,
      tags: [],
      askData: { enablement: 'SiteDefault' },
    })
  })

  it('reads a namespace-prefixed document (ns0:) and an empty <datasources/>', () => {
    const prefixed =
      '<ns0:tsResponse xmlns:ns0="http://tableau.com/api"><ns0:pagination pageNumber="1" pageSize="100" totalAvailable="1"/><ns0:datasources><ns0:datasource id="d1" name="Superstore" isCertified="false"><ns0:project id="p1" name="Samples"/><ns0:tags/></ns0:datasource></ns0:datasources></ns0:tsResponse>'
    expect(datasourcePageSchema.parse(xmlToJsonShape(prefixed))).toEqual({
      pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 1 },
      datasources: [
        { id: 'd1', name: 'Superstore', isCertified: false, project: { id: 'p1', name: 'Samples' }, tags: [] },
      ],
    })
    const empty = xml(
      datasourcePageSchema,
      '<pagination pageNumber="1" pageSize="100" totalAvailable="0"/><datasources/>',
    )
    expect(empty).toEqual({ pagination: { pageNumber: 1, pageSize: 100, totalAvailable: 0 }, datasources: [] })
  })

  it('reads a data source page without pagination (the count stays unknown: the lookup walks on to a short page)', () => {
    expect(datasourcePageSchema.parse(xmlToJsonShape(tsr('<datasources/>')))).toEqual({ datasources: [] })
  })
})

describe('jobs', () => {
  const job = (attrs: string, children = '') => toJob(xml(jobResponseSchema, `<job ${attrs}>${children}</job>`).job)

  it('reads a running job with no finishCode / completedAt, progress as a string', () => {
    expect(
      job(
        'id="j1" mode="Asynchronous" type="UpdateUploadedFile" progress="0" createdAt="2021-10-05T18:53:34Z" startedAt="2021-10-05T18:53:34Z"',
        '<updateUploadedFileJob><datasource id="d1" name="World Indicators"/><connectionLuid>c1</connectionLuid></updateUploadedFileJob>',
      ),
    ).toEqual({
      id: 'j1',
      mode: 'Asynchronous',
      type: 'UpdateUploadedFile',
      progress: 0,
      createdAt: '2021-10-05T18:53:34Z',
      startedAt: '2021-10-05T18:53:34Z',
      notes: [],
      statusNotes: [],
      datasource: { id: 'd1', name: 'World Indicators' },
      connectionId: 'c1',
    })
  })

  it('reads no progress at all, notes under another job-type child, and status notes with stray text', () => {
    const j = job(
      'id="j2" mode="job-mode" type="extractRefreshJob" createdAt="2020-05-13T20:23:45Z" completedAt="2020-05-13T20:25:18Z" finishCode="3"',
      '<extractRefreshJob><notes>Job detail notes</notes></extractRefreshJob><statusNotes><statusNote type="line" value="0"/><statusNote type="message" value="m" text="t"/>More detail</statusNotes>',
    )
    expect(j).toEqual({
      id: 'j2',
      mode: 'job-mode',
      type: 'extractRefreshJob',
      progress: 0,
      createdAt: '2020-05-13T20:23:45Z',
      completedAt: '2020-05-13T20:25:18Z',
      finishCode: FINISH_CODE.completed,
      notes: ['Job detail notes'],
      statusNotes: [
        { type: 'line', value: '0' },
        { type: 'message', value: 'm', text: 't' },
      ],
    })
  })

  it('reads the `{ "job-id" }` PATCH answer, and refuses a job without an id', () => {
    expect(toJob(jobResponseSchema.parse({ 'job-id': 'j3' }).job)).toMatchObject({ id: 'j3', progress: 0 })
    expect(refusal(jobResponseSchema, { job: { mode: 'Asynchronous' } })).toMatch(/^job\.id: /)
    expect(refusal(jobResponseSchema, { job: { id: 'j4', finishCode: 'done' } })).toMatch(/^job\.finishCode: /)
  })
})

describe('uploads, sessions, server info', () => {
  it('fileUpload: fileSize as a string, a session id with colons', () => {
    expect(
      xml(fileUploadResponseSchema, '<fileUpload uploadSessionId="3877:63f8579222de403e-1:0" fileSize="0"/>'),
    ).toEqual({
      fileUpload: { uploadSessionId: '3877:63f8579222de403e-1:0', fileSize: 0 },
    })
    expect(refusal(fileUploadResponseSchema, xmlToJsonShape(tsr('<fileUpload fileSize="5"/>')))).toMatch(
      /^fileUpload\.uploadSessionId: /,
    )
  })

  it('sign-in: the default site has an empty contentUrl; no estimatedTimeToExpiration', () => {
    expect(
      xml(signInResponseSchema, '<credentials token="t0k"><site id="s1" contentUrl=""/><user id="u1"/></credentials>'),
    ).toEqual({ credentials: { token: 't0k', site: { id: 's1', contentUrl: '' }, user: { id: 'u1' } } })
    expect(refusal(signInResponseSchema, xmlToJsonShape(tsr('<credentials token="t"/>')))).toMatch(
      /^credentials\.site: /,
    )
  })

  it('server info: productVersion with a build attribute, or text only', () => {
    expect(
      xml(
        serverInfoResponseSchema,
        '<serverInfo><productVersion build="10100.16.1024.2100">10.1.0</productVersion><restApiVersion>3.10</restApiVersion></serverInfo>',
      ).serverInfo,
    ).toEqual({ productVersion: '10.1.0', restApiVersion: '3.10' })
    expect(serverInfoResponseSchema.parse({ serverInfo: { restApiVersion: '3.24' } }).serverInfo).toEqual({
      restApiVersion: '3.24',
    })
  })
})

describe('VizQL Data Service', () => {
  it('reads fields with either name and without dataType; refuses a nameless field and a missing data element', () => {
    expect(
      vdsMetadataOutputSchema.parse({
        data: [
          { fieldName: 'Region', fieldCaption: 'Region', dataType: 'STRING', logicalTableId: 't' },
          { fieldCaption: 'Sales' },
        ],
        extraData: { parameters: [] },
      }).data,
    ).toEqual([
      { fieldName: 'Region', fieldCaption: 'Region', dataType: 'STRING', logicalTableId: 't' },
      { fieldCaption: 'Sales' },
    ])
    expect(refusal(vdsMetadataOutputSchema, { data: [{ dataType: 'REAL' }] })).toBe(
      'data.0: a field has neither "fieldName" nor "fieldCaption"',
    )
    expect(refusal(vdsMetadataOutputSchema, {})).toBe('data: element "data" is missing')
  })

  it('a query answer without data is refused, never read as no rows', () => {
    expect(vdsQueryOutputSchema.parse({ data: [] }).data).toEqual([])
    expect(vdsQueryOutputSchema.parse({ data: [{ n: 3 }] }).data).toEqual([{ n: 3 }])
    expect(refusal(vdsQueryOutputSchema, {})).toBe('data: element "data" is missing')
  })
})

describe('findDatasource over the real variants (MockAgent)', () => {
  const byName = (name: string, n = 1) =>
    `${SITE}/datasources?filter=name:eq:${encodeURIComponent(name)}&pageSize=1000&pageNumber=${n}`
  const item = (id: string, project?: string) => ({
    id,
    name: 'Orders',
    ...(project !== undefined && { project: { id: `p-${project}`, name: project } }),
  })

  it('without a pagination element, goes on to the next page until a short one', async () => {
    const { client, pool } = await signedIn()
    const full = Array.from({ length: 1000 }, (_, i) => ({ id: `x${i}`, name: `Other ${i}` }))
    pool.intercept({ path: byName('Orders'), method: 'GET' }).reply(200, { datasources: { datasource: full } }, json)
    pool
      .intercept({ path: byName('Orders', 2), method: 'GET' })
      .reply(200, { datasources: { datasource: [item('late', 'Sales')] } }, json)
    await expect(client.findDatasource({ name: 'Orders' })).resolves.toEqual({
      id: 'late',
      name: 'Orders',
      project: { id: 'p-Sales', name: 'Sales' },
      tags: [],
    })
    await client.close().catch(() => {})
  })

  it('datasources.queryAll without a pagination element also goes on until a short page (the one walker)', async () => {
    const { client, pool } = await signedIn()
    const page = (n: number) => `${SITE}/datasources?pageSize=2&pageNumber=${n}`
    const two = [item('a'), item('b')]
    pool.intercept({ path: page(1), method: 'GET' }).reply(200, { datasources: { datasource: two } }, json)
    pool.intercept({ path: page(2), method: 'GET' }).reply(200, { datasources: { datasource: [item('c')] } }, json)
    const ids: string[] = []
    for await (const d of client.datasources.queryAll({ pageSize: 2 })) ids.push(d.id)
    expect(ids).toEqual(['a', 'b', 'c'])
    await client.close().catch(() => {})
  })

  it('candidates without their <project> (limited user visibility) are named in the not-found error', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: byName('Orders'), method: 'GET' }).reply(
      200,
      {
        pagination: { pageNumber: '1', pageSize: '1000', totalAvailable: '2' },
        datasources: { datasource: [item('a'), item('b')] },
      },
      json,
    )
    const e = await client.findDatasource({ name: 'Orders', project: 'Sales' }).catch((x) => x)
    expect(isHyperdeltaError(e, 'DATASOURCE_NOT_FOUND')).toBe(true)
    expect(e.message).toBe(
      'datasource: no data source named "Orders" in project "Sales" (2 of that name came without their project; pass the data source id instead)',
    )
    expect(e.details).toMatchObject({ name: 'Orders', project: 'Sales', withoutProject: 2 })
    await client.close().catch(() => {})
  })
})
