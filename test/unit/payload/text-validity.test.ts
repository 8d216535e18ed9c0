import { describe, expect, it } from 'vitest'
import { defineTable, int64, text, writeChangeFiles } from '../../../src/index.js'

describe('writeChangeFiles: text', () => {
  it('names the column and row of a string with a lone surrogate and writes nothing', async () => {
    const table = defineTable({ name: 't' }, { id: int64(), s: text() })
    const rows = [
      { id: 1n, s: 'fine' },
      { id: 2n, s: 'broken \uDC00' },
    ]
    await expect(writeChangeFiles(table, rows)).rejects.toMatchObject({
      message: 'payload: t.s, row 1: contains a lone UTF-16 surrogate (not valid Unicode text)',
    })
  })
})
