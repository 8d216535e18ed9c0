import { describe, expect, it } from 'vitest'
import { parquetFormat } from '../../../src/format.js'
import {
  bool,
  date,
  defineTable,
  float64,
  type HyperdeltaError,
  int32,
  int64,
  isHyperdeltaError,
  text,
  timestamp,
  writeChangeFiles,
} from '../../../src/index.js'
import { filesIn, tempDir } from '../../integration/payload/fixtures.js'

const table = defineTable(
  { name: 'changes' },
  {
    id: int64(),
    qty: int32({ nullable: true }),
    price: float64({ nullable: true }),
    name: text({ nullable: true }),
    ok: bool({ nullable: true }),
    day: date({ nullable: true }),
    at: timestamp({ nullable: true }),
  },
)

async function failure(rows: unknown[], options = {}): Promise<HyperdeltaError> {
  await using tmp = await tempDir()
  // Valid rows first, so files exist before the error and must be cleaned up.
  const valid = Array.from({ length: 3 }, (_, i) => ({ id: BigInt(i) }))
  const error = await writeChangeFiles(table, [...valid, ...rows] as object[], {
    dir: tmp.dir,
    maxBytes: 2048,
    ...options,
  }).catch((e: unknown) => e)
  expect(isHyperdeltaError(error)).toBe(true)
  expect(await filesIn(tmp.dir)).toEqual([])
  return error as HyperdeltaError
}

const badValues: [column: string, value: unknown, reason: RegExp][] = [
  ['id', '1', /expected bigint or integer number/],
  ['id', 2 ** 53, /not a safe integer/],
  ['id', 1.5, /not an integer/],
  ['id', 2n ** 63n, /outside int64/],
  ['id', null, /missing value/],
  ['id', undefined, /missing value/],
  ['qty', 2 ** 31, /outside int32/],
  ['qty', 1.5, /expected an integer/],
  ['qty', 1n, /expected an integer/],
  ['price', Number.NaN, /not finite/],
  ['price', Number.POSITIVE_INFINITY, /not finite/],
  ['price', '1.0', /expected a number/],
  ['name', 5, /expected a string/],
  ['ok', 1, /expected a boolean/],
  ['day', '2024-02-30', /not a valid date/],
  ['day', new Date(Date.UTC(2024, 0, 1, 12)), /not a valid date/],
  ['at', '2024-01-01T00:00:00', /not a valid timestamp/],
  ['at', new Date(Number.NaN), /not a valid timestamp/],
  ['at', 1700000000000, /expected a Date, bigint microseconds or ISO-8601 string/],
]

describe('bad input is a typed error naming column and row; nothing is kept', () => {
  for (const [column, value, reason] of badValues) {
    it(`${column} = ${typeof value === 'bigint' ? `${value}n` : String(value)}`, async () => {
      const row: Record<string, unknown> = { id: 99n, [column]: value }
      if (value === undefined) delete row[column]
      const error = await failure([row])
      expect(error.code).toBe('PAYLOAD_VALUE_INVALID')
      expect(error.details).toMatchObject({ table: 'changes', column, row: 3 })
      expect(error.message).toMatch(new RegExp(`^payload: changes\\.${column}, row 3: `))
      expect(error.message).toMatch(reason)
    })
  }

  it('an unknown extra column is an error by default, naming it', async () => {
    const error = await failure([{ id: 1n, colour: 'red' }])
    expect(error.code).toBe('PAYLOAD_COLUMN_UNKNOWN')
    expect(error.details).toMatchObject({ column: 'colour', row: 3 })
  })

  it("extraColumns: 'ignore' drops unknown columns", async () => {
    await using files = await writeChangeFiles(table, [{ id: 1n, colour: 'red' }], { extraColumns: 'ignore' })
    expect(files.rows).toBe(1)
  })

  it('a row that is not an object is an error naming its index', async () => {
    for (const row of [null, 5, 'x', [1]]) {
      const error = await failure([row])
      expect(error.code).toBe('PAYLOAD_ROW_INVALID')
      expect(error.details).toMatchObject({ row: 3 })
    }
  })

  it('an input that is not rows is an error', async () => {
    for (const input of [null, 42, 'rows', { id: 1n }]) {
      const error = await writeChangeFiles(table, input as never).catch((e: unknown) => e)
      expect(isHyperdeltaError(error, 'PAYLOAD_INPUT_INVALID')).toBe(true)
    }
  })

  it('bad options are errors', async () => {
    for (const options of [
      { maxBytes: 0 },
      { maxBytes: 1.5 },
      { maxSizeInMb: -1 },
      { maxSizeInMb: Number.NaN },
      { duplicateKeys: 'first' },
      { extraColumns: 'keep' },
      { keys: [] },
    ]) {
      const error = await writeChangeFiles(table, [{ id: 1n }], options as never).catch((e: unknown) => e)
      expect(isHyperdeltaError(error, 'PAYLOAD_OPTIONS_INVALID')).toBe(true)
    }
  })

  it('parquetFormat rejects a compressionThreads that is not a whole number ≥ 0, naming it', () => {
    for (const compressionThreads of [-1, 1.5, Number.NaN]) {
      let error: unknown
      try {
        parquetFormat({ compressionThreads })
      } catch (e) {
        error = e
      }
      expect(isHyperdeltaError(error, 'PAYLOAD_OPTIONS_INVALID')).toBe(true)
      expect((error as HyperdeltaError).message).toContain('compressionThreads')
    }
    expect(parquetFormat({ compressionThreads: 0 }).name).toBe('parquet')
  })

  it('parquetFormat rejects an unknown snappy implementation, naming it', () => {
    let error: unknown
    try {
      parquetFormat({ snappy: 'zstd' as never })
    } catch (e) {
      error = e
    }
    expect(isHyperdeltaError(error, 'PAYLOAD_OPTIONS_INVALID')).toBe(true)
    expect((error as HyperdeltaError).message).toContain("snappy must be 'auto', 'native' or 'js', got zstd")
  })

  it('a bad row of an endless async source is reported by its own index, and the source is closed', async () => {
    await using tmp = await tempDir()
    let pulled = 0
    let closed = false
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          pulled = i + 1
          yield i === 1000 ? { id: 'x' } : { id: BigInt(i) }
        }
      } finally {
        closed = true
      }
    }
    const error = await writeChangeFiles(table, endless(), { dir: tmp.dir }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_VALUE_INVALID')).toBe(true)
    expect((error as HyperdeltaError).details).toMatchObject({ column: 'id', row: 1000 })
    expect(closed).toBe(true)
    // Rows are read 256 at a time: the source is never pulled more than one chunk past the bad row.
    expect(pulled).toBeLessThanOrEqual(1000 + 256)
    expect(await filesIn(tmp.dir)).toEqual([])
  })

  it('an aborted signal stops packaging with PAYLOAD_ABORTED and removes the files', async () => {
    await using tmp = await tempDir()
    const controller = new AbortController()
    async function* rows() {
      for (let i = 0; i < 100_000; i++) {
        if (i === 50_000) controller.abort(new Error('stop'))
        yield { id: BigInt(i) }
      }
    }
    const error = await writeChangeFiles(table, rows(), {
      dir: tmp.dir,
      maxBytes: 16 * 1024,
      signal: controller.signal,
    }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_ABORTED')).toBe(true)
    expect((error as Error).cause).toEqual(new Error('stop'))
    expect(await filesIn(tmp.dir)).toEqual([])
  })
})
