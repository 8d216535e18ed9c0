import { access } from 'node:fs/promises'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { changeFileStream, defineTable, int64, isHyperdeltaError, text, writeChangeFiles } from '../../../src/index.js'
import { readWithHyparquet } from '../../helpers/read-parquet.js'
import { filesIn, tempDir } from './fixtures.js'

const table = defineTable({ name: 'life' }, { id: int64(), s: text() })
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: BigInt(i), s: `value ${i} ${'x'.repeat(i % 50)}` }))
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )

describe('file lifecycle', () => {
  it('dispose() removes the files and the temp dir it created; twice is harmless', async () => {
    const files = await writeChangeFiles(table, rows(20_000), { maxBytes: 64 * 1024 })
    expect(files.files.length).toBeGreaterThan(1)
    const dir = dirname(files.files[0]!.path)
    for (const f of files.files) expect(await exists(f.path)).toBe(true)
    await files.dispose()
    await files.dispose()
    expect(await exists(dir)).toBe(false)
  })

  it('in a caller-owned dir, dispose() removes only its own files', async () => {
    await using tmp = await tempDir()
    const { writeFile } = await import('node:fs/promises')
    await writeFile(`${tmp.dir}/keep.txt`, 'mine')
    {
      await using files = await writeChangeFiles(table, rows(10), { dir: tmp.dir })
      expect(await filesIn(tmp.dir)).toHaveLength(2)
      expect(files.files[0]!.path.startsWith(tmp.dir)).toBe(true)
    }
    expect(await filesIn(tmp.dir)).toEqual(['keep.txt'])
  })

  it('reports progress: rows, bytes and files grow to the totals', async () => {
    const seen: { rows: number; bytes: number; files: number }[] = []
    await using files = await writeChangeFiles(table, rows(20_000), {
      maxBytes: 64 * 1024,
      onProgress: (p) => seen.push(p),
    })
    const last = seen.at(-1)!
    expect(last).toEqual({ rows: 20_000, bytes: files.bytes, files: files.files.length })
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows)
  })

  it('changeFileStream yields each file once complete and removes them all when iteration ends', async () => {
    const input = rows(20_000)
    const seen: string[] = []
    const back: unknown[] = []
    for await (const file of changeFileStream(table, input, { maxBytes: 64 * 1024 })) {
      expect(file.bytes).toBeLessThanOrEqual(64 * 1024)
      back.push(...(await readWithHyparquet(file.path)))
      seen.push(file.path)
    }
    expect(seen.length).toBeGreaterThan(1)
    expect(back).toEqual(input)
    for (const p of seen) expect(await exists(p)).toBe(false)
  })

  it('changeFileStream stops the producer and cleans up when the consumer breaks early', async () => {
    await using tmp = await tempDir()
    for await (const file of changeFileStream(table, rows(50_000), { maxBytes: 32 * 1024, dir: tmp.dir })) {
      expect(file.rows).toBeGreaterThan(0)
      break
    }
    expect(await filesIn(tmp.dir)).toEqual([])
  })

  it('changeFileStream rejects keep-last and surfaces errors', async () => {
    const keepLast = changeFileStream(table, rows(1), { keys: ['id'], duplicateKeys: 'keep-last' })
    await expect(keepLast.next()).rejects.toSatisfy((e) => isHyperdeltaError(e, 'PAYLOAD_OPTIONS_INVALID'))
    const bad = changeFileStream(table, [{ id: 'x' }])
    await expect(bad.next()).rejects.toSatisfy((e) => isHyperdeltaError(e, 'PAYLOAD_VALUE_INVALID'))
  })
})
