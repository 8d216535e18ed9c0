import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCliProcess } from '../../helpers/spawn-cli.js'

// `hyperdelta emulator` serves the console by default and says where; --no-console turns it off.
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-console-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('hyperdelta emulator and its console', () => {
  it('announces the console URL on start and serves it; --no-console does not', async () => {
    const on = await startCliProcess(['emulator', '--port', '0', '--data-dir', join(dir, 'on')], /Ctrl-C to stop/)
    try {
      const url = /console: open (http:\/\/127\.0\.0\.1:\d+\/console) to see what landed/.exec(on.stdout)?.[1]
      expect(url, on.stdout).toBeDefined()
      const page = await fetch(url!)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<h1>Data sources</h1>')
    } finally {
      expect(await on.stop()).toBe(0)
    }
    const off = await startCliProcess(
      ['emulator', '--port', '0', '--data-dir', join(dir, 'off'), '--no-console'],
      /Ctrl-C to stop/,
    )
    try {
      expect(off.stdout).not.toContain('console:')
      const server = /listening on (http:\/\/\S+)/.exec(off.stdout)![1]!
      expect((await fetch(`${server}/console`)).status).toBe(404)
    } finally {
      expect(await off.stop()).toBe(0)
    }
  }, 120_000)
})
