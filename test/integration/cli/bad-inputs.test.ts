import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, type RouteName, startEmulator } from '../../../src/emulator/index.js'
import { date, defineTable, int64, text, timestamp, writeChangeFiles } from '../../../src/index.js'
import { runCliInProcess, spawnCli } from '../../helpers/spawn-cli.js'

// Inputs never silently become NULL, and a file that is not what its name says is bad input: `hyperdelta push`
// against the emulator exits 3 naming the file (and column), and nothing reaches the server but the sign-in.
const pat = { name: 'ci', secret: 's3cret-pat' }
const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    name: text({ nullable: true }),
    updated_at: timestamp({ nullable: true }),
    day: date({ nullable: true }),
  },
)
const ORIGINAL = [{ id: 1n, name: 'a', updated_at: '2026-01-01T00:00:00Z', day: '2026-01-01' }]
const WRITES: readonly RouteName[] = ['initiateUpload', 'appendUpload', 'updateData', 'updateConnectionData']
let emu: Emulator
let dir: string
const seen: RouteName[] = []
const f = (name: string) => join(dir, name)
const env = () => ({ TABLEAU_SERVER: emu.url, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-bad-inputs-'))
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
  await emu.createDatasource({ name: 'Orders', table: orders, rows: ORIGINAL })
  // Records every request the emulator serves (the predicate never matches, so nothing is faulted).
  emu.faults.respondWith({
    status: 503,
    route: (r) => {
      seen.push(r.route)
      return false
    },
  })
  const eq = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }
  const target = { 'target-schema': 'Extract', 'target-table': 'Extract' }
  await writeFile(
    f('batch.json'),
    JSON.stringify({
      actions: [
        { action: 'upsert', 'source-table': 'changes', ...target, condition: eq },
        { action: 'delete', 'source-table': 'gone', ...target, condition: eq },
      ],
    }),
  )
  await writeFile(
    f('upsert.json'),
    JSON.stringify({ actions: [{ action: 'upsert', 'source-table': 'changes', ...target, condition: eq }] }),
  )
  // A delete's source declares only the columns its condition reads, so its files hold only those.
  const changes = { id: 'int64', name: 'text?', updated_at: 'timestamp?', day: 'date?' }
  await writeFile(f('tables.json'), JSON.stringify({ changes, gone: { id: 'int64' } }))
  await writeFile(f('wide-gone.json'), JSON.stringify({ changes, gone: { id: 'int64', note: 'text?' } }))
  await writeFile(f('gone.csv'), 'id\n9\n')
  await writeFile(f('no-name.csv'), 'id,updated_at,day\n1,2026-02-01T00:00:00Z,2026-02-01\n')
  await writeFile(f('no-header.csv'), '')
  await writeFile(f('no-day.ndjson'), `${JSON.stringify({ id: '1', name: 'x', updated_at: null })}\n`)
  await writeFile(f('text.parquet'), 'id,name\n1,hello, this is CSV in a .parquet file\n')
  await writeFile(f('empty.parquet'), '')
  const good = await writeChangeFiles(orders.as('changes'), [{ ...ORIGINAL[0]!, name: 'b' }], { dir })
  const bytes = await readFile(good.files[0]!.path)
  await writeFile(f('truncated.parquet'), bytes.subarray(0, bytes.length - 20))
  await writeFile(f('good.parquet'), bytes)
  parquetWriteFile({
    filename: f('no-name.parquet'),
    columnData: [
      { name: 'id', data: new BigInt64Array([1n]), type: 'INT64', nullable: false },
      { name: 'updated_at', data: [new Date('2026-02-01T00:00:00Z')], type: 'TIMESTAMP' },
    ],
  })
})
afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

/** `inputs` as `<table>=<file in dir>`. */
const push = (batch: string, inputs: string[], schema: boolean | string = true) => [
  'push',
  '--batch',
  f(batch),
  ...(schema ? ['--schema', f(schema === true ? 'tables.json' : schema)] : []),
  ...inputs.flatMap((i) => ['--input', i.replace(/=(.*)$/, (_, name: string) => `=${f(name)}`)]),
  '--datasource',
  'Orders',
  '--quiet',
]

async function expectUntouched(): Promise<void> {
  expect(seen.filter((r) => WRITES.includes(r))).toEqual([])
  expect(await emu.query('SELECT id, name FROM "Orders"."Extract"."Extract" ORDER BY id')).toEqual([
    { id: 1n, name: 'a' },
  ])
}

describe('hyperdelta push with inputs that would become NULL or are not what they claim: exit 3, nothing sent', () => {
  const cases: [string, string[], boolean | string, RegExp][] = [
    [
      "a delete's source declared with a column its condition does not read (it would fail the job late)",
      ['changes=good.parquet', 'gone=gone.csv'],
      'wide-gone.json',
      /PLAN_INPUT_INVALID: .*source table "gone" may hold only the columns its condition reads; it also has "note"/,
    ],
    [
      'a CSV header without a declared column',
      ['changes=no-name.csv', 'gone=gone.csv'],
      true,
      /no-name\.csv:1: column "name" is missing from the header/,
    ],
    [
      'a CSV file without a header',
      ['changes=no-header.csv', 'gone=gone.csv'],
      true,
      /no-header\.csv:1: column "id" is missing from the header/,
    ],
    [
      'an NDJSON line without a declared column',
      ['changes=no-day.ndjson', 'gone=gone.csv'],
      true,
      /no-day\.ndjson:1: column "day" is missing from the object/,
    ],
    [
      'a Parquet file without a declared column',
      ['changes=no-name.parquet', 'gone=gone.csv'],
      true,
      /PAYLOAD_COLUMN_MISSING: .*no-name\.parquet has no column "name"/,
    ],
    [
      'a .parquet file holding text (schema from the file)',
      ['changes=text.parquet'],
      false,
      /text\.parquet: not a Parquet file: the file does not start with the Parquet magic bytes/,
    ],
    [
      'a .parquet file holding text (schema given)',
      ['changes=text.parquet', 'gone=gone.csv'],
      true,
      /text\.parquet: not a Parquet file/,
    ],
    [
      'an empty .parquet file',
      ['changes=empty.parquet'],
      false,
      /empty\.parquet: not a Parquet file: the file is empty/,
    ],
    [
      'a truncated .parquet file',
      ['changes=truncated.parquet'],
      false,
      /truncated\.parquet: not a Parquet file: the file does not end with the Parquet magic bytes PAR1/,
    ],
  ]
  it.each(cases)('%s', async (_name, inputs, schema, message) => {
    const batch = inputs.length === 1 ? 'upsert.json' : 'batch.json'
    const r = await runCliInProcess(push(batch, inputs, schema), env())
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/)
    expect(r.code).toBe(3)
    await expectUntouched()
  })

  it('as a real process too: exit 3 and one line', async () => {
    const r = await spawnCli(push('upsert.json', ['changes=text.parquet'], false), { env: env() })
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    await expectUntouched()
  }, 60_000)

  it("a delete's source file holds only its key; the upsert's every column: pushed", async () => {
    const r = await runCliInProcess(push('batch.json', ['changes=good.parquet', 'gone=gone.csv']), env())
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(await emu.query('SELECT id, name FROM "Orders"."Extract"."Extract" ORDER BY id')).toEqual([
      { id: 1n, name: 'b' },
    ])
    // The request recorder above saw this push: its empty lists in the refused cases mean something.
    expect(seen).toContain('updateData')
  })
})
