import { afterEach, describe, expect, it } from 'vitest'
import { isHyperdeltaError, type TableauClient } from '../../../src/index.js'
import { VDS_FACTS } from '../../../src/wire.js'
import { json, signedIn } from './helpers.js'

// The VizQL Data Service through the real client over undici's MockAgent: its error envelope (`errorCode`) is the
// error's tableauCode, and an answer read under a byte cap stops at the cap, whether or not its size is announced.
const QUERY = '/api/v1/vizql-data-service/query-datasource'
let client: TableauClient | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

const query = { fields: [{ fieldCaption: 'id' }] }
const answer = (n: number) => JSON.stringify({ data: Array.from({ length: n }, (_, i) => ({ id: i })) })

describe('client.vizql', () => {
  it.each([
    [403, VDS_FACTS.accessDeniedCode.value],
    [429, VDS_FACTS.quotaExceededCode.value],
    [400, VDS_FACTS.responseTooLargeCode.value],
  ])('an HTTP %i VDS error envelope is API_ERROR with its errorCode as tableauCode', async (status, code) => {
    const s = await signedIn({ retry: { maxAttempts: 1 } })
    client = s.client
    s.pool
      .intercept({ path: QUERY, method: 'POST' })
      .reply(status, { errorCode: code, message: 'no', datetime: '2026-12-06T00:00:00Z' }, json)
    const error = await client.vizql.queryDatasource('ds', query).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'API_ERROR') && error.details).toMatchObject({ status, tableauCode: code })
  })

  it('under maxResponseBytes: the rows, validated; over it: RESPONSE_TOO_LARGE, announced or not', async () => {
    const s = await signedIn()
    client = s.client
    const small = answer(3)
    s.pool.intercept({ path: QUERY, method: 'POST' }).reply(200, small, json)
    expect(await client.vizql.queryDatasource('ds', query, { maxResponseBytes: small.length })).toEqual([
      { id: 0 },
      { id: 1 },
      { id: 2 },
    ])
    const big = answer(2000)
    // Announced in Content-Length: refused before reading; streamed without it: refused once the cap is passed.
    s.pool
      .intercept({ path: QUERY, method: 'POST' })
      .reply(200, big, { headers: { ...json.headers, 'content-length': String(big.length) } })
    s.pool.intercept({ path: QUERY, method: 'POST' }).reply(200, big, json)
    for (const announced of [true, false]) {
      const error = await client.vizql.queryDatasource('ds', query, { maxResponseBytes: 1000 }).catch((e: unknown) => e)
      expect(error, `announced: ${announced}`).toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
        details: { maxBytes: 1000, method: 'POST', url: QUERY },
      })
      expect((error as { details: { bytes: number } }).details.bytes).toBeGreaterThan(1000)
    }
  })

  it('an answer under the cap that is not the documented shape is RESPONSE_INVALID', async () => {
    const s = await signedIn()
    client = s.client
    s.pool.intercept({ path: QUERY, method: 'POST' }).reply(200, '{"data": 5}', json)
    const error = await client.vizql.queryDatasource('ds', query, { maxResponseBytes: 100 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RESPONSE_INVALID' })
  })
})
