import { describe, expect, it } from 'vitest'
import { parquetFormat } from '../../../src/format.js'
import { defineTable, HyperdeltaError, int64, text } from '../../../src/index.js'
import { MAX_GROUP_ROWS, resolvePackagingOptions } from '../../../src/payload/packaging-options.js'
import { payloadByteLimit } from '../../../src/wire.js'

const table = defineTable({ name: 'orders' }, { id: int64(), name: text({ nullable: true }) })

function refusal(options: Parameters<typeof resolvePackagingOptions>[1]): HyperdeltaError {
  try {
    resolvePackagingOptions(table, options)
  } catch (error) {
    if (error instanceof HyperdeltaError) return error
    throw error
  }
  throw new Error('expected PAYLOAD_OPTIONS_INVALID')
}

describe('resolvePackagingOptions', () => {
  it('fills in the defaults: 100 MB server limit, Parquet, no keys, errors on duplicates and extra columns', () => {
    const o = resolvePackagingOptions(table, {})
    expect(o.maxBytes).toBe(payloadByteLimit(100))
    expect(o.format.name).toBe('parquet')
    expect(o.keys).toBeUndefined()
    expect(o.duplicateKeys).toBe('error')
    expect(o.extraColumns).toBe('error')
    expect(MAX_GROUP_ROWS).toBeGreaterThan(0)
  })

  it('maxBytes overrides maxSizeInMb; maxSizeInMb goes through payloadByteLimit', () => {
    expect(resolvePackagingOptions(table, { maxBytes: 12_345, maxSizeInMb: 1 }).maxBytes).toBe(12_345)
    expect(resolvePackagingOptions(table, { maxSizeInMb: 7 }).maxBytes).toBe(payloadByteLimit(7))
  })

  it('keeps the row-group target small against the limit, within its floor and ceiling', () => {
    const target = (maxBytes: number) => resolvePackagingOptions(table, { maxBytes }).groupTargetBytes
    expect(target(80 << 20)).toBe(8 << 20) // ceiling
    expect(target(16 << 20)).toBe(2 << 20) // an eighth of the limit
    expect(target(1_000)).toBe(16 << 10) // floor
  })

  it('passes the given format and settings through', () => {
    const format = parquetFormat({ statistics: true })
    const o = resolvePackagingOptions(table, {
      format,
      keys: ['id'],
      duplicateKeys: 'keep-last',
      extraColumns: 'ignore',
    })
    expect(o).toMatchObject({ format, keys: ['id'], duplicateKeys: 'keep-last', extraColumns: 'ignore' })
  })

  it.each([
    [{ maxBytes: 0 }, /maxBytes must be a positive integer, got 0/, { maxBytes: 0 }],
    [{ maxBytes: 1.5 }, /maxBytes must be a positive integer/, { maxBytes: 1.5 }],
    [{ maxSizeInMb: -1 }, /maxSizeInMb must be a positive number, got -1/, { maxSizeInMb: -1 }],
    [{ maxSizeInMb: Number.NaN }, /maxSizeInMb must be a positive number/, {}],
    [
      { duplicateKeys: 'first' as never },
      /duplicateKeys must be error or keep-last, got first/,
      { duplicateKeys: 'first' },
    ],
    [{ extraColumns: 'drop' as never }, /extraColumns must be error or ignore, got drop/, { extraColumns: 'drop' }],
    [{ keys: [] }, /keys must be a non-empty array/, {}],
    [{ keys: 'id' as never }, /keys must be a non-empty array/, {}],
    [
      { keys: ['id', 'nope'] },
      /key column "nope" is not a column of orders/,
      { table: 'orders', column: 'nope', columns: ['id', 'name'] },
    ],
  ])('refuses %o with a typed error naming the option', (options, message, details) => {
    const error = refusal(options)
    expect(error.code).toBe('PAYLOAD_OPTIONS_INVALID')
    expect(error.message).toMatch(message)
    expect(error.details).toMatchObject(details)
  })
})
