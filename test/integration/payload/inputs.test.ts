import { readFile, writeFile } from 'node:fs/promises'
import * as arrow from 'apache-arrow'
import { parquetWriteFile } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import {
  bool,
  date,
  defineTable,
  fromParquet,
  int64,
  isHyperdeltaError,
  readParquetRows,
  tableFromParquet,
  text,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { parquetRowCount } from '../../../src/internal.js'
import { readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { tempDir } from './fixtures.js'

const table = defineTable(
  { name: 'changes' },
  {
    id: int64(),
    name: text({ nullable: true }),
    day: date({ nullable: true }),
    at: timestamp({ nullable: true }),
    ok: bool(),
  },
)

const expected = [
  { id: -(2n ** 63n), name: '日本 😀', day: -1, at: -1n, ok: true },
  { id: 2n ** 53n + 1n, name: null, day: null, at: 1700000000123456n, ok: false },
  { id: 3n, name: '', day: 19000, at: null, ok: true },
]

function arrowTable() {
  const n = expected.length
  const at = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: n,
    nullCount: 1,
    nullBitmap: new Uint8Array([0b011]),
    data: new BigInt64Array([-1n, 1700000000123456n, 0n]),
  })
  return new arrow.Table({
    id: arrow.makeVector(new BigInt64Array(expected.map((r) => r.id))),
    name: arrow.vectorFromArray(
      expected.map((r) => r.name),
      new arrow.Utf8(),
    ),
    day: arrow.vectorFromArray(
      expected.map((r) => (r.day === null ? null : new Date(r.day * 86_400_000))),
      new arrow.DateDay(),
    ),
    at: arrow.makeVector(at),
    ok: arrow.vectorFromArray(
      expected.map((r) => r.ok),
      new arrow.Bool(),
    ),
  })
}

async function packaged(rows: Parameters<typeof writeChangeFiles>[1]) {
  const files = await writeChangeFiles(table, rows)
  const paths = files.files.map((f) => f.path)
  const back = { duck: await readWithDuckDB(paths), hyparquet: await readWithHyparquet(paths) }
  await files.dispose()
  return back
}

describe('inputs', () => {
  it('async iterables of rows', async () => {
    async function* rows() {
      for (const r of expected) yield { ...r, day: r.day === null ? null : new Date(r.day * 86_400_000) }
    }
    expect(await packaged(rows())).toEqual({ duck: expected, hyparquet: expected })
  })

  it('async iterables yielding arrays of rows (pages), mixed with single rows, in order; a bad row named by its index', async () => {
    const objects = expected.map((r) => ({ ...r, day: r.day === null ? null : new Date(r.day * 86_400_000) }))
    async function* pages() {
      yield objects.slice(0, 2)
      yield []
      yield objects[2]!
      yield objects
    }
    const twice = [...expected, ...expected]
    expect(await packaged(pages())).toEqual({ duck: twice, hyparquet: twice })
    async function* bad() {
      yield objects
      yield [objects[0]!, { ...objects[1]!, ok: 'yes' }]
    }
    const error = await writeChangeFiles(table, bad()).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_VALUE_INVALID')).toBe(true)
    expect((error as { details: { row: number; column: string } }).details).toMatchObject({ row: 4, column: 'ok' })
  })

  it('apache-arrow Tables and RecordBatch iterables, microseconds exact', async () => {
    const t = arrowTable()
    expect(await packaged(t)).toEqual({ duck: expected, hyparquet: expected })
    expect(await packaged(t.batches)).toEqual({ duck: expected, hyparquet: expected })
    async function* batches() {
      yield* t.batches
    }
    expect(await packaged(batches())).toEqual({ duck: expected, hyparquet: expected })
  })

  it('an async iterable mixing row objects and RecordBatches keeps input order', async () => {
    // Row objects are collected before they are read; a batch arriving must not overtake them.
    const shifted = (by: bigint) => expected.map((r) => ({ ...r, id: r.id + by }))
    const objects = (by: bigint) =>
      shifted(by).map((r) => ({ ...r, day: r.day === null ? null : new Date(r.day * 86_400_000) }))
    async function* mixed() {
      yield* objects(1000n)
      yield* arrowTable().batches
      yield* objects(2000n)
    }
    const inOrder = [...shifted(1000n), ...expected, ...shifted(2000n)]
    expect(await packaged(mixed())).toEqual({ duck: inOrder, hyparquet: inOrder })
  })

  it('Parquet files on disk, read row group by row group, across several files', async () => {
    await using tmp = await tempDir()
    const first = await writeChangeFiles(
      table,
      expected.map((r) => ({ ...r, day: r.day === null ? null : new Date(r.day * 86_400_000) })),
      {
        dir: tmp.dir,
      },
    )
    const paths = [first.files[0]!.path, first.files[0]!.path]
    const back = await packaged(fromParquet(paths))
    expect(back.duck).toEqual([...expected, ...expected])
    expect(back.hyparquet).toEqual([...expected, ...expected])
    const rows = []
    for await (const row of readParquetRows(paths[0]!)) rows.push(row)
    expect(rows.map((r) => r.at)).toEqual(expected.map((r) => r.at))
  })

  it('Parquet input with an extra column is an error unless ignored; millisecond timestamps convert exactly', async () => {
    await using tmp = await tempDir()
    const filename = `${tmp.dir}/other.parquet`
    parquetWriteFile({
      filename,
      columnData: [
        { name: 'id', data: new BigInt64Array([1n]), type: 'INT64', nullable: false },
        { name: 'ok', data: [true], type: 'BOOLEAN', nullable: false },
        { name: 'extra', data: ['x'], type: 'STRING' },
        { name: 'name', data: [null], type: 'STRING' },
        { name: 'at', data: [new Date(Date.UTC(1960, 0, 1, 0, 0, 0, 5))], type: 'TIMESTAMP' },
      ],
    })
    // The file holds every column of `narrow` (hyparquet-writer has no DATE to write `day` with).
    const narrow = table.pick('id', 'name', 'at', 'ok')
    const error = await writeChangeFiles(narrow, fromParquet(filename)).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_COLUMN_UNKNOWN')).toBe(true)
    await using files = await writeChangeFiles(narrow, fromParquet(filename), { extraColumns: 'ignore' })
    expect(await readWithHyparquet(files.files[0]!.path)).toEqual([
      { id: 1n, name: null, at: BigInt(Date.UTC(1960, 0, 1, 0, 0, 0, 5)) * 1000n, ok: true },
    ])
  })

  it('a Parquet file or Arrow batch without a declared column is PAYLOAD_COLUMN_MISSING, never NULLs', async () => {
    await using tmp = await tempDir()
    const filename = `${tmp.dir}/no-name.parquet`
    parquetWriteFile({
      filename,
      columnData: [
        { name: 'id', data: new BigInt64Array([1n]), type: 'INT64', nullable: false },
        { name: 'ok', data: [true], type: 'BOOLEAN', nullable: false },
        { name: 'at', data: [null], type: 'TIMESTAMP' },
      ],
    })
    const narrow = table.pick('id', 'name', 'at', 'ok')
    for (const options of [{}, { extraColumns: 'ignore' as const }]) {
      const error = await writeChangeFiles(narrow, fromParquet(filename), options).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'PAYLOAD_COLUMN_MISSING',
        details: { table: 'changes', column: 'name', path: filename },
        message: expect.stringContaining(`${filename} has no column "name"`),
      })
    }
    const { name: _name, ...withoutName } = arrowTable().schema.fields.reduce(
      (o, f, j) => Object.assign(o, { [f.name]: arrowTable().getChildAt(j)! }),
      {} as Record<string, arrow.Vector>,
    )
    const arrowError = await writeChangeFiles(table, new arrow.Table(withoutName)).catch((e: unknown) => e)
    expect(arrowError).toMatchObject({ code: 'PAYLOAD_COLUMN_MISSING', details: { column: 'name' } })
  })

  it.each([
    ['text', 'id,name\n1,a\n', /not a Parquet file: the file does not start with the Parquet magic bytes PAR1/],
    ['short text', 'hello', /not a Parquet file: the file is 5 bytes long/],
    ['empty', '', /not a Parquet file: the file is empty \(0 bytes\)/],
    ['magic only', 'PAR1', /not a Parquet file: the file is 4 bytes long/],
    ['truncated', 'truncate', /does not end with the Parquet magic bytes PAR1 \(truncated\?\)/],
  ])(
    'a .parquet file that is not Parquet (%s) is PAYLOAD_PARQUET_INPUT naming it, in every reader',
    async (_name, content, message) => {
      await using tmp = await tempDir()
      const path = `${tmp.dir}/bad.parquet`
      if (content === 'truncate') {
        const good = await writeChangeFiles(table.pick('id', 'ok'), [{ id: 1n, ok: true }], { dir: tmp.dir })
        const bytes = await readFile(good.files[0]!.path)
        await writeFile(path, bytes.subarray(0, bytes.length - 10))
      } else await writeFile(path, content)
      const attempts = [
        () => writeChangeFiles(table, fromParquet(path)),
        () => tableFromParquet(path, { name: 'x' }),
        () => parquetRowCount(path),
        async () => {
          for await (const _ of readParquetRows(path));
        },
      ]
      for (const attempt of attempts) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toMatchObject({ code: 'PAYLOAD_PARQUET_INPUT', details: { path } })
        expect((error as Error).message).toContain(path)
        expect((error as Error).message).toMatch(message)
      }
    },
  )

  it('a missing Parquet file is a typed error', async () => {
    const error = await writeChangeFiles(table, fromParquet('/nonexistent/x.parquet')).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_PARQUET_INPUT')).toBe(true)
  })
})
