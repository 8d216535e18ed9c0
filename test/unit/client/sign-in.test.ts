import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isHyperdeltaError, TableauClient } from '../../../src/index.js'
import { CONNECTED_APP_DEFAULT_SCOPES } from '../../../src/wire.js'
import {
  fakeClock,
  json,
  mockServer,
  ORIGIN,
  PAT_SECRET,
  SITE_ID,
  serverInfoReply,
  signedIn,
  signInReply,
  TOKEN,
} from './helpers.js'

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

async function signInWith(auth: Parameters<typeof TableauClient.signIn>[0]['auth'], site = 'marketing') {
  const { agent, pool } = mockServer()
  const bodies: unknown[] = []
  const headers: Record<string, string>[] = []
  serverInfoReply(pool)
  pool.intercept({ path: '/api/3.24/auth/signin', method: 'POST' }).reply(
    200,
    (opts) => {
      bodies.push(JSON.parse(String(opts.body)))
      headers.push(opts.headers as Record<string, string>)
      return { credentials: { site: { id: SITE_ID, contentUrl: site }, user: { id: 'u1' }, token: TOKEN } }
    },
    json,
  )
  const clock = fakeClock()
  const client = await TableauClient.signIn({ server: `${ORIGIN}/`, site, auth, dispatcher: agent, now: clock.now })
  return { client, body: bodies[0] as { credentials: Record<string, unknown> }, headers: headers[0]!, clock }
}

describe('TableauClient.signIn', () => {
  it('signs in with a personal access token as JSON on the site content URL', async () => {
    const { client, body, headers } = await signInWith({ personalAccessToken: { name: 'etl', secret: PAT_SECRET } })
    expect(body).toEqual({
      credentials: {
        personalAccessTokenName: 'etl',
        personalAccessTokenSecret: PAT_SECRET,
        site: { contentUrl: 'marketing' },
      },
    })
    expect(headers['Content-Type']).toBe('application/json')
    expect(headers['Accept']).toBe('application/json')
    expect(headers['X-Tableau-Auth']).toBeUndefined()
    expect(client.siteId).toBe(SITE_ID)
    expect(client.server).toBe(ORIGIN)
    expect(client.userId).toBe('u1')
  })

  it('signs in with username and password on the default site', async () => {
    const { body } = await signInWith({ password: { username: 'jdoe', password: 'pw-secret-1' } }, '')
    expect(body).toEqual({ credentials: { name: 'jdoe', password: 'pw-secret-1', site: { contentUrl: '' } } })
  })

  it('signs in with a caller-supplied JWT string', async () => {
    const { body } = await signInWith({ jwt: 'eyJhbGciOi.caller.jwt' })
    expect(body).toEqual({ credentials: { jwt: 'eyJhbGciOi.caller.jwt', site: { contentUrl: 'marketing' } } })
  })

  it('signs in with a JWT from a provider function', async () => {
    const { body } = await signInWith({ jwt: async () => 'fresh.jwt.value' })
    expect(body.credentials['jwt']).toBe('fresh.jwt.value')
  })

  it('mints a connected-app JWT locally (HS256, direct trust claims)', async () => {
    const secretValue = 'connected-app-secret-value'
    const { body, clock } = await signInWith({
      jwt: { clientId: 'client-1', secretId: 'secret-1', secretValue, username: 'etl@example.com' },
    })
    const jwt = body.credentials['jwt'] as string
    const [h, p, s] = jwt.split('.')
    expect(decode(h!)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'secret-1', iss: 'client-1' })
    const payload = decode(p!)
    expect(payload).toMatchObject({ iss: 'client-1', aud: 'tableau', sub: 'etl@example.com' })
    expect(payload.scp).toEqual([...CONNECTED_APP_DEFAULT_SCOPES])
    expect(payload.exp).toBe(Math.floor(clock.now() / 1000) + 300)
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(s).toBe(createHmac('sha256', secretValue).update(`${h}.${p}`).digest('base64url'))
  })

  it('uses min(server version, ours) in every URL', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool, '3.19')
    signInReply(pool, TOKEN, [], '3.19')
    const client = await TableauClient.signIn({
      server: ORIGIN,
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
    })
    expect(client.apiVersion).toBe('3.19')
  })

  it('caps at maxApiVersion when the server is newer', async () => {
    const { client } = await signedIn()
    expect(client.apiVersion).toBe('3.24')
  })

  it('refuses a server below 3.13 before signing in', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool, '3.12')
    const error = await TableauClient.signIn({
      server: ORIGIN,
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
    }).catch((e) => e)
    expect(isHyperdeltaError(error, 'API_VERSION_UNSUPPORTED')).toBe(true)
    expect(error.details).toMatchObject({ serverVersion: '3.12', minApiVersion: '3.13' })
  })

  it('understands XML answers (servers that ignore Accept)', async () => {
    const { agent, pool } = mockServer()
    const xml = { headers: { 'content-type': 'application/xml' } }
    pool
      .intercept({ path: '/api/2.4/serverinfo', method: 'GET' })
      .reply(
        200,
        `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://tableau.com/api x.xsd"><serverInfo><productVersion build="20243.24.1112.0956">2024.3.0</productVersion><restApiVersion>3.20</restApiVersion></serverInfo></tsResponse>`,
        xml,
      )
    pool
      .intercept({ path: '/api/3.20/auth/signin', method: 'POST' })
      .reply(
        200,
        `<tsResponse xmlns="http://tableau.com/api"><credentials token="${TOKEN}" estimatedTimeToExpiration="173:21:12"><site id="${SITE_ID}" contentUrl="marketing"/><user id="u-9"/></credentials></tsResponse>`,
        xml,
      )
    const client = await TableauClient.signIn({
      server: ORIGIN,
      site: 'marketing',
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
    })
    expect([client.apiVersion, client.siteId, client.userId]).toEqual(['3.20', SITE_ID, 'u-9'])
  })

  it('turns a rejected sign-in into AUTH_FAILED without the secret', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool)
    pool
      .intercept({ path: '/api/3.24/auth/signin', method: 'POST' })
      .reply(
        401,
        { error: { summary: 'Signin Error', detail: 'Error signing in to Tableau Server', code: '401001' } },
        json,
      )
    const error = await TableauClient.signIn({
      server: ORIGIN,
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
    }).catch((e) => e)
    expect(isHyperdeltaError(error, 'AUTH_FAILED')).toBe(true)
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({
      status: 401,
      tableauCode: '401001',
      method: 'POST',
      url: '/api/3.24/auth/signin',
    })
    expect(error.message).toMatch(/^auth: /)
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain(PAT_SECRET)
  })

  it.each([
    ['not a URL', 'tableau.example.com'],
    ['credentials in the URL', 'https://user:pw@tableau.example.com'],
    ['ftp', 'ftp://tableau.example.com'],
  ])('rejects a server that is %s', async (_, server) => {
    const error = await TableauClient.signIn({ server, auth: { jwt: 'x.y.z' } }).catch((e) => e)
    expect(isHyperdeltaError(error, 'CONFIG_INVALID')).toBe(true)
  })

  it('rejects empty credentials and a minApiVersion below 3.13', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool)
    const empty = await TableauClient.signIn({
      server: ORIGIN,
      auth: { personalAccessToken: { name: 'etl', secret: '' } },
      dispatcher: agent,
    }).catch((e) => e)
    expect(isHyperdeltaError(empty, 'CONFIG_INVALID')).toBe(true)
    expect(empty.details.field).toBe('personalAccessToken.secret')
    const low = await TableauClient.signIn({ server: ORIGIN, auth: { jwt: 'a.b.c' }, minApiVersion: '3.6' }).catch(
      (e) => e,
    )
    expect(isHyperdeltaError(low, 'CONFIG_INVALID')).toBe(true)
  })
})

describe('close', () => {
  it('signs out once with the token, then refuses further calls', async () => {
    const { client, pool } = await signedIn()
    const seen: string[] = []
    pool.intercept({ path: '/api/3.24/auth/signout', method: 'POST' }).reply(204, (opts) => {
      seen.push((opts.headers as Record<string, string>)['X-Tableau-Auth']!)
      return ''
    })
    await client.close()
    await client.close()
    expect(seen).toEqual([TOKEN])
    const error = await client.getJob('j1').catch((e) => e)
    expect(isHyperdeltaError(error, 'CLIENT_CLOSED')).toBe(true)
  })

  it('never throws when sign-out fails', async () => {
    const { client, pool, logger } = await signedIn()
    pool
      .intercept({ path: '/api/3.24/auth/signout', method: 'POST' })
      .reply(401, { error: { code: '401002', summary: 'Unauthorized Access' } }, json)
    await expect(client.close()).resolves.toBeUndefined()
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.startsWith('auth: sign-out failed'))).toBe(true)
  })
})
