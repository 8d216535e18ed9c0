import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  addTagsBody,
  publishPayload,
  REFRESH_BODY,
  retrieveKeychainBody,
  updateConnectionBody,
  updateDatasourceBody,
} from '../../../src/client/datasources/request-bodies.js'
import { json, SITE, signedIn } from './helpers.js'

// Golden request bodies: what the client sends equals the reference page's examples (whitespace aside).
const norm = (xml: string) =>
  xml
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/\s+>/g, '>')
    .replace(/\s*\/>/g, ' />')
    .trim()

describe('golden request bodies (the reference page examples)', () => {
  it('Add Tags', () => {
    expect(norm(addTagsBody(['GDP', 'Health']))).toBe(
      norm(`<tsRequest>
    <tags>
      <tag label="GDP" />
      <tag label="Health" />
    </tags>
</tsRequest>`),
    )
  })
  it('Publish request_payload (the cURL example)', () => {
    const payload = publishPayload({
      name: 'datasource1',
      file: 'x.tds',
      description: 'This is a data source named datasource1.',
      projectId: '522dc5c5-e1da-47b9-8e07-f02929ff5ceb',
    })
    expect(norm(payload)).toBe(
      norm(`<tsRequest>
  <datasource name="datasource1" description="This is a data source named datasource1." >
    <project id="522dc5c5-e1da-47b9-8e07-f02929ff5ceb" />
  </datasource>
</tsRequest>`),
    )
  })
  it('Publish with connection credentials (the commit example), escaped', () => {
    const payload = publishPayload({
      name: 'Sales',
      file: 'x.hyper',
      credentials: { name: 'janedoe', password: 'xx"<&', embed: false, oAuth: true },
      projectId: 'ff2a8360-3c2b-4b05-a793-7607c602e1fb',
    })
    expect(norm(payload)).toBe(
      norm(`<tsRequest><datasource name="Sales"><connectionCredentials name="janedoe" password="xx&quot;&lt;&amp;"
      embed="false" oAuth="true" /><project id="ff2a8360-3c2b-4b05-a793-7607c602e1fb" /></datasource></tsRequest>`),
    )
  })
  it('Update Data Source', () => {
    const body = updateDatasourceBody({
      name: 'Sales',
      isCertified: true,
      certificationNote: 'This is a certification note.',
      encryptExtracts: false,
      projectId: '56c86f04-b834-4a08-a561-86497bb4b2df',
      ownerId: '20148c74-7818-4eb8-b2a1-9f3f5f582613',
    })
    expect(norm(body)).toBe(
      norm(`<tsRequest>
  <datasource name="Sales"
    isCertified="true"
    certificationNote="This is a certification note."
    encryptExtracts="false">
      <project id="56c86f04-b834-4a08-a561-86497bb4b2df"/>
      <owner id="20148c74-7818-4eb8-b2a1-9f3f5f582613"/>
  </datasource>
</tsRequest>`),
    )
    expect(norm(updateDatasourceBody({ name: 'Sales' }))).toBe('<tsRequest><datasource name="Sales" /></tsRequest>')
  })
  it('Update Data Source Connection', () => {
    const body = updateConnectionBody({
      serverAddress: 'newAddress',
      serverPort: 'newPort',
      userName: 'Jane Doe',
      password: 'xxxxxx',
      embedPassword: false,
      queryTaggingEnabled: false,
    })
    expect(norm(body)).toBe(
      norm(`<tsRequest>
  <connection
	serverAddress="newAddress"
	serverPort="newPort"
	userName="Jane Doe"
	password="xxxxxx"
	embedPassword="false"
	queryTaggingEnabled="false" />
</tsRequest>`),
    )
  })
  it('Download keychain and refresh', () => {
    const body = retrieveKeychainBody({
      siteUrlNamespace: 'site1',
      siteLuid: 'd56023b5-8f8b-4241-aa74-8974ced85827',
      serverUrl: 'http://example.com',
    })
    expect(norm(body)).toBe(
      norm(`<tsRequest>
  <destinationSiteUrlNamespace>site1</destinationSiteUrlNamespace>
  <destinationSiteLuid>d56023b5-8f8b-4241-aa74-8974ced85827</destinationSiteLuid>
  <destinationServerUrl>http://example.com</destinationServerUrl>
</tsRequest>`),
    )
    expect(REFRESH_BODY).toBe('<tsRequest></tsRequest>')
  })

  it('the single-request publish is the documented multipart/mixed body, byte for byte', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'hd-ds-golden-')), 'Sales.TDSX')
    await writeFile(file, 'content-of-datasource-file')
    const { client, pool } = await signedIn()
    let seen: { body: string; type: string; path: string } | undefined
    pool.intercept({ path: (p) => p.startsWith(`${SITE}/datasources`), method: 'POST' }).reply(
      201,
      async (opts) => {
        const headers = opts.headers as Record<string, string>
        const chunks: Buffer[] = []
        for await (const c of opts.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c))
        const body = Buffer.concat(chunks).toString('utf8')
        expect(Number(headers['Content-Length'])).toBe(Buffer.byteLength(body))
        seen = { body, type: headers['Content-Type'] ?? '', path: opts.path }
        return { datasource: { id: 'd1', name: 'Sales', tags: {} } }
      },
      json,
    )
    await client.datasources.publish({ name: 'Sales', file, mode: 'overwrite', description: 'Sales Data Source' })
    await rm(dirname(file), { recursive: true, force: true })
    const boundary = /boundary=(\w+)/.exec(seen!.type)![1]
    expect(seen!.path).toBe(`${SITE}/datasources?overwrite=true`)
    expect(seen!.body.replaceAll(boundary!, 'B')).toBe(
      '--B\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n' +
        '<tsRequest><datasource name="Sales" description="Sales Data Source" /></tsRequest>\r\n' +
        '--B\r\nContent-Disposition: name="tableau_datasource"; filename="Sales.TDSX"\r\n' +
        'Content-Type: application/octet-stream\r\n\r\ncontent-of-datasource-file\r\n--B--\r\n',
    )
  })
})
