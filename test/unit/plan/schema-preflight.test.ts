import { describe, expect, it } from 'vitest'
import type { VizqlReader } from '../../../src/client/vizql-data-service/vds.js'
import { batch, defineTable, int64, text } from '../../../src/index.js'
import { checkTargetSchema } from '../../../src/plan/schema-preflight.js'

// The schema check's reading of read-metadata answers (the service itself is exercised against the emulator in
// test/integration/plan/schema-preflight.test.ts): names, prettified captions, and answers it cannot use.
const t = defineTable({ schema: 'Extract', name: 'Extract' }, { order_id: int64(), region: text() })
const b = batch().insert({ source: t.as('rows'), target: t })
const reader = (fields: object[] | Error): VizqlReader => ({
  readMetadata: async () => {
    if (fields instanceof Error) throw fields
    return fields as never
  },
  queryDatasource: async () => [],
})

describe('checkTargetSchema', () => {
  it('matches a column by fieldName when the caption is prettified', async () => {
    const fields = [
      { fieldName: 'order_id', fieldCaption: 'Order Id', dataType: 'INTEGER' },
      { fieldName: 'region', fieldCaption: 'Region', dataType: 'STRING' },
    ]
    expect(await checkTargetSchema(reader(fields), { id: 'd' }, b)).toBeUndefined()
    const wrong = [fields[0]!, { fieldName: 'region', fieldCaption: 'Region', dataType: 'INTEGER' }]
    await expect(checkTargetSchema(reader(wrong), { id: 'd' }, b)).rejects.toMatchObject({
      code: 'SCHEMA_MISMATCH',
      details: { problems: [{ column: 'region', ours: 'text', theirs: 'INTEGER' }] },
    })
  })

  it('warns instead of guessing when no field name matches, or the service does not answer', async () => {
    const captions = [{ fieldCaption: 'Order Id', dataType: 'INTEGER' }]
    expect(await checkTargetSchema(reader(captions), { id: 'd' }, b)).toContain('none of the service')
    expect(await checkTargetSchema(reader(new Error('404')), { id: 'd' }, b)).toContain('did not describe')
    expect(await checkTargetSchema(undefined, { id: 'd' }, b)).toContain('no VizQL Data Service reader')
  })
})
