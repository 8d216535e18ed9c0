import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/run-cli.js'
import {
  batch,
  bool,
  defineTable,
  eq,
  float64,
  gt,
  type HyperdeltaError,
  int32,
  int64,
  parseActions,
  pushChanges,
  TableauClient,
  text,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { type Fixture, PASSWORD, PAT, startFixture } from './helpers.js'

// Table-driven bad input across the builder, the change rows, the wire JSON, the client, the CLI and
// the emulator. Every case must fail with a typed error (`code`) whose message names what is wrong,
// and leave the data source exactly as it was; cases caught on the client side send no PATCH at all.

const people = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    name: text(),
    amount: float64({ nullable: true }),
    at: timestamp({ nullable: true }),
    flag: bool({ nullable: true }),
    qty: int32({ nullable: true }),
  },
)
const changes = people.as('changes')
const initial = [
  { id: 1n, name: 'ada', amount: 1.5, at: 1_700_000_000_000_000n, flag: true, qty: 1 },
  { id: 2n, name: 'bob', amount: null, at: null, flag: null, qty: null },
]
const good = { id: 10n, name: 'ok', amount: 2.5, at: 1_700_000_000_000_000n, flag: false, qty: 3 }

let fx: Fixture
let client: TableauClient
let single: { name: string; id: string }
let patches = 0
let snapshot: () => Promise<unknown>

beforeAll(async () => {
  fx = await startFixture()
  const a = await fx.emu.createDatasource({ name: 'People', table: people, rows: initial })
  await fx.emu.createDatasource({ name: 'Multi', table: people, rows: initial, connections: 2 })
  single = { name: a.name, id: a.id }
  client = await fx.signIn()
  // Counts PATCHes that reach the emulator, never fires.
  fx.emu.faults.respondWith({
    status: 503,
    times: Number.POSITIVE_INFINITY,
    route: (r) => {
      if (r.route === 'updateData' || r.route === 'updateConnectionData') patches++
      return false
    },
  })
  snapshot = async () => [
    await fx.emu.query('SELECT * FROM "People"."Extract"."Extract" ORDER BY id'),
    await fx.emu.query('SELECT * FROM "Multi"."Extract"."Extract" ORDER BY id'),
  ]
})
afterAll(async () => {
  await client.close()
  await fx.close()
})

const upsert = () => batch().upsert({ source: changes, target: people, on: ['id'] })
/** A push of `rows` upserted into People. */
const pushRows = (rows: unknown, extra: Record<string, unknown> = {}) =>
  pushChanges({ client, datasource: { name: 'People' }, batch: upsert(), rows: { changes: rows as never }, ...extra })

/** Runs the CLI in-process; a non-zero exit becomes an error carrying the printed code and message. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<never> {
  const err: string[] = []
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s) > 0 },
    env: {
      TABLEAU_SERVER: fx.emu.url,
      TABLEAU_SITE: '',
      TABLEAU_PAT_NAME: PAT.name,
      TABLEAU_PAT_SECRET: PAT.secret,
      ...env,
    },
    signal: new AbortController().signal,
  }
  const exit = await runCli(args, io)
  const text = err.join('')
  const m = /hyperdelta: ([A-Z_]+): (.*)/.exec(text)
  throw Object.assign(new Error(m?.[2] ?? text), { code: m?.[1] ?? `EXIT_${exit}`, exit })
}

async function file(name: string, content: string): Promise<string> {
  const path = join(fx.dir, name)
  await writeFile(path, content)
  return path
}
const upsertJson = JSON.stringify({
  actions: [
    {
      action: 'upsert',
      'source-table': 'changes',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'source-col': 'id', 'target-col': 'id' },
    },
  ],
})
const schemaJson = JSON.stringify({
  changes: { id: 'int64', name: 'text', amount: 'float64?', at: 'timestamp?', flag: 'bool?', qty: 'int32?' },
})
const cliPush = async (inputName: string, content: string, more: string[] = [], env: Record<string, string> = {}) =>
  cli(
    [
      'push',
      '--batch',
      await file('upsert.json', upsertJson),
      '--schema',
      await file('schema.json', schemaJson),
      '--input',
      `changes=${await file(inputName, content)}`,
      '--datasource',
      'People',
      ...more,
    ],
    env,
  )

/** Sends a PATCH straight to the emulator with a fresh token (what a buggy or foreign client could send). */
async function rawPatch(body: string, headers: Record<string, string> = { RequestID: `raw-${Math.random()}` }) {
  const signIn = await fetch(`${fx.emu.url}/api/3.24/auth/signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      credentials: {
        personalAccessTokenName: PAT.name,
        personalAccessTokenSecret: PAT.secret,
        site: { contentUrl: '' },
      },
    }),
  })
  const { credentials } = (await signIn.json()) as { credentials: { token: string; site: { id: string } } }
  const res = await fetch(`${fx.emu.url}/api/3.24/sites/${credentials.site.id}/datasources/${single.id}/data`, {
    method: 'PATCH',
    headers: {
      'X-Tableau-Auth': credentials.token,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...headers,
    },
    body,
  })
  const json = (await res.json()) as { error?: { code: string; summary: string; detail: string } }
  throw Object.assign(new Error(`${res.status} ${json.error?.summary}: ${json.error?.detail}`), {
    code: json.error?.code ?? String(res.status),
  })
}

/** Sends a wire batch through the real client and waits for its job (errors from the emulator's job). */
async function job(wire: unknown, rows: object[] = [good]) {
  const files = await writeChangeFiles(changes, rows, { dir: fx.dir })
  try {
    const j = await client.updateData({
      datasource: single.id,
      payload: files.files[0]!.path,
      actions: wire as never,
      requestId: `job-${Math.random()}`,
    })
    return await client.waitForJob(j.id)
  } finally {
    await files.dispose()
  }
}
const wireUpsert = (over: Record<string, unknown>) => ({
  actions: [
    {
      action: 'upsert',
      'source-table': 'changes',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'source-col': 'id', 'target-col': 'id' },
      ...over,
    },
  ],
})

interface Case {
  name: string
  run: () => Promise<unknown>
  code: string
  /** What the message must name (column, row, field, line…). */
  message: RegExp
  /** The case is rejected before any PATCH is sent. Default true. */
  clientSide?: boolean
  exit?: number
}

const cases: Case[] = [
  // ── builder ──
  {
    name: 'builder: upsert on an unknown key column',
    run: async () => batch().upsert({ source: changes, target: people, on: ['nope' as 'id'] }),
    code: 'ACTION_INVALID',
    message: /nope/,
  },
  {
    name: 'builder: condition constant of the wrong type (text for int64)',
    run: async () =>
      batch()
        .delete({ target: people, where: (t) => eq(t.id, 'abc' as never) })
        .compile(),
    code: 'ACTION_INVALID',
    message: /eq\(id, …\).*int64.*abc/,
  },
  {
    name: 'builder: int64 constant beyond 2^63-1',
    run: async () =>
      batch()
        .delete({ target: people, where: (t) => gt(t.id, 2n ** 63n) })
        .compile(),
    code: 'ACTION_INVALID',
    message: /gt\(id, …\).*outside int64/,
  },
  {
    name: 'builder: NaN constant',
    run: async () =>
      batch()
        .delete({ target: people, where: (t) => eq(t.amount, Number.NaN) })
        .compile(),
    code: 'ACTION_INVALID',
    message: /eq\(amount, …\).*NaN/,
  },
  {
    name: 'builder: invalid timestamp constant',
    run: async () =>
      batch()
        .delete({ target: people, where: (t) => eq(t.at, 'yesterday-ish' as never) })
        .compile(),
    code: 'ACTION_INVALID',
    message: /eq\(at, …\).*yesterday-ish/,
  },
  {
    name: 'builder: empty batch pushed',
    run: () => pushChanges({ client, datasource: { name: 'People' }, batch: batch() }),
    code: 'BATCH_EMPTY',
    message: /empty|no action/i,
  },
  {
    name: 'builder: table with a column of an unknown kind',
    run: async () => defineTable({ name: 't' }, { x: { kind: 'interval', nullable: false } as never }),
    code: 'TABLE_INVALID',
    message: /x/,
  },
  // ── change rows ──
  {
    name: 'rows: text where int64 is expected',
    run: () => pushRows([good, { ...good, id: 'abc' }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /"?id"?.*row 1|row 1.*"?id"?/,
  },
  {
    name: 'rows: unknown column',
    run: () => pushRows([{ ...good, colour: 'red' }]),
    code: 'PAYLOAD_COLUMN_UNKNOWN',
    message: /colour/,
  },
  {
    name: 'rows: int64 overflow',
    run: () => pushRows([{ ...good, id: 2n ** 63n }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /id/,
  },
  {
    name: 'rows: int64 as an unsafe JS number',
    run: () => pushRows([{ ...good, id: 2 ** 53 + 2 }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /id/,
  },
  {
    name: 'rows: int32 overflow',
    run: () => pushRows([{ ...good, qty: 2 ** 31 }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /qty/,
  },
  {
    name: 'rows: invalid timestamp string',
    run: () => pushRows([{ ...good, at: '2024-13-45T99:00:00Z' }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /at/,
  },
  {
    name: 'rows: invalid Date object',
    run: () => pushRows([{ ...good, at: new Date('nope') }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /at/,
  },
  {
    name: 'rows: NaN in a float64 column',
    run: () => pushRows([{ ...good, amount: Number.NaN }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /amount/,
  },
  {
    name: 'rows: Infinity in a float64 column',
    run: () => pushRows([{ ...good, amount: Number.POSITIVE_INFINITY }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /amount/,
  },
  {
    name: 'rows: string for a bool',
    run: () => pushRows([{ ...good, flag: 'yes' }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /flag/,
  },
  {
    name: 'rows: null in a non-nullable column',
    run: () => pushRows([{ ...good, name: null }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /name/,
  },
  {
    name: 'rows: a required column missing',
    run: () => pushRows([{ id: 11n }]),
    code: 'PAYLOAD_VALUE_INVALID',
    message: /name/,
  },
  {
    name: 'rows: a row that is not an object',
    run: () => pushRows([good, 42]),
    code: 'PAYLOAD_ROW_INVALID',
    message: /row 1/,
  },
  {
    name: 'rows: duplicate keys in an upsert',
    run: () => pushRows([good, { ...good, name: 'again' }]),
    code: 'PAYLOAD_DUPLICATE_KEYS',
    message: /"id":"10".*rows 0, 1/,
  },
  {
    name: 'rows: one row larger than the file limit',
    // Random bytes as base64: incompressible, so the encoded row really is bigger than the 1 MB file limit.
    run: () =>
      pushRows([good, { ...good, id: 11n, name: randomBytes(1_500_000).toString('base64') }], { maxSizeInMb: 1 }),
    code: 'PAYLOAD_ROW_TOO_LARGE',
    message: /row 1/,
  },
  {
    name: 'rows: empty input for a replace',
    run: () =>
      pushChanges({
        client,
        datasource: { name: 'People' },
        batch: batch().replace({ source: changes, target: people }),
        rows: { changes: [] },
      }),
    code: 'PLAN_EMPTY_REPLACE',
    message: /changes/,
  },
  {
    name: 'rows: given for a table no action reads',
    run: () => pushRows([good], { rows: { changes: [good], other: [] } }),
    code: 'PLAN_INPUT_INVALID',
    message: /other/,
  },
  {
    name: 'rows: missing for a source table',
    run: () => pushChanges({ client, datasource: { name: 'People' }, batch: upsert() }),
    code: 'PLAN_INPUT_MISSING',
    message: /changes/,
  },
  {
    name: 'rows: not iterable',
    run: () => pushRows(12345),
    code: 'PAYLOAD_INPUT_INVALID',
    message: /changes|iterable/,
  },
  // ── wire JSON ──
  {
    name: 'wire: malformed JSON batch',
    run: async () => parseActions('{"actions": [ {"action": "insert", '),
    code: 'WIRE_INVALID',
    message: /JSON/i,
  },
  {
    name: 'wire: unknown action kind',
    run: async () => parseActions({ actions: [{ action: 'merge', 'target-table': 'Extract' }] }),
    code: 'WIRE_INVALID',
    message: /actions\[0\]\.action/,
  },
  {
    name: 'wire: upsert without a condition, through the client',
    run: () => job(wireUpsert({ condition: undefined })),
    code: 'WIRE_INVALID',
    message: /actions\[0\]/,
  },
  // ── client and server lookups ──
  {
    name: 'client: wrong PAT secret',
    run: () => TableauClient.signIn({ server: fx.emu.url, auth: { personalAccessToken: { ...PAT, secret: 'wrong' } } }),
    code: 'AUTH_FAILED',
    message: /sign-in|credentials|401/i,
  },
  {
    name: 'client: wrong password',
    run: () => TableauClient.signIn({ server: fx.emu.url, auth: { password: { ...PASSWORD, password: 'wrong' } } }),
    code: 'AUTH_FAILED',
    message: /sign-in|credentials|401/i,
  },
  {
    name: 'client: unknown data source name',
    run: () => pushChanges({ client, datasource: { name: 'Nope' }, batch: upsert(), rows: { changes: [good] } }),
    code: 'DATASOURCE_NOT_FOUND',
    message: /Nope/,
  },
  {
    name: 'client: unknown data source id',
    run: () =>
      pushChanges({
        client,
        datasource: { id: '00000000-0000-0000-0000-000000000000' },
        batch: upsert(),
        rows: { changes: [good] },
      }),
    code: 'DATASOURCE_NOT_FOUND',
    message: /00000000-0000-0000-0000-000000000000/,
  },
  {
    name: 'client: several connections and no connection id',
    run: () => pushChanges({ client, datasource: { name: 'Multi' }, batch: upsert(), rows: { changes: [good] } }),
    code: 'CONNECTION_REQUIRED',
    message: /connection/,
  },
  {
    name: 'client: a connection id the data source does not have',
    run: () =>
      pushChanges({
        client,
        datasource: { name: 'Multi' },
        connection: 'not-a-connection',
        batch: upsert(),
        rows: { changes: [good] },
      }),
    code: 'CONNECTION_NOT_FOUND',
    message: /not-a-connection/,
  },
  // ── emulator (server side) ──
  {
    name: 'emulator: PATCH body that is not JSON',
    run: () => rawPatch('{"actions": ['),
    code: '400000',
    message: /JSON/,
    clientSide: false,
  },
  {
    name: 'emulator: PATCH without a RequestID',
    run: () => rawPatch(JSON.stringify(wireUpsert({})), {}),
    code: '400008',
    message: /RequestID/,
    clientSide: false,
  },
  {
    name: 'emulator: PATCH with an invalid action',
    run: () => rawPatch(JSON.stringify({ actions: [{ action: 'explode' }] })),
    code: '400008',
    message: /actions\[0\]\.action/,
    clientSide: false,
  },
  {
    name: 'emulator: job on a target table that does not exist',
    run: () => job(wireUpsert({ 'target-table': 'Nope' })),
    code: 'JOB_FAILED',
    message: /Nope/,
    clientSide: false,
  },
  {
    name: 'emulator: job on a column the target does not have',
    run: () => job(wireUpsert({ condition: { op: 'eq', 'source-col': 'id', 'target-col': 'missing_col' } })),
    code: 'JOB_FAILED',
    message: /missing_col/,
    clientSide: false,
  },
  {
    name: 'emulator: job reading a column the payload does not have',
    run: () => job(wireUpsert({ condition: { op: 'eq', 'source-col': 'elsewhere', 'target-col': 'id' } })),
    code: 'JOB_FAILED',
    message: /elsewhere/,
    clientSide: false,
  },
  // ── CLI ──
  {
    name: 'cli: ndjson with an invalid int64 on line 2',
    run: () =>
      cliPush(
        'bad.ndjson',
        '{"id":"1","name":"a","amount":null,"at":null,"flag":null,"qty":null}\n{"id":"1x","name":"b","amount":null,"at":null,"flag":null,"qty":null}\n',
      ),
    code: 'INPUT_INVALID',
    message: /bad\.ndjson:2: column "id"/,
    exit: 3,
  },
  {
    name: 'cli: ndjson line that is not JSON',
    run: () =>
      cliPush(
        'broken.ndjson',
        '{"id":"1","name":"a","amount":null,"at":null,"flag":null,"qty":null}\n{"id": 2, "name": \n',
      ),
    code: 'INPUT_INVALID',
    message: /broken\.ndjson:2/,
    exit: 3,
  },
  {
    name: 'cli: csv with a non-numeric amount',
    run: () => cliPush('bad.csv', 'id,name,amount,at,flag,qty\n1,a,1.5,,,\n2,b,lots,,,\n'),
    code: 'INPUT_INVALID',
    message: /bad\.csv:3: column "amount"/,
    exit: 3,
  },
  {
    name: 'cli: malformed batch JSON file',
    run: async () =>
      cli([
        'push',
        '--batch',
        await file('broken.json', '{"actions": ['),
        '--datasource',
        'People',
        '--input',
        'changes=x.csv',
      ]),
    code: 'INPUT_INVALID',
    message: /broken\.json:1:\d+: malformed JSON/,
    exit: 3,
  },
  {
    name: 'cli: wrong credentials',
    run: () =>
      cliPush('ok.ndjson', '{"id":"1","name":"a","amount":null,"at":null,"flag":null,"qty":null}\n', [], {
        TABLEAU_PAT_SECRET: 'wrong-secret',
      }),
    code: 'AUTH_FAILED',
    message: /sign-in|credentials|401/i,
    exit: 4,
  },
  {
    name: 'cli: unknown data source',
    run: async () =>
      cli([
        'push',
        '--batch',
        await file('upsert.json', upsertJson),
        '--schema',
        await file('schema.json', schemaJson),
        '--input',
        `changes=${await file('one.ndjson', '{"id":"77","name":"z","amount":null,"at":null,"flag":null,"qty":null}\n')}`,
        '--datasource',
        'NoSuchSource',
      ]),
    code: 'DATASOURCE_NOT_FOUND',
    message: /NoSuchSource/,
    exit: 4,
  },
  {
    name: 'cli: schema file with an unknown type',
    run: async () =>
      cli([
        'push',
        '--batch',
        await file('upsert.json', upsertJson),
        '--schema',
        await file('bad-schema.json', JSON.stringify({ changes: { id: 'int128' } })),
        '--input',
        `changes=${await file('one.ndjson', '{"id":"77"}\n')}`,
        '--datasource',
        'People',
      ]),
    code: 'INPUT_INVALID',
    message: /changes\.id.*int128/,
    exit: 3,
  },
]

describe('bad input: a typed error naming the culprit, and nothing written', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
  })

  it.each(cases)('$name', async (c) => {
    const before = await snapshot()
    const patchesBefore = patches
    const error = await c.run().then(
      (value) => ({ notThrown: value }),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    const e = error as HyperdeltaError & { exit?: number }
    expect(e.code, e.message).toBe(c.code)
    expect(e.message).toMatch(c.message)
    if (c.exit !== undefined) expect(e.exit).toBe(c.exit)
    if (c.clientSide !== false) expect(patches - patchesBefore, 'a PATCH was sent').toBe(0)
    expect(await snapshot()).toEqual(before)
  })
})
