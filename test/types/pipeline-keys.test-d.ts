// Pipelines' `keys` are typed against the table: a misspelt key does not compile. Every @ts-expect-error below
// was checked to be needed (vitest typecheck fails on an unused one).
import { describe, expectTypeOf, it } from 'vitest'
import {
  loadParquetFiles,
  type NightlyCdcOptions,
  type ParquetBatchLoaderOptions,
  runNightlyCdc,
} from '../../pipelines/index.js'
import { defineTable, int64, type TableauClient, text } from '../../src/index.js'

const orders = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), region: text() })
declare const client: TableauClient
const source = { snapshots: { previous: 'a.parquet', current: 'b.parquet' } }

describe('pipeline keys', () => {
  it('nightly CDC takes the table columns as keys and nothing else', () => {
    void runNightlyCdc({ client, datasource: { name: 'O' }, table: orders, keys: ['id', 'region'], name: 'n', source })
    // @ts-expect-error 'idd' is not a column of orders
    void runNightlyCdc({ client, datasource: { name: 'O' }, table: orders, keys: ['idd'], name: 'n', source })
    expectTypeOf<NightlyCdcOptions<typeof orders>['keys'][0]>().toEqualTypeOf<'id' | 'region'>()
  })
  it('the loader checks keys against `target`; without a target (read from the files) any name compiles', () => {
    void loadParquetFiles({
      client,
      datasource: { name: 'O' },
      files: 'x',
      mode: 'upsert',
      target: orders,
      keys: ['id'],
    })
    void loadParquetFiles({
      client,
      datasource: { name: 'O' },
      files: 'x',
      mode: 'upsert',
      target: orders,
      // @ts-expect-error 'idd' is not a column of orders
      keys: ['idd'],
    })
    void loadParquetFiles({ client, datasource: { name: 'O' }, files: 'x', mode: 'upsert', keys: ['anything'] })
    expectTypeOf<ParquetBatchLoaderOptions['keys']>().toEqualTypeOf<readonly [string, ...string[]] | undefined>()
  })
})
