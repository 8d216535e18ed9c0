import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { readWithDuckDB } from '../../helpers/read-parquet.js'
import { tempDir } from './fixtures.js'

const root = join(import.meta.dirname, '../../..')

describe('SNAPPY without the optional native binding', () => {
  it('falls back to snappyjs (worker threads included), and refuses an explicit native', async () => {
    await using tmp = await tempDir()
    const rows = 70_000 // more than one row group, so pages go through the worker
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/integration/payload/snappy-fallback.child.ts', tmp.dir, String(rows)],
      { cwd: root },
    )
    const result = JSON.parse(stdout) as { nativeError: { code?: string; message?: string }; paths: string[] }
    expect(result.nativeError.code).toBe('PAYLOAD_OPTIONS_INVALID')
    expect(result.nativeError.message).toContain('"snappy" is not installed or does not load')
    const back = await readWithDuckDB(result.paths)
    expect(back).toEqual(Array.from({ length: rows }, (_, i) => ({ id: BigInt(i), s: `value ${i}` })))
  })
})

describe('SNAPPY with the native binding', () => {
  it('loads on the platforms CI runs on (the lock file carries their binaries)', async () => {
    const { resolveSnappy } = await import('../../../src/format.js')
    if (process.platform === 'linux' && process.arch === 'x64') expect(resolveSnappy('auto')).toBe('native')
    expect(resolveSnappy('js')).toBe('js')
  })
})
