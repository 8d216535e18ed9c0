import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compose, type Send } from '../../../src/client/transport/api-request.js'
import { type ApiRequest, apiPath, environment, HyperdeltaError, isHyperdeltaError } from '../../../src/index.js'
import { json, SITE, signedIn, TOKEN, V } from './helpers.js'

const projectSchema = z.object({ project: z.object({ id: z.string() }) })

/** A resource-module style endpoint, written the way src/client/README.md says. */
function getProject(
  id: string,
  extra: Partial<ApiRequest<typeof projectSchema>> = {},
): ApiRequest<typeof projectSchema> {
  return {
    label: 'project',
    method: 'GET',
    path: apiPath`/projects/${id}`,
    expect: [200],
    schema: projectSchema,
    ...extra,
  }
}

describe('request pipeline', () => {
  it('compose runs layers outermost first', async () => {
    const seen: string[] = []
    const tag =
      (name: string) =>
      (next: Send): Send =>
      (request) => {
        seen.push(name)
        return next(request)
      }
    const innermost: Send = async (request) => request.schema.parse({ project: { id: request.path } })
    const send = compose(tag('a'), tag('b'))(innermost)
    await expect(send(getProject('p1'))).resolves.toEqual({ project: { id: '/projects/p1' } })
    expect(seen).toEqual(['a', 'b'])
  })

  it('a new endpoint travels the same layers: site path, token, retry, schema, error mapping', async () => {
    const { client, pool, clock } = await signedIn()
    let token: unknown
    pool.intercept({ path: `${SITE}/projects/p1`, method: 'GET' }).reply(503, {}, json)
    pool.intercept({ path: `${SITE}/projects/p1`, method: 'GET' }).reply(
      200,
      (opts) => {
        token = (opts.headers as Record<string, string>)['X-Tableau-Auth']
        return { project: { id: 'p1' } }
      },
      json,
    )
    await expect(client.request(getProject('p1'))).resolves.toEqual({ project: { id: 'p1' } })
    expect(token).toBe(TOKEN)
    expect(clock.sleeps).toHaveLength(1)

    pool.intercept({ path: `${SITE}/projects/p2`, method: 'GET' }).reply(404, { error: { code: '404000' } }, json)
    const mapped = new HyperdeltaError('DATASOURCE_NOT_FOUND', 'project: gone', { details: {} })
    await expect(client.request(getProject('p2', { mapError: () => mapped }))).rejects.toBe(mapped)

    pool.intercept({ path: `/api/${V}/projects/p3`, method: 'GET' }).reply(200, { project: {} }, json)
    const error = await client.request(getProject('p3', { scope: 'api' })).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'RESPONSE_INVALID')).toBe(true)
  })

  it('environment() fills what is not given with the real clock, timers and a silent logger', () => {
    const now = () => 42
    const env = environment({ now })
    expect(env.now()).toBe(42)
    expect(typeof env.random()).toBe('number')
    expect(() => env.logger.info('x')).not.toThrow()
  })
})
