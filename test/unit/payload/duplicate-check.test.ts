import { describe, expect, it } from 'vitest'
import { defineTable, int64, isHyperdeltaError, text } from '../../../src/index.js'
import { DuplicateCheck, ERROR_CANDIDATES, LISTED_DUPLICATES } from '../../../src/payload/duplicate-check.js'
import type { PayloadFormat, RowBatch } from '../../../src/payload/payload-format.js'

const table = defineTable({ name: 'orders' }, { id: int64(), region: text({ nullable: true }), note: text() })

type Row = { id: bigint; region: string | null; note: string }

/** One "file" per call, holding `rows` as input rows [firstRow, firstRow + rows.length). */
function files(...chunks: Row[][]) {
  const byPath = new Map<string, Row[]>()
  let firstRow = 0
  const tracked = chunks.map((rows, i) => {
    const path = `file-${i}`
    byPath.set(path, rows)
    const file = { path, firstRow, rows: rows.length }
    firstRow += rows.length
    return file
  })
  // Reads rows back as a real format does: only the asked-for columns.
  const format: PayloadFormat = {
    name: 'memory',
    extension: '.mem',
    createEncoder: () => {
      throw new Error('not used')
    },
    async *readBack(path, _table, columns) {
      yield byPath.get(path)!.map((r) => Object.fromEntries(columns.map((c) => [c, r[c as keyof Row]])))
    },
  }
  const batches: RowBatch[] = tracked.map((file, i) => {
    const rows = chunks[i]!
    return {
      length: rows.length,
      columns: [rows.map((r) => r.id), rows.map((r) => r.region), rows.map((r) => r.note)],
      rowIndexes: Float64Array.from(rows, (_, j) => file.firstRow + j),
    }
  })
  return { tracked, format, batches }
}

const row = (id: number, region: string | null = 'eu', note = 'x'): Row => ({ id: BigInt(id), region, note })

describe('DuplicateCheck', () => {
  it("'error' mode throws PAYLOAD_DUPLICATE_KEYS naming the key values and the input rows", async () => {
    const { tracked, format, batches } = files([row(1), row(2)], [row(3), row(1), row(2, 'us')])
    const check = new DuplicateCheck(table, ['id', 'region'], 'error')
    for (const b of batches) check.observe(b)
    expect(check.pending).toBe(true)
    const error = await check.verify(tracked, format).catch((e: unknown) => e)
    expect(isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')).toBe(true)
    if (!isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')) return
    expect(error.details).toEqual({
      table: 'orders',
      keys: ['id', 'region'],
      duplicates: [{ key: { id: '1', region: 'eu' }, rows: [0, 3] }],
    })
    expect(error.message).toContain(`{"id":"1","region":"eu"} at rows 0, 3`)
  })

  it("becomes due after a bounded number of candidates in 'error' mode, never in 'keep-last'", () => {
    const rows = Array.from({ length: ERROR_CANDIDATES }, (_, i) => row(i))
    const { batches } = files(rows, rows)
    const error = new DuplicateCheck(table, ['id'], 'error')
    const keepLast = new DuplicateCheck(table, ['id'], 'keep-last')
    error.observe(batches[0]!)
    keepLast.observe(batches[0]!)
    expect(error.due).toBe(false)
    error.observe(batches[1]!)
    keepLast.observe(batches[1]!)
    expect(error.due).toBe(true)
    expect(keepLast.due).toBe(false)
    expect(keepLast.pending).toBe(true)
  })

  it('lists at most LISTED_DUPLICATES duplicates, first repeated first', async () => {
    const rows = Array.from({ length: LISTED_DUPLICATES + 5 }, (_, i) => row(i))
    const { tracked, format, batches } = files(rows, rows)
    const check = new DuplicateCheck(table, ['id'], 'error')
    for (const b of batches) check.observe(b)
    const error = await check.verify(tracked, format).catch((e: unknown) => e)
    if (!isHyperdeltaError(error, 'PAYLOAD_DUPLICATE_KEYS')) throw error
    expect(error.details.duplicates).toHaveLength(LISTED_DUPLICATES)
    expect(error.details.duplicates[0]).toEqual({ key: { id: '0' }, rows: [0, LISTED_DUPLICATES + 5] })
  })

  it('keys with a NULL component are never duplicates (SQL equality)', () => {
    const { batches } = files([row(1, null), row(1, null)])
    const check = new DuplicateCheck(table, ['id', 'region'], 'error')
    check.observe(batches[0]!)
    expect(check.pending).toBe(false)
  })

  it('a candidate the files do not confirm is forgotten (a hash match is only a suspicion)', async () => {
    // The batches say id 5 twice; the files (the truth) hold 5 and 6.
    const suspicious = files([row(5), row(5)])
    const truth = files([row(5), row(6)])
    const check = new DuplicateCheck(table, ['id'], 'error')
    check.observe(suspicious.batches[0]!)
    expect(check.pending).toBe(true)
    await check.verify(truth.tracked, truth.format)
    expect(check.pending).toBe(false)
  })

  it("'keep-last' drops every occurrence but the last of each duplicate key", async () => {
    const { tracked, format, batches } = files([row(1), row(2), row(1)], [row(3), row(1), row(2)])
    const check = new DuplicateCheck(table, ['id'], 'keep-last')
    for (const b of batches) check.observe(b)
    expect([...(await check.rowsToDrop(tracked, format))].sort()).toEqual([0, 1, 2])
  })
})
