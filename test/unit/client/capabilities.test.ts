import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { WireCondition } from '../../../src/actions/wire-schema.js'
import {
  assertSupported,
  type Capabilities,
  factOutcome,
  parseCapabilities,
  readCapabilities,
} from '../../../src/client/capabilities.js'
import { isHyperdeltaError } from '../../../src/errors.js'

const base: Capabilities = {
  version: 1,
  server: { url: 'https://tableau.example.com', restApiVersion: '3.24' },
  probedAt: '2026-11-27T00:00:00Z',
  facts: {},
}
const T = { 'target-schema': 'Extract', 'target-table': 'Extract' }
const orCond = {
  op: 'or' as const,
  args: [
    { op: 'eq' as const, 'target-col': 'a', const: { type: 'integer' as const, v: '1' } },
    { op: 'eq' as const, 'target-col': 'b', const: { type: 'boolean' as const, v: 'true' } },
  ],
}

function rejected(facts: Capabilities['facts'], request: Parameters<typeof assertSupported>[1]): string | undefined {
  try {
    assertSupported({ ...base, facts }, request)
    return undefined
  } catch (e) {
    if (!isHyperdeltaError(e, 'CAPABILITY_REJECTED')) throw e
    return e.details.fact
  }
}

describe('capabilities', () => {
  it('without a file, or with facts unknown or confirmed, nothing is refused', () => {
    const request = { actions: [{ action: 'delete' as const, ...T, condition: orCond }], hasPayload: true }
    expect(() => assertSupported(undefined, request)).not.toThrow()
    expect(rejected({}, request)).toBeUndefined()
    expect(rejected({ orJunction: { outcome: 'confirmed', observed: 'ok' } }, request)).toBeUndefined()
  })

  it('refuses exactly the facts probed as rejected, naming the fact', () => {
    const r = { outcome: 'rejected' as const, observed: 'job failed' }
    const del = { actions: [{ action: 'delete' as const, ...T, condition: orCond }], hasPayload: false }
    expect(rejected({ orJunction: r }, del)).toBe('orJunction')
    expect(rejected({ booleanSpelling: r }, del)).toBe('booleanSpelling')
    expect(rejected({ parquetPayload: r }, del)).toBeUndefined()
    expect(
      rejected({ parquetPayload: r }, { actions: [{ action: 'insert', ...T, 'source-table': 's' }], hasPayload: true }),
    ).toBe('parquetPayload')
    const fraction = {
      actions: [
        {
          action: 'delete' as const,
          ...T,
          condition: {
            op: 'lt' as const,
            'target-col': 't',
            const: { type: 'datetime' as const, v: '2024-01-01T00:00:00.5Z' },
          },
        },
      ],
      hasPayload: false,
    }
    expect(rejected({ datetimeMicroseconds: r }, fraction)).toBe('datetimeMicroseconds')
  })

  it('walks deep conditions without recursion', () => {
    let condition: WireCondition = orCond.args[0]!
    for (let i = 0; i < 50_000; i++) condition = { op: 'or', args: [condition, orCond.args[0]!] }
    const request = { actions: [{ action: 'delete' as const, ...T, condition }], hasPayload: false }
    expect(rejected({ orJunction: { outcome: 'rejected', observed: '400' } }, request)).toBe('orJunction')
  })

  it('a bad file is CAPABILITIES_INVALID naming the file and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hd-caps-'))
    const file = join(dir, 'caps.json')
    await writeFile(file, JSON.stringify({ ...base, facts: { orJunction: { outcome: 'maybe', observed: '' } } }))
    await expect(readCapabilities(file)).rejects.toMatchObject({
      code: 'CAPABILITIES_INVALID',
      details: { file, field: 'facts.orJunction.outcome' },
    })
    await writeFile(file, '{nope')
    await expect(readCapabilities(file)).rejects.toMatchObject({ code: 'CAPABILITIES_INVALID' })
    await expect(readCapabilities(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'CAPABILITIES_INVALID' })
    await writeFile(file, JSON.stringify(base))
    expect(factOutcome(await readCapabilities(file), 'parquetPayload')).toBe('unknown')
    expect(() => parseCapabilities({ ...base, version: 2 })).toThrow(/version/)
    await rm(dir, { recursive: true, force: true })
  })
})
