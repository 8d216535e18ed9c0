import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCsvRows, readNdjsonRows } from '../../../src/cli/text-inputs.js'
import { bool, defineTable, float64, int32, int64, text, timestamp } from '../../../src/index.js'

const table = defineTable(
  { name: 'changes' },
  {
    id: int64(),
    n: int32({ nullable: true }),
    x: float64({ nullable: true }),
    s: text({ nullable: true }),
    b: bool({ nullable: true }),
    at: timestamp({ nullable: true }),
  },
)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-cli-inputs-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function collect(gen: AsyncIterable<Record<string, unknown>>) {
  const rows: Record<string, unknown>[] = []
  for await (const row of gen) rows.push(row)
  return rows
}

describe('readCsvRows', () => {
  it('types values by column and tells NULL (unquoted empty) from the empty string (quoted)', async () => {
    const file = join(dir, 'a.csv')
    await writeFile(file, 'id,n,x,s,b,at\n9223372036854775807,-5,1.5e3,"",true,2020-01-01T00:00:00.000001Z\n1,,,,,\n')
    expect(await collect(readCsvRows(file, table))).toEqual([
      { id: 9223372036854775807n, n: -5, x: 1500, s: '', b: true, at: '2020-01-01T00:00:00.000001Z' },
      { id: 1n, n: null, x: null, s: null, b: null, at: null },
    ])
  })

  it.each([
    ['id', '1.5', /"1.5" is not an integer/],
    ['x', 'abc', /"abc" is not a number/],
    ['b', 'yes', /"yes" is not true or false/],
  ])('names file, line and column for a bad %s', async (column, value, message) => {
    const file = join(dir, `bad-${column}.csv`)
    const row = { id: '1', n: '', x: '', s: '', b: '', at: '', [column]: value }
    await writeFile(file, `id,n,x,s,b,at\n1,,,,,\n${Object.values(row).join(',')}\n`)
    await expect(collect(readCsvRows(file, table))).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(new RegExp(`bad-${column}.csv:3: column "${column}": `)),
    })
    await expect(collect(readCsvRows(file, table))).rejects.toThrow(message)
  })
})

describe('readNdjsonRows', () => {
  it('takes int64 as strings or safe integers and refuses precision already lost', async () => {
    const file = join(dir, 'a.ndjson')
    await writeFile(file, '{"id":"9007199254740993","s":"é"}\n\n{"id":42,"s":null}\n')
    expect(await collect(readNdjsonRows(file, table.pick('id', 's')))).toEqual([
      { id: 9007199254740993n, s: 'é' },
      { id: 42, s: null },
    ])
    await writeFile(file, '{"id":9007199254740993}\n')
    await expect(collect(readNdjsonRows(file, table.pick('id')))).rejects.toThrow(
      /a.ndjson:1: column "id": .*lost precision/,
    )
    await writeFile(file, '{"id":1}\n[1]\n')
    await expect(collect(readNdjsonRows(file, table.pick('id')))).rejects.toThrow(
      /a.ndjson:2:1: expected a JSON object/,
    )
    await writeFile(file, '{"id":1\n')
    await expect(collect(readNdjsonRows(file, table))).rejects.toThrow(/a.ndjson:1:8: malformed JSON: /)
  })
})

describe('a declared column the file lacks is bad input, never a column of NULLs', () => {
  it.each([
    [
      'CSV header without a nullable column',
      'h.csv',
      'id,n,x,s,b\n1,,,,,\n',
      /h\.csv:1: column "at" is missing from the header/,
    ],
    ['CSV header without the key', 'k.csv', 'n,x,s,b,at\n,,,,\n', /k\.csv:1: column "id" is missing from the header/],
    ['CSV file with no header line at all', 'e.csv', '', /e\.csv:1: column "id" is missing from the header/],
    ['CSV with only blank lines', 'b.csv', '\n\n', /b\.csv:1: column "id" is missing/],
    [
      'NDJSON line without a column',
      'l.ndjson',
      '{"id":1,"n":null,"x":null,"s":null,"b":null,"at":null}\n{"id":2,"n":1,"x":null,"s":null,"b":null}\n',
      /l\.ndjson:2: column "at" is missing from the object/,
    ],
  ])('%s: INPUT_INVALID naming file, line and column', async (_name, name, content, message) => {
    const file = join(dir, name)
    await writeFile(file, content)
    const read = name.endsWith('.csv') ? readCsvRows : readNdjsonRows
    const error = await collect(read(file, table)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(message) })
  })

  it("a key-only table (a delete's source) needs only its key; NULL stays expressible", async () => {
    const csv = join(dir, 'keys.csv')
    await writeFile(csv, 'id\n1\n2\n')
    expect(await collect(readCsvRows(csv, table.pick('id')))).toEqual([{ id: 1n }, { id: 2n }])
    const ndjson = join(dir, 'keys.ndjson')
    await writeFile(ndjson, '{"id":1}\n')
    expect(await collect(readNdjsonRows(ndjson, table.pick('id')))).toEqual([{ id: 1 }])
    const full = join(dir, 'full.csv')
    await writeFile(full, 'at,b,s,x,n,id\n,,,,,7\n')
    expect(await collect(readCsvRows(full, table))).toEqual([{ at: null, b: null, s: null, x: null, n: null, id: 7n }])
  })
})

describe('a file that disappears between the check and the read', () => {
  it.each([
    ['CSV', readCsvRows],
    ['NDJSON', readNdjsonRows],
  ])('%s: the reader rejects with INPUT_UNREADABLE instead of crashing the process', async (_name, read) => {
    const missing = join(dir, 'vanished.txt')
    await expect(collect(read(missing, table))).rejects.toMatchObject({
      code: 'INPUT_UNREADABLE',
      message: expect.stringMatching(/vanished\.txt: cannot read: no such file/),
    })
  })
})
