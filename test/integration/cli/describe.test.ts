import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import {
  bool,
  date,
  decimal,
  defineTable,
  float64,
  int16,
  int64,
  TableauClient,
  text,
  time,
  timestamp,
} from '../../../src/index.js'
import { type CliResult, runCliInProcess } from '../../helpers/spawn-cli.js'

// `client.datasources.describe` and `hyperdelta describe`: what the server says, and that it says when it cannot.
const pat = { name: 'ci', secret: 's3cret-pat' }
let emu: Emulator
let blind: Emulator
let dir: string
const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    qty: int16(),
    amount: decimal(21, 1, { nullable: true }),
    price: float64(),
    name: text(),
    ok: bool(),
    day: date(),
    at: timestamp(),
    local: timestamp({ timeZone: false }),
    clock: time(),
  },
)

const cli = (server: Emulator, args: string[]): Promise<CliResult> =>
  runCliInProcess(args, { TABLEAU_SERVER: server.url, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-describe-'))
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
  blind = await startEmulator({
    jobDelayMs: 2,
    users: [{ name: 'admin', password: 'pw', pat }],
    personality: { noVizqlDataService: true },
  })
  for (const e of [emu, blind]) await e.createDatasource({ name: 'Orders', table: orders, rows: [] })
})
afterAll(async () => {
  await emu.close()
  await blind.close()
  await rm(dir, { recursive: true, force: true })
})

describe('describe the target', () => {
  it('client.datasources.describe lists the columns, their server types, the kinds they can be and what is not said', async () => {
    const client = await TableauClient.signIn({ server: emu.url, site: '', auth: { personalAccessToken: pat } })
    try {
      const { id } = await client.findDatasource({ name: 'Orders' })
      const d = await client.datasources.describe(id)
      if (!d.available) throw new Error(d.reason)
      const by = Object.fromEntries(d.columns.map((c) => [c.name, c]))
      expect(d.columns.map((c) => c.name)).toEqual(orders.columnNames)
      expect(by['qty']).toMatchObject({ dataType: 'INTEGER', kinds: ['int64', 'int32', 'int16'] })
      expect(by['qty']!.notAvailable).toContain('integer width')
      expect(by['amount']).toMatchObject({ dataType: 'REAL', kinds: ['float64', 'decimal'] })
      expect(by['at']).toMatchObject({ dataType: 'DATETIME', notAvailable: ['time zone', 'nullability'] })
      // TIME has no VDS type: no kinds, no guess.
      expect(by['clock']).toMatchObject({ kinds: [], widest: undefined })
    } finally {
      await client.close()
    }
  })

  it('--emit json is a schema file --schema accepts; --emit ts a defineTable module', async () => {
    const json = await cli(emu, ['describe', '--datasource', 'Orders', '--emit', 'json'])
    expect(json.code).toBe(0)
    const schema = JSON.parse(json.stdout) as { Extract: Record<string, string> }
    expect(schema.Extract).toMatchObject({ id: 'int64?', amount: 'float64?', at: 'timestamp?', day: 'date?' })
    expect(schema.Extract).not.toHaveProperty('clock')
    expect(json.stderr).toContain('"clock": UNKNOWN has no hyperdelta column type; left out')
    const file = join(dir, 'schema.json')
    await writeFile(file, json.stdout)
    const { loadSchemaFile } = await import('../../../src/cli/load-batch.js')
    expect([...(await loadSchemaFile(file)).keys()]).toEqual(['Extract'])
    const ts = await cli(emu, ['describe', '--datasource', 'Orders', '--emit', 'ts'])
    expect(ts.code).toBe(0)
    expect(ts.stdout).toContain("import { bool, date, defineTable, float64, int64, text, timestamp } from 'hyperdelta'")
    expect(ts.stdout).toContain(
      '"qty": int64({ nullable: true }), // INTEGER; not said by the server: integer width, nullability',
    )
  })

  it('where the server cannot say: "not available", exit 4, nothing printed as a guess', async () => {
    const out = await cli(blind, ['describe', '--datasource', 'Orders', '--emit', 'ts'])
    expect(out.code).toBe(4)
    expect(out.stdout).toBe('')
    expect(out.stderr).toContain('not available')
  })
})
