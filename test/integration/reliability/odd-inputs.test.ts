import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  batch,
  date,
  defineTable,
  fromParquet,
  int64,
  isHyperdeltaError,
  pushChanges,
  tableFromParquet,
  text,
} from '../../../src/index.js'
import { call, parquetOf, type Signed } from '../emulator/helpers.js'
import { type Fixture, PASSWORD, startFixture } from './helpers.js'

// Smaller edges, same standard: Parquet DECIMAL(p, 0) into int64 read exactly (or refused saying
// why), invalid Parquet published to the emulator is a 400 (400011), odd column names work from the
// builder to the emulator's SQL, and dates follow the proleptic Gregorian calendar.

let fx: Fixture
let s: Signed
let counter = 0
beforeAll(async () => {
  fx = await startFixture()
  const r = await call(`${fx.emu.url}/api/3.24/auth/signin`, {
    method: 'POST',
    // A password session: the PAT allows one session at a time, and the pushes below use it.
    body: `<tsRequest><credentials name="${PASSWORD.username}" password="${PASSWORD.password}"><site contentUrl="" /></credentials></tsRequest>`,
  })
  const c = r.xml.tsResponse.credentials
  s = {
    token: c['@token'],
    siteId: c.site['@id'],
    userId: c.user['@id'],
    base: `${fx.emu.url}/api/3.24/sites/${c.site['@id']}`,
    auth: { 'x-tableau-auth': c['@token'] },
  }
})
afterAll(async () => {
  await fx.close()
})

async function push(name: string, options: Omit<Parameters<typeof pushChanges>[0], 'client' | 'datasource'>) {
  const client = await fx.signIn()
  try {
    return await pushChanges({ client, datasource: { name }, ...options })
  } finally {
    await client.close()
  }
}

const numbers = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), n: int64({ nullable: true }) })

describe('Parquet DECIMAL input for int64 columns', () => {
  it('DECIMAL(18, 0) and DECIMAL(38, 0) values beyond 2^53 are pushed exactly', async () => {
    const file = await parquetOf(
      fx.dir,
      'decimals',
      `SELECT * FROM (VALUES (1::DECIMAL(18,0), 9007199254740993::DECIMAL(38,0)),
        (2::DECIMAL(18,0), (-9223372036854775808)::DECIMAL(38,0)), (3::DECIMAL(18,0), 9223372036854775807::DECIMAL(38,0)),
        (999999999999999999::DECIMAL(18,0), NULL)) AS v(id, n)`,
    )
    const name = `Numbers${++counter}`
    await fx.emu.createDatasource({ name, table: numbers, rows: [] })
    const report = await push(name, {
      batch: batch().insert({ source: numbers.as('changes'), target: numbers }),
      rows: { changes: fromParquet(file) },
    })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(await fx.emu.query(`SELECT id, n FROM "${name}"."Extract"."Extract" ORDER BY id`)).toEqual([
      { id: 1n, n: 9007199254740993n },
      { id: 2n, n: -9223372036854775808n },
      { id: 3n, n: 9223372036854775807n },
      { id: 999999999999999999n, n: null },
    ])
    // tableFromParquet maps each DECIMAL(p, s) to its own decimal(p, s): what a publish of the file creates.
    const read = await tableFromParquet(file, { name: 'c' })
    expect(read.columns.id).toMatchObject({ kind: 'decimal', precision: 18, scale: 0 })
    expect(read.columns.n).toMatchObject({ kind: 'decimal', precision: 38, scale: 0, nullable: true })
  })

  it('refuses a DECIMAL with fractional digits and a DECIMAL(38, 0) value outside int64, naming column and row', async () => {
    const name = `Numbers${++counter}`
    await fx.emu.createDatasource({ name, table: numbers, rows: [{ id: 7n, n: 7n }] })
    const scaled = await parquetOf(fx.dir, 'scaled', 'SELECT 1::BIGINT AS id, 12.50::DECIMAL(10,2) AS n')
    const e1 = await push(name, {
      batch: batch().insert({ source: numbers.as('changes'), target: numbers }),
      rows: { changes: fromParquet(scaled) },
    }).catch((e: unknown) => e)
    expect(isHyperdeltaError(e1)).toBe(true)
    expect((e1 as Error).message).toMatch(
      /column "n" is DECIMAL\(10, 2\), which an int64 column cannot take exactly; declare it decimal\(10, 2\)/,
    )
    const huge = await parquetOf(
      fx.dir,
      'huge',
      'SELECT * FROM (VALUES (1::BIGINT, 5::DECIMAL(38,0)), (2::BIGINT, 99999999999999999999::DECIMAL(38,0))) v(id, n)',
    )
    const e2 = await push(name, {
      batch: batch().insert({ source: numbers.as('changes'), target: numbers }),
      rows: { changes: fromParquet(huge) },
    }).catch((e: unknown) => e)
    expect((e2 as Error).message).toMatch(/changes\.n, row 1: 99999999999999999999n? is outside int64/)
    expect(await fx.emu.query(`SELECT id, n FROM "${name}"."Extract"."Extract"`)).toEqual([{ id: 7n, n: 7n }])
  })
})

describe('publishing an invalid Parquet file to the emulator', () => {
  const B = 'oddinputsboundary'
  const publish = (file: Buffer, name: string, overwrite = false) =>
    call(`${s.base}/datasources${overwrite ? '?overwrite=true' : ''}`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': `multipart/mixed; boundary=${B}` },
      body: Buffer.concat([
        Buffer.from(
          `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n<tsRequest><datasource name="${name}"/></tsRequest>` +
            `\r\n--${B}\r\nContent-Disposition: name="tableau_datasource"; filename="data.parquet"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${B}--\r\n`),
      ]),
    })

  it('answers 400 (400011) for magic bytes around garbage and for a truncated file; an overwrite keeps the old data', async () => {
    const good = await readFile(await parquetOf(fx.dir, 'good', 'SELECT range AS id FROM range(3)'))
    expect((await publish(good, 'Pub')).status).toBe(201)
    const garbage = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')])
    const truncated = Buffer.concat([good.subarray(0, good.length - 40), good.subarray(good.length - 8)])
    for (const bad of [garbage, truncated]) {
      for (const [name, overwrite] of [
        ['PubNew', false],
        ['Pub', true],
      ] as const) {
        const r = await publish(bad, name, overwrite)
        expect(r.status).toBe(400)
        expect(r.xml.tsResponse.error['@code']).toBe('400011')
        expect(r.xml.tsResponse.error.detail).toMatch(/not a readable Parquet file/)
      }
    }
    expect(await fx.emu.query('SELECT count(*) AS n FROM "Pub"."Extract"."Extract"')).toEqual([{ n: 3n }])
  })
})

describe('odd column names work everywhere', () => {
  const odd = ['__proto__', 'constructor', 'toString', 'a b', 'q"uote', "it's", 'ünï ✓', ' ', 'hasOwnProperty'] as const
  const columns = Object.fromEntries([['id', int64()], ...odd.map((c) => [c, text({ nullable: true })])])
  const table = defineTable({ schema: 'Extract', name: 'Extract' }, columns)
  const row = (id: number, tag: string) =>
    Object.fromEntries([['id', BigInt(id)], ...odd.map((c, i) => [c, `${tag}${i}`])]) as Record<string, unknown>
  const sql = (name: string) =>
    // Aliased: DuckDB's row objects are built by assignment, which a "__proto__" key does not survive.
    `SELECT ${['id', ...odd].map((c, i) => `"${c.replace(/"/g, '""')}" AS c${i}`).join(', ')} FROM "${name}"."Extract"."Extract" ORDER BY id`

  it('upsert from rows and from Parquet, then delete on a pick of odd key columns; read back exactly', async () => {
    expect(table.columnNames).toEqual(['id', ...odd])
    expect(table.pick('__proto__').columnNames).toEqual(['__proto__'])
    const name = `Odd${++counter}`
    await fx.emu.createDatasource({ name, table, rows: [row(1, 'old'), row(2, 'old')] })
    const changes = table.as('changes')
    const fromRows = await push(name, {
      batch: batch().upsert({ source: changes, target: table, on: ['id', '__proto__'] }),
      rows: { changes: [row(1, 'old'), row(3, 'new')].map((r, i) => (i === 0 ? { ...r, toString: 'changed' } : r)) },
    })
    expect(fromRows.requests.map((r) => r.outcome)).toEqual(['applied'])
    // The same columns from a Parquet file written by DuckDB.
    const file = join(fx.dir, 'odd.parquet')
    await writeFile(join(fx.dir, 'odd.ndjson'), `${JSON.stringify({ ...row(4, 'pq'), id: 4 })}\n`)
    const pq = await parquetOf(
      fx.dir,
      'odd',
      `SELECT * FROM read_json('${join(fx.dir, 'odd.ndjson')}', columns = {${['id', ...odd].map((c) => `'${c.replace(/'/g, "''")}': '${c === 'id' ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}})`,
    )
    expect(pq).toBe(file)
    const fromFile = await push(name, {
      batch: batch().insert({ source: changes, target: table }),
      rows: { changes: fromParquet(file) },
    })
    expect(fromFile.requests.map((r) => r.outcome)).toEqual(['applied'])
    const keys = table.pick('id', '__proto__', 'q"uote').as('gone')
    const deleted = await push(name, {
      batch: batch().delete({ source: keys, target: table, on: ['id', '__proto__', 'q"uote'] }),
      rows: {
        gone: [
          Object.fromEntries([
            ['id', 2n],
            ['__proto__', 'old0'],
            ['q"uote', 'old4'],
          ]),
        ],
      },
    })
    expect(deleted.requests.map((r) => r.outcome)).toEqual(['applied'])
    const expected = [{ ...row(1, 'old'), toString: 'changed' }, row(3, 'new'), row(4, 'pq')]
    const back = await fx.emu.query(sql(name))
    expect(back.map((r) => Object.values(r))).toEqual(expected.map((r) => ['id', ...odd].map((c) => r[c])))
  })
})

describe('dates follow the proleptic Gregorian calendar end to end', () => {
  it('0000-02-29, 0000-01-01 and 9999-12-31 are pushed and read back exactly; 0100-02-29 is refused', async () => {
    const days = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), d: date() })
    const name = `Days${++counter}`
    await fx.emu.createDatasource({ name, table: days, rows: [{ id: 0n, d: '0000-03-01' }] })
    const values = ['0000-02-29', '0000-01-01', '0004-02-29', '1582-10-10', '9999-12-31']
    const report = await push(name, {
      batch: batch().insert({ source: days.as('changes'), target: days }),
      rows: { changes: values.map((d, i) => ({ id: BigInt(i + 1), d })) },
    })
    expect(report.requests.map((r) => r.outcome)).toEqual(['applied'])
    expect(
      await fx.emu.query(`SELECT id, strftime(d, '%Y-%m-%d') AS d FROM "${name}"."Extract"."Extract" ORDER BY id`),
    ).toEqual([{ id: 0n, d: '0000-03-01' }, ...values.map((d, i) => ({ id: BigInt(i + 1), d }))])
    const refused = await push(name, {
      batch: batch().insert({ source: days.as('changes'), target: days }),
      rows: { changes: [{ id: 9n, d: '0100-02-29' }] },
    }).catch((e: unknown) => e)
    expect((refused as Error).message).toMatch(/"0100-02-29" is not a valid date/)
  })
})
