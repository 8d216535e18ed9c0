import { describe, expect, it } from 'vitest'
import { xmlToJsonShape } from '../../../src/client/transport/xml-response.js'
import { isHyperdeltaError } from '../../../src/index.js'
import { compareApiVersions, negotiateApiVersion } from '../../../src/wire.js'
import { jobBody, json, SITE, signedIn } from './helpers.js'

const JOB = `${SITE}/jobs/j1`

describe('response validation', () => {
  it('rejects a body that does not match the schema with RESPONSE_INVALID and a truncated body', async () => {
    const { client, pool } = await signedIn()
    const body = { job: { mode: 'Asynchronous', padding: 'x'.repeat(2000) } }
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, body, json)
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'RESPONSE_INVALID')).toBe(true)
    expect(error.message).toMatch(/^job j1: unexpected response to GET .*job\.id/)
    expect(error.details.body.length).toBeLessThan(600)
    expect(error.details.body).toContain('more chars')
  })

  it('rejects a body that is neither JSON nor XML', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: JOB, method: 'GET' }).reply(200, 'Service temporarily unavailable')
    const error = await client.getJob('j1').catch((e) => e)
    expect(error.code).toBe('RESPONSE_INVALID')
    expect(error.details.problem).toBe('body is neither JSON nor XML')
  })

  it('treats a 2xx carrying an error envelope as an API error', async () => {
    const { client, pool } = await signedIn()
    pool.intercept({ path: JOB, method: 'PUT' }).reply(200, { error: { code: '400000', summary: 'Bad Request' } }, json)
    const error = await client.cancelJob('j1').catch((e) => e)
    expect(error.code).toBe('API_ERROR')
    expect(error.details).toMatchObject({ status: 200, tableauCode: '400000' })
  })

  it('reads an XML error envelope', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(
        404,
        `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api"><error code="404000"><summary>Not found</summary><detail>Job 'j1' could not be found.</detail></error></tsResponse>`,
      )
    const error = await client.getJob('j1').catch((e) => e)
    expect(error.details).toMatchObject({
      status: 404,
      tableauCode: '404000',
      summary: 'Not found',
      detail: "Job 'j1' could not be found.",
    })
  })

  it('reads numbers as numbers or strings, and an XML job with notes', async () => {
    const { client, pool } = await signedIn()
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(200, jobBody('j1', { progress: 40, finishCode: 0, completedAt: 'x' }), json)
    expect(await client.getJob('j1')).toMatchObject({ progress: 40, finishCode: 0 })
    pool
      .intercept({ path: JOB, method: 'GET' })
      .reply(
        200,
        `<tsResponse xmlns="http://tableau.com/api"><job id="j1" mode="Asynchronous" type="UpdateUploadedFile" progress="100" createdAt="a" completedAt="b" finishCode="1"><updateUploadedFileJob><datasource id="ds" name="W"/><connectionLuid>c1</connectionLuid><notes>first</notes><notes>second</notes></updateUploadedFileJob><statusNotes/></job></tsResponse>`,
      )
    expect(await client.getJob('j1')).toEqual({
      id: 'j1',
      mode: 'Asynchronous',
      type: 'UpdateUploadedFile',
      progress: 100,
      createdAt: 'a',
      completedAt: 'b',
      finishCode: 1,
      notes: ['first', 'second'],
      statusNotes: [],
      datasource: { id: 'ds', name: 'W' },
      connectionId: 'c1',
    })
  })
})

describe('xmlToJsonShape', () => {
  it('maps Tableau XML to the JSON rendering (docs/protocol.md §2.5)', () => {
    expect(
      xmlToJsonShape(
        `<?xml version='1.0'?><tsResponse xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://tableau.com/api x.xsd"><pagination pageNumber="1" totalAvailable="2"/><datasources><datasource id="a" name="A &amp; B"><tags/></datasource><datasource id="b" name="B"/></datasources><serverInfo><productVersion build="1">2024.3.0</productVersion><restApiVersion>3.24</restApiVersion></serverInfo></tsResponse>`,
      ),
    ).toEqual({
      pagination: { pageNumber: '1', totalAvailable: '2' },
      datasources: {
        datasource: [
          { id: 'a', name: 'A & B', tags: {} },
          { id: 'b', name: 'B' },
        ],
      },
      serverInfo: { productVersion: { value: '2024.3.0', build: '1' }, restApiVersion: '3.24' },
    })
  })

  it('keeps attribute values exactly (spaces, character references); element text and indentation are trimmed', () => {
    const xml =
      '<tsResponse xmlns="http://tableau.com/api">\n  <datasource name="  Two  spaces&#10;line&#x9;" id="d1">\n' +
      '    <project name=" P "/>\n  </datasource>\n  <note>  text  </note>\n  <empty>\n  </empty>\n</tsResponse>'
    expect(xmlToJsonShape(xml)).toEqual({
      datasource: { name: '  Two  spaces\nline\t', id: 'd1', project: { name: ' P ' } },
      note: 'text',
      empty: {},
    })
  })

  it('refuses XML without a tsResponse root', () => {
    expect(() => xmlToJsonShape('<html><body>proxy error</body></html>')).toThrow(/tsResponse/)
  })
})

describe('API versions', () => {
  it('compares numerically and negotiates min(server, ours) above the floor', () => {
    expect(compareApiVersions('3.9', '3.13')).toBe(-1)
    expect(compareApiVersions('3.13', '3.13.0')).toBe(0)
    expect(negotiateApiVersion('3.27')).toBe('3.24')
    expect(negotiateApiVersion('3.13')).toBe('3.13')
    expect(negotiateApiVersion('3.20', { max: '3.18' })).toBe('3.18')
    expect(() => negotiateApiVersion('3.12')).toThrow(/below 3.13/)
    expect(() => negotiateApiVersion('banana')).toThrow(/unreadable/)
  })
})
