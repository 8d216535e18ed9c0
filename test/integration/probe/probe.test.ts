import { afterEach, describe, expect, it } from 'vitest'
import type { FactOutcome } from '../../../src/client/capabilities.js'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { TableauClient } from '../../../src/index.js'
import { probe } from '../../../src/probe/run-probe.js'

// `probe` against the real emulator in each personality: the capability table it writes must say
// what that server does, and the scratch data sources must be gone afterwards, whatever happened.
const pat = { name: 'ci', secret: 's3cret-pat' }
let emu: Emulator | undefined
let client: TableauClient | undefined
afterEach(async () => {
  await client?.close()
  await emu?.close()
  client = undefined
  emu = undefined
})

async function run(personality: ServerPersonality, signal?: AbortSignal) {
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }], personality })
  client = await TableauClient.signIn({
    server: emu.url,
    auth: { personalAccessToken: pat },
    sleep: async () => {},
    retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 },
  })
  const result = await probe(client, signal ? { signal } : {})
  return { result, outcomes: Object.fromEntries(result.findings.map((f) => [f.fact, f.outcome])) }
}

async function leftover(): Promise<number> {
  const rows = await emu!.query(
    `SELECT count(*)::INT AS n FROM duckdb_databases() WHERE database_name LIKE 'hyperdelta-probe-%'`,
  )
  return rows[0]!['n'] as number
}

const AS_INFERRED: Record<string, FactOutcome> = {
  vizqlDataService: 'confirmed',
  parquetPayload: 'confirmed',
  orJunction: 'confirmed',
  booleanSpelling: 'confirmed',
  dateStringConst: 'confirmed',
  datetimeMicroseconds: 'confirmed',
  requestIdReplay: 'confirmed',
  // The default emulator keys RequestIDs per site (our inference): the same id on a second data source replays.
  requestIdPerDatasource: 'rejected',
  nativeNe: 'unknown',
  nativeNot: 'unknown',
}

describe('probe', () => {
  it('a server that behaves as we infer: every probed fact confirmed, rows read back, scratch deleted', async () => {
    const { result, outcomes } = await run({})
    expect(outcomes).toEqual(AS_INFERRED)
    expect(result.scratch).toHaveLength(2)
    expect(result.scratch.every((s) => s.deleted)).toBe(true)
    expect(await leftover()).toBe(0)
    expect(result.capabilities.version).toBe(1)
    expect(result.findings.find((f) => f.fact === 'parquetPayload')!.observed).toContain('rows read back')
  })

  const cases: [string, ServerPersonality, Record<string, FactOutcome>][] = [
    [
      'rejectParquetPayloads',
      { rejectParquetPayloads: true },
      { parquetPayload: 'rejected', requestIdReplay: 'unknown', requestIdPerDatasource: 'unknown' },
    ],
    ['noOrOperator', { noOrOperator: true }, { orJunction: 'rejected' }],
    ['booleanSpelling', { booleanSpelling: 'other' }, { booleanSpelling: 'rejected' }],
    ['noDateStringConst', { noDateStringConst: true }, { dateStringConst: 'rejected' }],
    ['noDatetimeFraction', { noDatetimeFraction: true }, { datetimeMicroseconds: 'rejected' }],
    ['requestIdScope', { requestIdScope: 'datasource' }, { requestIdPerDatasource: 'confirmed' }],
    ['noVizqlDataService', { noVizqlDataService: true }, { vizqlDataService: 'rejected' }],
    // A lossy server: every job succeeds, but reading the rows back shows the payload step lost a row; later
    // facts are judged on their own change, and the RequestID facts (which need a trustworthy payload) are untested.
    [
      'dropOneRow',
      { dropOneRow: true },
      { parquetPayload: 'rejected', requestIdReplay: 'unknown', requestIdPerDatasource: 'unknown' },
    ],
  ]
  for (const [name, personality, differs] of cases) {
    it(`personality ${name}: the table says what the server did`, async () => {
      const { result, outcomes } = await run(personality)
      expect(outcomes).toEqual({ ...AS_INFERRED, ...differs })
      expect(await leftover()).toBe(0)
      for (const f of result.findings.filter((x) => x.outcome === 'rejected')) expect(f.evidence).not.toBe('')
    })
  }

  it('without the VizQL Data Service, findings say they rest on job outcomes', async () => {
    const { result } = await run({ noVizqlDataService: true })
    expect(result.findings.find((f) => f.fact === 'orJunction')!.observed).toContain('not read back')
  })

  it('an abort stops the probe and still deletes the scratch data source', async () => {
    const controller = new AbortController()
    emu = await startEmulator({ jobDelayMs: 50, users: [{ name: 'admin', password: 'pw', pat }] })
    client = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: pat } })
    const seen: string[] = []
    const running = probe(client, {
      signal: controller.signal,
      onFinding: (f) => {
        seen.push(f.fact)
        if (f.fact === 'parquetPayload') controller.abort()
      },
    })
    await expect(running).rejects.toMatchObject({ name: 'HyperdeltaError' })
    expect(seen).toContain('parquetPayload')
    expect(seen).not.toContain('requestIdReplay')
    expect(await leftover()).toBe(0)
  })
})
