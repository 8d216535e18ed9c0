import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../../integration/payload/fixtures.js'

const root = join(import.meta.dirname, '../../../..')

describe('helper threads of packaging', () => {
  it('never keep a process alive once idle, used or not', async () => {
    await using tmp = await tempDir()
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/unit/payload/parquet/idle-threads.child.ts', tmp.dir],
      { cwd: root, timeout: 20_000 },
    )
    // sha256("hello")
    expect(stdout.trim()).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')
  })
})
