import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { TableauClient } from '../../../src/index.js'
import {
  captureLogger,
  jobBody,
  json,
  mockServer,
  ORIGIN,
  PAT_SECRET,
  SITE,
  serverInfoReply,
  signedIn,
  signInReply,
  TOKEN,
  TOKEN2,
  WIRE,
} from './helpers.js'

const PASSWORD = 'hunter2-password-xyz'
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA'
const APP_SECRET = 'connected-app-secret-value-123'
const SECRETS = [TOKEN, TOKEN2, PAT_SECRET, PASSWORD, JWT, APP_SECRET]

function expectNoSecrets(text: string) {
  for (const s of SECRETS) expect(text).not.toContain(s)
  // the token's distinctive first part, too
  expect(text).not.toContain('pi9TCS-4Ti')
}

function dump(error: unknown): string {
  const e = error as Error & { cause?: unknown }
  return [e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 10 }), e.cause ? dump(e.cause) : ''].join(
    '\n',
  )
}

describe('secrets', () => {
  it('never show in the client object: inspect, JSON.stringify, String', async () => {
    const { client } = await signedIn()
    const shown = [
      inspect(client, { showHidden: true, depth: 10 }),
      JSON.stringify(client),
      String(client),
      `${client}`,
    ]
    for (const s of shown) expectNoSecrets(s)
    expect(JSON.parse(JSON.stringify(client))).toEqual({
      server: ORIGIN,
      site: 'marketing',
      siteId: client.siteId,
      apiVersion: '3.24',
    })
  })

  it.each([
    ['password', { password: { username: 'jdoe', password: PASSWORD } }],
    ['jwt', { jwt: JWT }],
    ['minted jwt', { jwt: { clientId: 'c', secretId: 's', secretValue: APP_SECRET, username: 'u' } }],
  ] as const)('never show for %s auth in the client object', async (_, auth) => {
    const { client } = await signedIn({ auth })
    expectNoSecrets(inspect(client, { showHidden: true, depth: 10 }) + JSON.stringify(client))
  })

  it('never show in debug logs of a whole flow, re-sign-in included', async () => {
    const { client, pool, logger } = await signedIn()
    const job = `${SITE}/jobs/j1`
    pool.intercept({ path: `${SITE}/datasources/ds-1/data`, method: 'PATCH' }).reply(202, jobBody('j1'), json)
    pool.intercept({ path: job, method: 'GET' }).reply(401, { error: { code: '401002' } }, json)
    signInReply(pool, TOKEN2)
    pool.intercept({ path: job, method: 'GET' }).reply(200, jobBody('j1', { completedAt: 'x', finishCode: '0' }), json)
    pool.intercept({ path: '/api/3.24/auth/signout', method: 'POST' }).reply(204, '')
    await client.updateData({ datasource: 'ds-1', actions: WIRE, requestId: 'r1' })
    await client.waitForJob('j1')
    await client.close()
    expect(logger.lines.filter((l) => l.level === 'debug').length).toBeGreaterThan(4)
    const request = logger.lines.find((l) => l.message === 'client: request' && l.fields?.['method'] === 'PATCH')
    expect(request?.fields).toMatchObject({ status: 202, attempt: 1, requestId: 'r1' })
    expect(typeof request?.fields?.['durationMs']).toBe('number')
    expectNoSecrets(logger.text())
  })

  it('never show in errors, even when a sign-in answer that carries a token fails validation', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool)
    pool
      .intercept({ path: '/api/3.24/auth/signin', method: 'POST' })
      .reply(200, { credentials: { token: TOKEN, site: { contentUrl: 'x' }, echo: PAT_SECRET } }, json)
    const logger = captureLogger()
    const error = await TableauClient.signIn({
      server: ORIGIN,
      auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
      dispatcher: agent,
      logger,
    }).catch((e) => e)
    expect(error.code).toBe('RESPONSE_INVALID')
    expect(error.details.body).toContain('[redacted]')
    expectNoSecrets(dump(error) + logger.text())
  })

  it('never show in API errors after a failed re-sign-in', async () => {
    const { client, pool } = await signedIn({ auth: { password: { username: 'jdoe', password: PASSWORD } } })
    pool.intercept({ path: `${SITE}/jobs/j1`, method: 'GET' }).reply(401, { error: { code: '401002' } }, json)
    pool
      .intercept({ path: '/api/3.24/auth/signin', method: 'POST' })
      .reply(401, { error: { code: '401001', summary: 'Signin Error', detail: `bad password ${PASSWORD}` } }, json)
    const error = await client.getJob('j1').catch((e) => e)
    expect(error.code).toBe('AUTH_FAILED')
    expect(error.message).toMatch(/^auth: sign-in/)
    expect(error.details.detail).toBe('bad password [redacted]')
    expectNoSecrets(dump(error))
  })
})
