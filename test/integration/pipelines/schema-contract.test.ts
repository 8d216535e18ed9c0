import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { diffSnapshots, loadParquetFiles, runNightlyCdc } from '../../../pipelines/index.js'
import { decimal, defineTable, float64, int64, isHyperdeltaError, timestamp } from '../../../src/index.js'
import { type Fixture, startFixture } from '../plan/emulator-fixture.js'

// One rule from publish to update: Parquet as DuckDB writes it by default (TIMESTAMP without time zone,
// DECIMAL(p, s)) published on run 1 and updated on run 2 keeps the same types, and the table is exact after each.
let fx: Fixture
beforeEach(async () => {
  fx = await startFixture()
})
afterEach(async () => {
  await fx.close()
})

/** A DuckDB-default Parquet file of `n` rows starting at `from` (its `version` changes the values). */
async function duckdbParquet(path: string, from: number, n: number, version: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    await c.run(
      `COPY (SELECT i::BIGINT AS id,
         (TIMESTAMP '2024-05-01 10:30:00.123456' + to_microseconds(i * 1000003 + ${version})) AS updated_at,
         CAST(CAST('1234567890123456789.' || (i % 10) AS DECIMAL(21,1)) + ${version} AS DECIMAL(21,1)) AS amount,
         CAST(i / 4 AS DECIMAL(10,2)) AS price
       FROM range(${from}, ${from + n}) t(i)) TO '${path}' (FORMAT parquet)`,
    )
  } finally {
    c.closeSync()
    db.closeSync()
  }
}

/** What the file holds, as text (exact): the expected table. */
async function fileText(path: string): Promise<string[][]> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    const r = await c.runAndReadAll(
      `SELECT id::VARCHAR, updated_at::VARCHAR, amount::VARCHAR, price::VARCHAR FROM read_parquet('${path}') ORDER BY id`,
    )
    return r.getRows().map((row) => row.map(String))
  } finally {
    c.closeSync()
    db.closeSync()
  }
}

async function tableText(ds: string): Promise<string[][]> {
  const rows = await fx.emu.query(
    `SELECT id::VARCHAR AS a, updated_at::VARCHAR AS b, amount::VARCHAR AS c, price::VARCHAR AS d FROM "${ds}"."Extract"."Extract" ORDER BY id`,
  )
  return rows.map((r) => [r['a'], r['b'], r['c'], r['d']].map(String))
}

async function tableTypes(ds: string): Promise<string[]> {
  const rows = await fx.emu.query(`SELECT column_type FROM (DESCRIBE "${ds}"."Extract"."Extract")`)
  return rows.map((r) => String(r['column_type']))
}

const DECLARED_TYPES = ['BIGINT', 'TIMESTAMP', 'DECIMAL(21,1)', 'DECIMAL(10,2)']

describe('one schema contract from publish to update', () => {
  it('loader replace + createIfMissing twice over DuckDB-default Parquet: both runs succeed, table exact', async () => {
    const file = join(fx.dir, 'in', 'orders.parquet')
    for (const [run, from] of [
      [1, 0],
      [2, 50],
    ] as const) {
      await duckdbParquet(file, from, 120, run)
      const report = await loadParquetFiles({
        client: fx.client,
        datasource: { name: 'Orders' },
        files: join(fx.dir, 'in'),
        mode: 'replace',
        createIfMissing: true,
      })
      expect(report.outcome).toBe('succeeded')
      // Run 1 publishes, run 2 is a Hyper Update replace: the same types either way.
      expect(report.requests.length).toBe(run === 1 ? 0 : 1)
      expect(await tableTypes('Orders')).toEqual(DECLARED_TYPES)
      expect(await tableText('Orders')).toEqual(await fileText(file))
    }
  })

  it('loader replace larger than one payload is an overwrite publish of the same types, then updates still apply', async () => {
    const file = join(fx.dir, 'in', 'orders.parquet')
    await duckdbParquet(file, 0, 20, 1)
    await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Orders' },
      files: join(fx.dir, 'in'),
      mode: 'replace',
      createIfMissing: true,
    })
    await duckdbParquet(file, 0, 30_000, 2)
    const big = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Orders' },
      files: join(fx.dir, 'in'),
      mode: 'replace',
      maxSizeInMb: 0.1,
    })
    expect(big.requests).toEqual([])
    expect(await tableTypes('Orders')).toEqual(DECLARED_TYPES)
    await duckdbParquet(file, 7, 40, 3)
    const small = await loadParquetFiles({
      client: fx.client,
      datasource: { name: 'Orders' },
      files: join(fx.dir, 'in'),
      mode: 'replace',
    })
    expect(small.requests.length).toBe(1)
    expect(await tableText('Orders')).toEqual(await fileText(file))
  })

  it('nightly CDC createIfMissing publishes night 1 with the declared types; night 2 applies', async () => {
    const orders = defineTable(
      { schema: 'Extract', name: 'Extract' },
      {
        id: int64(),
        updated_at: timestamp({ timeZone: false }),
        amount: decimal(21, 1),
        price: decimal(10, 2),
      },
    )
    const day0 = join(fx.dir, 'snap', 'day0.parquet')
    const day1 = join(fx.dir, 'snap', 'day1.parquet')
    const day2 = join(fx.dir, 'snap', 'day2.parquet')
    await duckdbParquet(day0, 0, 100, 1)
    await duckdbParquet(day1, 10, 100, 2)
    await duckdbParquet(day2, 20, 100, 3)
    for (const [previous, current] of [
      [day0, day1],
      [day1, day2],
    ] as const) {
      const report = await runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Nightly' },
        table: orders,
        keys: ['id'],
        name: 'nightly',
        source: { snapshots: { previous, current } },
        createIfMissing: true,
        dir: join(fx.dir, 'state'),
      })
      expect(report.push.outcome).toBe('succeeded')
      expect(await tableTypes('Nightly')).toEqual(DECLARED_TYPES)
      expect(await tableText('Nightly')).toEqual(await fileText(current))
    }
  })

  it('an empty first snapshot publishes an empty table of the declared types', async () => {
    const orders = defineTable(
      { schema: 'Extract', name: 'Extract' },
      { id: int64(), updated_at: timestamp({ timeZone: false }), amount: decimal(21, 1), price: decimal(10, 2) },
    )
    const day0 = join(fx.dir, 'snap', 'empty.parquet')
    const day1 = join(fx.dir, 'snap', 'day1.parquet')
    await duckdbParquet(day0, 0, 0, 1)
    await duckdbParquet(day1, 0, 10, 1)
    const report = await runNightlyCdc({
      client: fx.client,
      datasource: { name: 'Empty' },
      table: orders,
      keys: ['id'],
      name: 'empty',
      source: { snapshots: { previous: day0, current: day1 } },
      createIfMissing: true,
      dir: join(fx.dir, 'state'),
    })
    expect(report.push.outcome).toBe('succeeded')
    expect(await tableTypes('Empty')).toEqual(DECLARED_TYPES)
    expect(await tableText('Empty')).toEqual(await fileText(day1))
  })

  it('loader and diff refuse a DECIMAL(21, 1) into a float64 column with the same words, before any upload', async () => {
    const file = join(fx.dir, 'in', 'orders.parquet')
    await duckdbParquet(file, 0, 5, 1)
    const asFloat = defineTable(
      { schema: 'Extract', name: 'Extract' },
      { id: int64(), updated_at: timestamp({ timeZone: false }), amount: float64(), price: decimal(10, 2) },
    )
    await fx.emu.createDatasource({ name: 'Orders', table: asFloat, rows: [] })
    const messages: string[] = []
    for (const attempt of [
      () =>
        loadParquetFiles({
          client: fx.client,
          datasource: { name: 'Orders' },
          files: file,
          mode: 'insert',
          target: asFloat,
        }),
      () =>
        loadParquetFiles({
          client: fx.client,
          datasource: { name: 'Fresh' },
          files: file,
          mode: 'insert',
          target: asFloat,
          createIfMissing: true,
        }),
      () => diffSnapshots(asFloat, ['id'], file, file),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isHyperdeltaError(error)).toBe(true)
      messages.push((error as Error).message)
    }
    const refusal =
      'column "amount" is DECIMAL(21, 1), which a float64 column cannot take exactly; declare it decimal(21, 1) to take it as it is'
    for (const m of messages) expect(m).toContain(refusal)
    // Nothing was published for the refused createIfMissing.
    await expect(fx.client.findDatasource({ name: 'Fresh' })).rejects.toThrow()
  })

  it('a key that is not a column of the table is refused at run time, before anything is read or sent', async () => {
    const file = join(fx.dir, 'in', 'orders.parquet')
    await duckdbParquet(file, 0, 5, 1)
    const keys = ['idd'] as unknown as readonly [string]
    await expect(
      loadParquetFiles({ client: fx.client, datasource: { name: 'Orders' }, files: file, mode: 'upsert', keys }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"idd" is not a column of Extract'),
    })
    const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64() })
    await expect(
      runNightlyCdc({
        client: fx.client,
        datasource: { name: 'Orders' },
        table: orders,
        keys: keys as never,
        name: 'n',
        source: { snapshots: { previous: file, current: file } },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    await expect(fx.client.findDatasource({ name: 'Orders' })).rejects.toThrow()
  })
})
