import { describe, expect, it } from 'vitest'
import { defineTable, int64, isHyperdeltaError, text, timestamp, writeChangeFiles } from '../../../src/index.js'
import { readWithDuckDB, readWithHyparquet } from '../../helpers/read-parquet.js'
import { filesIn, tempDir } from './fixtures.js'

const table = defineTable({ name: 'orders' }, { id: int64(), region: text({ nullable: true }), v: text() })

function rows(count: number, dupes: [at: number, of: number][] = []) {
  const out = Array.from({ length: count }, (_, i) => ({
    id: BigInt(i),
    region: i % 3 === 0 ? null : 'eu',
    v: `row ${i}`,
  }))
  for (const [at, of] of dupes) out[at] = { ...out[of]!, v: `row ${at} (dup of ${of})` }
  return out
}

describe('duplicate keys across the whole change set', () => {
  it('fails with a typed error listing the first duplicates, even across files, and leaves no files', async () => {
    await using tmp = await tempDir()
    const input = rows(30_000, [
      [29_000, 5],
      [29_500, 20_000],
    ])
    const error = await writeChangeFiles(table, input, { keys: ['id'], maxBytes: 64 * 1024, dir: tmp.dir }).catch(
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')).toBe(true)
    const details = (error as { details: { duplicates: { key: unknown; rows: number[] }[] } }).details
    expect(details.duplicates).toEqual([
      { key: { id: '5' }, rows: [5, 29_000] },
      { key: { id: '20000' }, rows: [20_000, 29_500] },
    ])
    expect((error as Error).message).toMatch(/^payload: orders has duplicate keys on \(id\)/)
    expect(await filesIn(tmp.dir)).toEqual([])
  })

  it('keep-last keeps only the last occurrence, rewriting earlier files under the limit', async () => {
    const input = rows(30_000, [
      [29_000, 5],
      [29_500, 20_000],
      [29_600, 5],
    ])
    await using files = await writeChangeFiles(table, input, {
      keys: ['id'],
      duplicateKeys: 'keep-last',
      maxBytes: 64 * 1024,
    })
    expect(files.files.length).toBeGreaterThan(3)
    for (const f of files.files) expect(f.bytes).toBeLessThanOrEqual(64 * 1024)
    const dropped = new Set([5, 29_000, 20_000])
    const expected = input.filter((_, i) => !dropped.has(i))
    const paths = files.files.map((f) => f.path)
    expect(files.rows).toBe(expected.length)
    expect(await readWithHyparquet(paths)).toEqual(expected)
    expect((await readWithDuckDB(paths)).length).toBe(expected.length)
  })

  it('compares composite keys exactly and tells apart keys that only look alike', async () => {
    const t = defineTable({ name: 'k' }, { a: text({ nullable: true }), b: timestamp() })
    const ok = [
      { a: null, b: 1n },
      { a: 'null', b: 1n },
      { a: '', b: 1n },
      { a: 'x', b: 1n },
      { a: 'x', b: 2n },
      { a: 'x,', b: 1n },
    ]
    await using files = await writeChangeFiles(t, ok, { keys: ['a', 'b'] })
    expect(files.rows).toBe(ok.length)
    const error = await writeChangeFiles(t, [...ok, { a: 'x', b: '1970-01-01T00:00:00.000002Z' }], {
      keys: ['a', 'b'],
    }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')).toBe(true)
    expect((error as { details: { duplicates: unknown } }).details.duplicates).toEqual([
      { key: { a: 'x', b: '2' }, rows: [4, 6] },
    ])
  })

  it('follows SQL for NULL key components: never equal, never a duplicate, never dropped by keep-last', async () => {
    const t = defineTable({ name: 'k' }, { a: text({ nullable: true }), b: int64({ nullable: true }), v: int64() })
    const input = [
      { a: null, b: 1n, v: 0n },
      { a: null, b: 1n, v: 1n },
      { a: 'x', b: null, v: 2n },
      { a: 'x', b: null, v: 3n },
      { a: null, b: null, v: 4n },
      { a: null, b: null, v: 5n },
      { a: 'x', b: 1n, v: 6n },
      { a: 'x', b: 1n, v: 7n },
    ]
    // Only ('x', 1) repeats: 'error' names it alone, 'keep-last' drops row 6 and nothing else.
    const error = await writeChangeFiles(t, input, { keys: ['a', 'b'] }).catch((e: unknown) => e)
    expect((error as { details: { duplicates: unknown } }).details.duplicates).toEqual([
      { key: { a: 'x', b: '1' }, rows: [6, 7] },
    ])
    await using kept = await writeChangeFiles(t, input, { keys: ['a', 'b'], duplicateKeys: 'keep-last' })
    const back = (await readWithDuckDB(kept.files.map((f) => f.path))) as { v: bigint }[]
    expect(back.map((r) => r.v).sort()).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 7n])
    // Without the ('x', 1) pair nothing repeats at all.
    await using clean = await writeChangeFiles(t, input.slice(0, 6), { keys: ['a', 'b'] })
    expect(clean.rows).toBe(6)
  })

  it('rejects keys that are not columns of the table', async () => {
    const error = await writeChangeFiles(table, rows(1), { keys: ['nope'] }).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_OPTIONS_INVALID')).toBe(true)
  })
})
