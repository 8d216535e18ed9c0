import { describe, expect, it } from 'vitest'
import { deriveRequestId } from '../../../src/plan/request-id.js'

const base = {
  siteId: 'site-1',
  datasourceId: 'ds-1',
  connectionId: undefined as string | undefined,
  runId: 'orders-2026-11-22',
  index: 0,
  payloadSha256: 'ab'.repeat(32),
  actions: [{ action: 'insert' as const, 'source-table': 's', 'target-table': 't' }],
  attempt: 0,
}

describe('deriveRequestId', () => {
  it('is stable for the same request and UUID-shaped', () => {
    const id = deriveRequestId(base)
    expect(deriveRequestId({ ...base, actions: [...base.actions] })).toBe(id)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it.each([
    ['site', { siteId: 'site-2' }],
    ['no site', { siteId: undefined }],
    ['data source', { datasourceId: 'ds-2' }],
    ['connection', { connectionId: 'conn-1' }],
    ['run id', { runId: 'orders-2026-11-23' }],
    ['index', { index: 1 }],
    ['payload', { payloadSha256: 'cd'.repeat(32) }],
    ['no payload', { payloadSha256: undefined }],
    ['actions', { actions: [{ action: 'upsert' as const, 'source-table': 's', 'target-table': 't' }] }],
    ['attempt', { attempt: 1 }],
  ])('changes when the %s changes', (_, change) => {
    expect(deriveRequestId({ ...base, ...change })).not.toBe(deriveRequestId(base))
  })

  it('does not confuse one part for another (data source id vs connection id)', () => {
    expect(deriveRequestId({ ...base, datasourceId: 'a', connectionId: 'b' })).not.toBe(
      deriveRequestId({ ...base, datasourceId: 'b', connectionId: 'a' }),
    )
  })
})
