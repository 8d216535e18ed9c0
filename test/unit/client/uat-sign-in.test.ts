import { describe, expect, it } from 'vitest'
import { type HyperdeltaError, isHyperdeltaError, TableauClient } from '../../../src/index.js'
import { captureLogger, json, mockServer, ORIGIN, SITE_ID, serverInfoReply, TOKEN } from './helpers.js'

// Unified access tokens: TSC's XML body with isUat="true", only at REST 3.27 or later (refused before the token is
// sent otherwise), never in errors or logs.
const UAT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwifQ.uat-signature-q1w2e3'

async function signIn(server: string, options: { maxApiVersion?: string; status?: number } = {}) {
  const { agent, pool } = mockServer()
  const logger = captureLogger()
  const sent: { path: string; body: string; contentType: string }[] = []
  serverInfoReply(pool, server)
  const status = options.status ?? 200
  pool.intercept({ path: (p) => p.endsWith('/auth/signin'), method: 'POST' }).reply(
    status,
    (opts) => {
      const headers = opts.headers as Record<string, string>
      sent.push({ path: opts.path, body: String(opts.body), contentType: headers['Content-Type'] ?? '' })
      return status === 401
        ? { error: { code: '401001', summary: 'Signin Error', detail: `bad jwt="${UAT}"` } }
        : { credentials: { site: { id: SITE_ID, contentUrl: 'a&b' }, user: { id: 'u' }, token: TOKEN } }
    },
    json,
  )
  const attempt = TableauClient.signIn({
    server: ORIGIN,
    site: 'a&b',
    auth: { uat: async () => UAT },
    dispatcher: agent,
    logger,
    ...(options.maxApiVersion !== undefined && { maxApiVersion: options.maxApiVersion }),
  })
  const outcome = await attempt.then(
    (client) => ({ client, error: undefined }),
    (error: HyperdeltaError) => ({ client: undefined, error }),
  )
  return { ...outcome, sent, logs: logger.text() }
}

describe('UAT sign-in', () => {
  it('sends <credentials jwt isUat="true"><site contentUrl/> as XML at 3.27 (above the default cap of 3.24)', async () => {
    const { client, sent } = await signIn('3.30')
    expect(sent).toEqual([
      {
        path: '/api/3.27/auth/signin',
        contentType: 'application/xml',
        body: `<tsRequest><credentials jwt="${UAT}" isUat="true"><site contentUrl="a&amp;b" /></credentials></tsRequest>`,
      },
    ])
    expect(client?.apiVersion).toBe('3.27')
    expect(client?.signInKind).toBe('uat')
  })

  it('refuses a server below 3.27 with API_VERSION_UNSUPPORTED before the token is sent', async () => {
    const { error, sent } = await signIn('3.26')
    expect(sent).toEqual([])
    expect(error?.code).toBe('API_VERSION_UNSUPPORTED')
    expect(error?.message).toMatch(/unified access token needs REST API 3\.27 .*the server offers REST API 3\.26/)
    expect(error?.details).toMatchObject({ serverVersion: '3.26', minApiVersion: '3.27' })
  })

  it('refuses a maxApiVersion below 3.27, naming it', async () => {
    const { error, sent } = await signIn('3.28', { maxApiVersion: '3.25' })
    expect(sent).toEqual([])
    expect(error?.message).toMatch(/maxApiVersion caps it at 3\.25/)
  })

  it('a rejected UAT is AUTH_FAILED (auth: uat) with the token in neither the error nor the logs', async () => {
    const { error, logs } = await signIn('3.27', { status: 401 })
    expect(isHyperdeltaError(error, 'AUTH_FAILED')).toBe(true)
    expect(error?.details).toMatchObject({ auth: 'uat' })
    const everything = `${error?.message} ${JSON.stringify(error?.details)} ${String(error?.cause)} ${logs}`
    expect(everything).not.toContain(UAT)
    expect(everything).not.toContain('uat-signature')
  })

  it('an empty UAT is CONFIG_INVALID naming the field', async () => {
    const { agent, pool } = mockServer()
    serverInfoReply(pool, '3.27')
    const error = await TableauClient.signIn({ server: ORIGIN, auth: { uat: '' }, dispatcher: agent }).catch((e) => e)
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'uat' } })
  })
})
