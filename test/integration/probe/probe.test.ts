import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { FactOutcome } from '../../../src/client/capabilities.js'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { batch, ne, pushChanges, TableauClient } from '../../../src/index.js'
import { probeTable } from '../../../src/probe/probe-table.js'
import { type ProbeOptions, probe } from '../../../src/probe/run-probe.js'

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

/** The part size the tests confirm (the real default, 64 MiB, would upload 129 MiB per probe). */
const PART = 256 * 1024

async function run(personality: ServerPersonality, options: Omit<ProbeOptions, 'signal'> = {}, maxSizeInMb?: number) {
  emu = await startEmulator({
    jobDelayMs: 2,
    users: [{ name: 'admin', password: 'pw', pat }],
    personality,
    ...(maxSizeInMb !== undefined && { maxSizeInMb }),
  })
  client = await TableauClient.signIn({
    server: emu.url,
    auth: { personalAccessToken: pat },
    sleep: async () => {},
    retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 },
  })
  const result = await probe(client, { uploadPartBytes: PART, ...options })
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
  updateSignInPersonalAccessToken: 'confirmed',
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
  uploadPartSize: 'confirmed',
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
    expect(result.capabilities.limits).toEqual({ uploadPartBytes: PART })
    expect(result.findings.find((f) => f.fact === 'uploadPartSize')!.observed).toContain('accepted too')
  })

  it('upload part limit: exactly at the client size, at 10^6-based MB, and below both', async () => {
    const at = await run({ uploadPartLimitBytes: PART })
    expect(at.outcomes['uploadPartSize']).toBe('confirmed')
    expect(at.result.findings.find((f) => f.fact === 'uploadPartSize')!.observed).toContain('refused (the limit sits')
    expect(at.result.capabilities.limits).toEqual({ uploadPartBytes: PART })
    await client!.close()
    await emu!.close()
    // A server counting MB as 10^6: the client's size is refused, 0.25 × 10^6 bytes accepted and recorded.
    const decimal = await run({ uploadPartLimitBytes: 250_000 })
    expect(decimal.outcomes['uploadPartSize']).toBe('rejected')
    expect(decimal.result.capabilities.limits).toEqual({ uploadPartBytes: 250_000 })
    const finding = decimal.result.findings.find((f) => f.fact === 'uploadPartSize')!
    expect(finding.evidence).toContain('413')
    // The client then uploads in parts of the probed size.
    const caps = decimal.result.capabilities
    const c2 = await TableauClient.signIn({ server: emu!.url, auth: { personalAccessToken: pat }, capabilities: caps })
    const dir = await mkdtemp(join(tmpdir(), 'hd-part-'))
    const file = join(dir, 'part.bin')
    await writeFile(file, Buffer.alloc(600_000, 7))
    const parts: number[] = []
    await c2.uploadFile(file, { onProgress: (p) => parts.push(p.parts) })
    expect(parts.at(-1)).toBe(3)
    await c2.close()
    await rm(dir, { recursive: true, force: true })
    await client!.close()
    await emu!.close()
    const below = await run({ uploadPartLimitBytes: 100_000 })
    expect(below.outcomes['uploadPartSize']).toBe('rejected')
    expect(below.result.capabilities.limits).toBeUndefined()
    expect(await leftover()).toBe(0)
  })

  it('--size: a payload of the byte budget for max_size_in_mb applies where the server allows it, 413 where not', async () => {
    const ok = await run({}, { sizeMb: 1, uploadPartBytes: false }, 1)
    expect(ok.outcomes['payloadSize']).toBe('confirmed')
    expect(ok.outcomes['uploadPartSize']).toBeUndefined()
    const bytes = ok.result.capabilities.limits?.payloadBytes ?? 0
    expect(bytes).toBeGreaterThan(800_000)
    expect(bytes).toBeLessThanOrEqual(950_000)
    await client!.close()
    await emu!.close()
    const over = await run({}, { sizeMb: 2, uploadPartBytes: false }, 1)
    expect(over.outcomes['payloadSize']).toBe('rejected')
    expect(over.result.findings.find((f) => f.fact === 'payloadSize')!.observed).toContain('413')
    expect(over.result.capabilities.limits).toBeUndefined()
    expect(await leftover()).toBe(0)
  })

  it('--probe-native-ops: confirmed on a server that understands ne / not, rejected where refused', async () => {
    const ok = await run({}, { nativeOps: true })
    expect(ok.outcomes).toEqual({ ...AS_INFERRED, nativeNe: 'confirmed', nativeNot: 'confirmed' })
    expect(ok.result.findings.find((f) => f.fact === 'nativeNe')!.observed).toContain('rows read back as expected')
    // A client loading these capabilities sends ne() as the native operator, and the rows are right.
    const caps = ok.result.capabilities
    const c2 = await TableauClient.signIn({ server: emu!.url, auth: { personalAccessToken: pat }, capabilities: caps })
    const ds = await emu!.createDatasource({
      name: 'Native',
      table: probeTable,
      rows: [
        { id: 1n, label: 'keep', flag: null, day: null, at: null },
        { id: 2n, label: 'drop', flag: null, day: null, at: null },
      ],
    })
    const report = await pushChanges({
      client: c2,
      datasource: { id: ds.id },
      batch: batch().delete({ target: probeTable, where: (c) => ne(c.label, 'keep') }),
    })
    expect(report.requests[0]!.actions[0]!.condition).toMatchObject({ op: 'ne', 'target-col': 'label' })
    expect(await emu!.query(`SELECT id FROM "Native"."Extract"."Extract"`)).toEqual([{ id: 1n }])
    await c2.close()
    await client!.close()
    await emu!.close()
    const refused = await run({ noNativeOps: true }, { nativeOps: true })
    expect(refused.outcomes).toEqual({ ...AS_INFERRED, nativeNe: 'rejected', nativeNot: 'rejected' })
    expect(refused.result.findings.find((f) => f.fact === 'nativeNe')!.evidence).toContain('unconfirmed')
    expect(await leftover()).toBe(0)
  })

  it('bad sizes fail before anything is published', async () => {
    await expect(run({}, { sizeMb: -1 })).rejects.toMatchObject({ code: 'PAYLOAD_OPTIONS_INVALID' })
    expect(await leftover()).toBe(0)
    await client!.close()
    await emu!.close()
    await expect(run({}, { uploadPartBytes: 1.5 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
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
