import { MockAgent, type MockPool } from 'undici'
import { type Logger, type SignInOptions, TableauClient } from '../../../src/index.js'

export const ORIGIN = 'https://tableau.test'
export const SITE_ID = '2ff64d57-b7c1-4e99-803c-13bb81ae0371'
export const TOKEN = 'pi9TCS-4Ti-_xD0dN-H8ww|4qnj3HwbpVAdAdd7KkdnGGakiwxBnbcS|2ff64d57-b7c1-4e99-803c-13bb81ae0371'
export const TOKEN2 = 'second-token-QQQQ|RRRRRRRRRRRR|2ff64d57-b7c1-4e99-803c-13bb81ae0371'
export const PAT_SECRET = 'pat-secret-q1w2e3r4t5'
export const V = '3.24'
export const SITE = `/api/${V}/sites/${SITE_ID}`

export const json = { headers: { 'content-type': 'application/json' } }

/** A MockAgent that refuses real network access, and its pool for ORIGIN. */
export function mockServer(): { agent: MockAgent; pool: MockPool } {
  const agent = new MockAgent()
  agent.disableNetConnect()
  return { agent, pool: agent.get(ORIGIN) }
}

/** A fake clock: `sleep` advances time instantly and records every requested delay. */
export function fakeClock(start = 1_800_000_000_000) {
  let t = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => t,
    advance: (ms: number) => {
      t += ms
    },
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason
      sleeps.push(ms)
      t += ms
    },
  }
}

export interface LogLine {
  level: string
  message: string
  fields?: Record<string, unknown>
}

/** A logger that records everything (debug included). */
export function captureLogger(): Logger & { lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields !== undefined && { fields }) })
  }
  return {
    lines,
    text: () => JSON.stringify(lines),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
}

export function serverInfoReply(pool: MockPool, restApiVersion = '3.27') {
  pool
    .intercept({ path: '/api/2.4/serverinfo', method: 'GET' })
    .reply(
      200,
      { serverInfo: { productVersion: { value: '2025.1.0', build: '20251.25.0101.0000' }, restApiVersion } },
      json,
    )
}

/** Intercepts one sign-in; `seen` receives each parsed request body. */
export function signInReply(pool: MockPool, token = TOKEN, seen: unknown[] = [], version = V) {
  pool.intercept({ path: `/api/${version}/auth/signin`, method: 'POST' }).reply(
    200,
    (opts) => {
      seen.push(JSON.parse(String(opts.body)))
      return {
        credentials: {
          site: { id: SITE_ID, contentUrl: 'marketing' },
          user: { id: '776f27ef-8997-422b-9348-a28d4f091fa4' },
          token,
          estimatedTimeToExpiration: '173:21:12',
        },
      }
    },
    json,
  )
}

/** Server info + sign-in, then a signed-in client with a fake clock and a capturing logger. */
export async function signedIn(overrides: Partial<SignInOptions> = {}) {
  const { agent, pool } = mockServer()
  const clock = fakeClock()
  const logger = captureLogger()
  const signInBodies: unknown[] = []
  serverInfoReply(pool)
  signInReply(pool, TOKEN, signInBodies)
  const client = await TableauClient.signIn({
    server: ORIGIN,
    site: 'marketing',
    auth: { personalAccessToken: { name: 'etl', secret: PAT_SECRET } },
    dispatcher: agent,
    logger,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    ...overrides,
  })
  return { agent, pool, clock, logger, client, signInBodies }
}

/** A job body in the JSON mapping (strings everywhere, as Tableau renders it). */
export function jobBody(id: string, extra: Record<string, unknown> = {}) {
  return {
    job: {
      id,
      mode: 'Asynchronous',
      type: 'UpdateUploadedFile',
      progress: '0',
      createdAt: '2021-10-05T18:53:34Z',
      updateUploadedFileJob: {
        datasource: { id: 'ds-1', name: 'Orders' },
        connectionLuid: 'conn-1',
      },
      ...extra,
    },
  }
}

export const WIRE = {
  actions: [
    {
      action: 'delete' as const,
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq' as const, 'target-col': 'Region', const: { type: 'string' as const, v: 'Europe' } },
    },
  ],
}
