import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import {
  batch,
  defineTable,
  int64,
  isHyperdeltaError,
  mintConnectedAppJwt,
  pushChanges,
  TableauClient,
  text,
} from '../../../src/index.js'
import { probe } from '../../../src/probe/run-probe.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { writeParquetSql } from '../../helpers/write-parquet-sql.js'

// Unified access tokens against the emulator (REST 3.27): sign in, push, the CLI's TABLEAU_UAT and project file,
// and a server whose update PATCH refuses UAT sessions, which `probe` records.
const app = { clientId: 'uat-issuer', secretId: 'uat-kid', secretValue: 'uat-signing-secret-value' }
const table = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), v: text() })
const uat = () => mintConnectedAppJwt({ ...app, username: 'etl' })
let emu: Emulator | undefined
let dir: string | undefined
afterEach(async () => {
  await emu?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
  emu = undefined
  dir = undefined
})

async function start(personality: ServerPersonality = {}, restApiVersion = '3.27') {
  dir = await mkdtemp(join(tmpdir(), 'hd-uat-'))
  emu = await startEmulator({
    dataDir: join(dir, 'emu'),
    jobDelayMs: 2,
    restApiVersion,
    personality,
    users: [{ name: 'etl', connectedApp: app }],
  })
  const ds = await emu.createDatasource({ name: 'Orders', table, rows: [{ id: 1n, v: 'a' }] })
  return { emu, ds }
}
const signIn = (server: string) =>
  TableauClient.signIn({ server, auth: { uat }, sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
const upsert = (client: TableauClient) =>
  pushChanges({
    client,
    datasource: { name: 'Orders' },
    batch: batch().upsert({ source: table.as('changes'), target: table, on: ['id'] }),
    rows: { changes: [{ id: 2n, v: 'b' }] },
  })

describe('UAT sign-in against the emulator', () => {
  it('signs in with isUat at 3.27 and pushes', async () => {
    const { emu } = await start()
    const client = await signIn(emu.url)
    expect([client.apiVersion, client.signInKind]).toEqual(['3.27', 'uat'])
    const report = await upsert(client)
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await emu.query('SELECT count(*)::INT AS n FROM "Orders"."Extract"."Extract"')).toEqual([{ n: 2 }])
    await client.close()
  })

  it('a server at 3.24 is refused before the token is sent', async () => {
    const { emu } = await start({}, '3.24')
    const error = await signIn(emu.url).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'API_VERSION_UNSUPPORTED')).toBe(true)
  })

  it('CLI: TABLEAU_UAT signs in; a project file names it by variable (uat-env)', async () => {
    const { emu } = await start()
    const token = uat()
    const list = await runCliInProcess(['datasource', 'list', '--json'], {
      TABLEAU_SERVER: emu.url,
      TABLEAU_UAT: token,
    })
    expect(list.code).toBe(EXIT.ok)
    expect(JSON.parse(list.stdout).map((d: { name: string }) => d.name)).toEqual(['Orders'])
    const both = await runCliInProcess(['datasource', 'list'], {
      TABLEAU_SERVER: emu.url,
      TABLEAU_UAT: token,
      TABLEAU_JWT: token,
    })
    expect(both.code).toBe(EXIT.usage)
    expect(both.stderr).not.toContain(token)
    await mkdir(join(dir!, 'exports'))
    await writeParquetSql(dir!, 'exports/a.parquet', `SELECT 3::BIGINT AS id, 'c' AS v`)
    const config = join(dir!, 'hyperdelta.yaml')
    const job =
      'jobs:\n  nightly:\n    pipeline: load\n    files: exports\n    mode: upsert\n    key: id\n    datasource: Orders\n'
    await writeFile(config, `targets:\n  prod:\n    server: ${emu.url}\n    auth:\n      uat-env: NIGHTLY_UAT\n${job}`)
    const run = await runCliInProcess(['run', 'nightly', '--config', config, '--quiet'], { NIGHTLY_UAT: uat() })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(EXIT.ok)
    expect(await emu.query('SELECT id FROM "Orders"."Extract"."Extract" ORDER BY id')).toEqual([{ id: 1n }, { id: 3n }])
  })

  it('a server whose update PATCH refuses UAT sessions: the push fails, probe records updateSignInUat rejected', async () => {
    const { emu } = await start({ updateDataSignInKinds: ['personalAccessToken', 'password', 'jwt'] })
    const client = await signIn(emu.url)
    const pushed = await upsert(client).catch((e: unknown) => e)
    expect(isHyperdeltaError(pushed) && pushed.message).toMatch(/403/)
    const { capabilities, findings, scratch } = await probe(client, { uploadPartBytes: false })
    expect(capabilities.facts.updateSignInUat).toMatchObject({ outcome: 'rejected' })
    expect(capabilities.facts.updateSignInUat?.evidence).toMatch(/403/)
    // Every other update fact would read as rejected for the same reason: not recorded (unknown).
    expect(findings.map((f) => f.fact)).toEqual(['vizqlDataService', 'updateSignInUat'])
    expect(scratch.every((s) => s.deleted)).toBe(true)
    await client.close()
  })
})
