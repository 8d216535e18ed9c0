import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactChangeLog, diffSnapshots } from '../../../pipelines/index.js'
import { defineTable, int64, text, writeChangeFiles } from '../../../src/index.js'
import {
  type Canonical,
  cdcTable,
  idArb,
  isoWithOffset,
  type LogEntry,
  modelCompaction,
  modelDiff,
  render,
  renderingArb,
  valuesArb,
} from './cdc-model.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-cdc-prop-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Rows read back; -0 and 0 are one value (the model keeps either sign), so both compare as 0. */
const collect = async (rows: AsyncIterable<Record<string, unknown>>) => {
  const out: Record<string, unknown>[] = []
  for await (const r of rows) out.push(zeroSign(r))
  return out
}
const zeroSign = <T extends object>(r: T): T => ('v' in r && r.v === 0 ? { ...r, v: 0 } : r)

/** Rows written to a Parquet file by hyperdelta itself (another input path into the diff). */
async function asParquet(
  rows: Record<string, unknown>[],
  table = cdcTable,
): Promise<string | Record<string, unknown>[]> {
  if (rows.length === 0) return rows
  const files = await writeChangeFiles(table.as('snapshot'), rows, { dir })
  return files.files[0]!.path
}

// Each run checks up to 60 keys at once (one DuckDB run costs more than a key). Snapshot rows: each id is in both snapshots (same values, rendered differently, or new values),
// or in one only. Current rows come in reverse order.
const snapshotsArb = fc.uniqueArray(
  fc.record({
    id: idArb,
    a: valuesArb,
    b: valuesArb,
    where: fc.constantFrom('same', 'both', 'previous', 'current'),
    ra: renderingArb,
    rb: renderingArb,
  }),
  { selector: (r) => r.id, maxLength: 60 },
)

describe('diffSnapshots against a JS model (property)', () => {
  it('finds exactly the new, changed and vanished rows, whatever shape equal values take', async () => {
    await fc.assert(
      fc.asyncProperty(snapshotsArb, fc.boolean(), async (specs, parquet) => {
        const previous: Canonical[] = []
        const current: Canonical[] = []
        const prevRows: Record<string, unknown>[] = []
        const curRows: Record<string, unknown>[] = []
        for (const s of specs) {
          const a = { id: s.id, ...s.a }
          const b = s.where === 'same' ? a : { id: s.id, ...s.b }
          if (s.where !== 'current') {
            previous.push(a)
            prevRows.push(render(a, s.ra))
          }
          if (s.where !== 'previous') {
            current.push(b)
            curRows.push(render(b, s.rb))
          }
        }
        curRows.reverse()
        const expected = modelDiff(previous, current)
        await using diff = await diffSnapshots(
          cdcTable,
          ['id'],
          parquet ? await asParquet(prevRows) : prevRows,
          parquet ? await asParquet(curRows) : curRows,
          { dir },
        )
        expect(await collect(diff.upserts())).toEqual(expected.upserts.map(zeroSign))
        expect(await collect(diff.deletes())).toEqual(expected.deletes)
        expect(diff.stats).toMatchObject({ ...expected.stats, deletes: expected.deletes.length })
      }),
      { numRuns: 12 },
    )
  })

  it('two identical snapshots diff to zero changes on every run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ id: idArb, a: valuesArb, ra: renderingArb, rb: renderingArb }), {
          selector: (r) => r.id,
          maxLength: 60,
        }),
        async (specs) => {
          const rows = specs.map((s) => ({ id: s.id, ...s.a }))
          await using diff = await diffSnapshots(
            cdcTable,
            ['id'],
            rows.map((r, i) => render(r, specs[i]!.ra)),
            rows.map((r, i) => render(r, specs[i]!.rb)),
            { dir },
          )
          expect(diff.stats).toMatchObject({ upserts: 0, deletes: 0, unchanged: rows.length })
        },
      ),
      { numRuns: 8 },
    )
  })
})

type OrderStyle = 'bigint' | 'number' | 'iso' | 'date'
const logArb = fc.record({
  style: fc.constantFrom<OrderStyle>('bigint', 'number', 'iso', 'date'),
  entries: fc.array(
    fc.record({
      id: fc.oneof(fc.bigInt({ min: 0n, max: 12n }), fc.constant(2n ** 60n + 1n)),
      op: fc.constantFrom<LogEntry['op']>('insert', 'update', 'delete'),
      // Few distinct order values: ties between entries of one key are common.
      step: fc.integer({ min: 0, max: 12 }),
      offset: fc.constantFrom(0, 120, -90, 330),
      values: valuesArb,
    }),
    { maxLength: 80 },
  ),
  since: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
})

/** An order step as each style's JS value, and as the number the model compares. */
function orderOf(style: OrderStyle, step: number, offset: number): { raw: unknown; order: bigint | number } {
  const micros = 1_800_000_000_000_000n + BigInt(step) * 1_500_000n // 1.5 s apart: fractional seconds
  switch (style) {
    case 'bigint':
      return { raw: 2n ** 62n + BigInt(step), order: 2n ** 62n + BigInt(step) } // beyond 2^53
    case 'number':
      return { raw: step / 2, order: step / 2 } // 4.5 < 5 < 10: numerically, not as text
    case 'iso':
      return { raw: isoWithOffset(micros, offset, true), order: micros } // instants: offsets and Z
    case 'date':
      return { raw: new Date(Number(micros / 1000n)), order: micros }
  }
}

describe('compactChangeLog against a JS model (property)', () => {
  it('keeps the last operation per key by typed order value, later input winning ties, and the highest order as watermark', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, async ({ style, entries, since }) => {
        const model: LogEntry[] = []
        const rows = entries.map((e) => {
          const { raw, order } = orderOf(style, e.step, e.offset)
          const row = { id: e.id, ...e.values }
          model.push({ row, op: e.op, order })
          return {
            ...render(row, { idAsNumber: false, tStyle: 2, offsetMinutes: e.offset, flipZeroSign: false }),
            op: e.op,
            lsn: raw,
          }
        })
        const sinceValue = since === undefined ? undefined : orderOf(style, since, 0)
        const expected = modelCompaction(model, sinceValue?.order)
        const { changes, watermark } = await compactChangeLog(cdcTable, rows, {
          keys: ['id'],
          orderColumn: 'lsn',
          since: sinceValue?.raw as never,
          dir,
        })
        await using _ = changes
        expect(await collect(changes.upserts())).toEqual(expected.upserts.map(zeroSign))
        expect(await collect(changes.deletes())).toEqual(expected.deletes)
        expect(watermark).toEqual(expected.top === undefined ? sinceValue?.raw : rows[expected.top]!.lsn)
      }),
      { numRuns: 12 },
    )
  })

  it('reads a Parquet log the same way as rows (typed int64 order, duplicates, delete then re-insert, ties across files)', async () => {
    const logTable = defineTable({ name: 'log' }, { ...cdcTable.columns, op: text(), lsn: int64() })
    await fc.assert(
      fc.asyncProperty(logArb, fc.array(fc.nat(), { maxLength: 3 }), async ({ entries, since }, cuts) => {
        const model: LogEntry[] = []
        const rows = entries.map((e) => {
          const row = { id: e.id, ...e.values }
          model.push({ row, op: e.op, order: BigInt(e.step) })
          return { ...row, op: e.op, lsn: BigInt(e.step) }
        })
        const expected = modelCompaction(model, since === undefined ? undefined : BigInt(since))
        // The log in up to four files, in input order: a later file wins a tie like a later row.
        const bounds = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b)
        const parts = [...bounds, rows.length].map((end, i) => rows.slice(i === 0 ? 0 : bounds[i - 1], end))
        const paths = await Promise.all(parts.filter((p) => p.length > 0).map((p) => asParquet(p, logTable as never)))
        const log = paths.length === 0 ? rows : (paths as string[])
        const { changes, watermark } = await compactChangeLog(cdcTable, log, {
          keys: ['id'],
          orderColumn: 'lsn',
          since: since === undefined ? undefined : BigInt(since),
          dir,
        })
        await using _ = changes
        expect(await collect(changes.upserts())).toEqual(expected.upserts.map(zeroSign))
        expect(await collect(changes.deletes())).toEqual(expected.deletes)
        expect(watermark).toEqual(
          expected.top === undefined ? (since === undefined ? undefined : BigInt(since)) : rows[expected.top]!.lsn,
        )
      }),
      { numRuns: 8 },
    )
  })
})
