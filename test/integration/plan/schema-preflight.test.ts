import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exitCodeFor } from '../../../src/cli/exit-codes.js'
import {
  batch,
  bool,
  type ColumnType,
  date,
  decimal,
  defineTable,
  float64,
  int16,
  int64,
  type PushClient,
  pushChanges,
  text,
  timestamp,
} from '../../../src/index.js'
import { type Fixture, startFixture } from './emulator-fixture.js'

// Check before sending: the batch's target table against the data source as the server describes it.
// A mismatch is SCHEMA_MISMATCH (exit 3) naming column, ours and theirs, and no upload session is opened.
let fx: Fixture
let uploads: number
let client: PushClient
beforeEach(async () => {
  fx = await startFixture()
  uploads = 0
  const real = fx.client
  // The real client, counting upload sessions.
  client = {
    siteId: real.siteId,
    vizql: real.vizql,
    findDatasource: (q) => real.findDatasource(q),
    resolveConnection: (id, c) => real.resolveConnection(id, c),
    uploadFile: (path, o) => {
      uploads++
      return real.uploadFile(path, o)
    },
    updateData: (r) => real.updateData(r),
    waitForJob: (id, o) => real.waitForJob(id, o),
  }
})
afterEach(async () => {
  await fx.close()
})

const ref = { schema: 'Extract', name: 'Extract' }

/** [published column, declared column, a value of the declared one, server's word] */
const CASES: [string, ColumnType, ColumnType, unknown, string][] = [
  ['int into text', text(), int64(), 1n, 'STRING'],
  ['text into int', int64(), text(), 'a', 'INTEGER'],
  ['int16 into double', float64(), int16(), 1, 'REAL'],
  ['decimal into int', int64(), decimal(10, 2), '1.5', 'INTEGER'],
  ['timestamp into date', date(), timestamp(), 0n, 'DATE'],
  ['date into timestamp', timestamp({ timeZone: false }), date(), '2024-01-01', 'DATETIME'],
  ['bool into int', int64(), bool(), true, 'INTEGER'],
]

describe('schema check before sending', () => {
  it.each(CASES)(
    '%s: SCHEMA_MISMATCH naming the column, ours and theirs; no upload',
    async (_, theirs, ours, v, word) => {
      await fx.emu.createDatasource({
        name: 'T',
        table: defineTable(ref, { id: int64(), v: theirs }),
        rows: [],
      })
      const mine = defineTable(ref, { id: int64(), v: ours })
      const error = await pushChanges({
        client,
        datasource: { name: 'T' },
        batch: batch().insert({ source: mine.as('rows'), target: mine }),
        rows: { rows: [{ id: 1n, v }] },
        dir: fx.dir,
      }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toMatchObject({
        code: 'SCHEMA_MISMATCH',
        details: { problems: [{ column: 'v', theirs: word }] },
      })
      expect((error as Error).message).toContain(`"v" is ${ours.kind === 'decimal' ? 'decimal(10, 2)' : ours.kind}`)
      expect(exitCodeFor(error)).toBe(3)
      expect(uploads).toBe(0)
    },
  )

  it('a column the data source lacks, and (for replace) one it has that the table lacks, are mismatches', async () => {
    await fx.emu.createDatasource({ name: 'T', table: defineTable(ref, { id: int64(), extra: text() }), rows: [] })
    const mine = defineTable(ref, { id: int64(), missing: text() })
    await expect(
      pushChanges({
        client,
        datasource: { name: 'T' },
        batch: batch().replace({ source: mine.as('rows'), target: mine }),
        rows: { rows: [{ id: 1n, missing: 'x' }] },
        dir: fx.dir,
      }),
    ).rejects.toMatchObject({
      code: 'SCHEMA_MISMATCH',
      details: {
        problems: [
          { column: 'missing', ours: 'text', theirs: undefined },
          { column: 'extra', ours: undefined, theirs: 'STRING' },
        ],
      },
    })
    expect(uploads).toBe(0)
  })

  it("a matching table is sent; without a describer the report warns; schemaCheck: 'skip' does not ask", async () => {
    const t = defineTable(ref, { id: int64(), v: decimal(10, 2) })
    await fx.emu.createDatasource({ name: 'T', table: t, rows: [] })
    const push = (c: PushClient, skip: boolean) =>
      pushChanges({
        client: c,
        datasource: { name: 'T' },
        batch: batch().insert({ source: t.as('rows'), target: t }),
        rows: { rows: [{ id: 1n, v: '1.25' }] },
        dir: fx.dir,
        ...(skip && { schemaCheck: 'skip' as const }),
      })
    expect((await push(client, false)).warnings.filter((w) => w.includes('schema check'))).toEqual([])
    const { vizql: _, ...blind } = client
    const report = await push(blind as PushClient, false)
    expect(report.warnings.some((w) => w.includes('schema check: not done'))).toBe(true)
    expect((await push(blind as PushClient, true)).warnings.some((w) => w.includes('schema check'))).toBe(false)
    expect(uploads).toBe(3)
  })
})
