import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { isHyperdeltaError, TableauClient } from '../../../src/index.js'
import { type HeaderProxy, startHeaderProxy } from '../../helpers/header-proxy.js'

// Downloads against the real emulator over loopback, through a proxy that can rename the download
// (Content-Disposition) and counts the download requests: a server-named file never replaces anything,
// odd names are made safe and cut to fit, and a write failure is DOWNLOAD_WRITE_FAILED, sent once, leaving no .part.
let dir: string
let emu: Emulator
let proxy: HeaderProxy
let client: TableauClient
let id: string
const content = randomBytes(200_000)
const noWait = { sleep: async () => {}, retry: { baseDelayMs: 1, maxDelayMs: 2 } }
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-download-'))
  emu = await startEmulator({ dataDir: join(dir, 'emu'), jobDelayMs: 5, users: [{ name: 'admin', password: 'pw' }] })
  proxy = await startHeaderProxy(emu.url, /\/content(\?|$)/, 'content-disposition')
  client = await TableauClient.signIn({
    server: proxy.url,
    auth: { password: { username: 'admin', password: 'pw' } },
    ...noWait,
  })
  const file = join(dir, 'Packaged.tdsx')
  await writeFile(file, content)
  id = (await client.datasources.publish({ name: 'Packaged', file })).id
})
afterAll(async () => {
  await client?.close()
  await proxy?.close()
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

let out: string
beforeEach(async () => {
  proxy.rewrite = undefined
  out = await mkdtemp(join(dir, 'out-'))
})
async function failure(p: Promise<unknown>) {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected a failure')
}
const parts = async (d: string) => (await readdir(d, { recursive: true })).filter((n) => String(n).endsWith('.part'))

describe('a server-named download never replaces an existing entry', () => {
  it('an existing file, directory or dangling link of that name is left alone: name (1), name (2)…', async () => {
    await writeFile(join(out, 'Packaged.tdsx'), 'mine')
    const first = await client.datasources.download(id, { to: out })
    expect(first).toMatchObject({ path: join(out, 'Packaged (1).tdsx'), filename: 'Packaged.tdsx', renamed: ['taken'] })
    await mkdir(join(out, 'Packaged (2).tdsx'))
    await symlink(join(out, 'nowhere'), join(out, 'Packaged (3).tdsx'))
    const second = await client.datasources.download(id, { to: out })
    expect(second.path).toBe(join(out, 'Packaged (4).tdsx'))
    expect(await readFile(join(out, 'Packaged.tdsx'), 'utf8')).toBe('mine')
    expect((await readFile(first.path)).equals(content)).toBe(true)
    expect((await readFile(second.path)).equals(content)).toBe(true)
    expect(await readdir(join(out, 'Packaged (2).tdsx'))).toEqual([])
    expect(await readdir(out)).not.toContain('nowhere')
    expect(await parts(out)).toEqual([])
  })

  it('concurrent downloads into one directory each get their own name', async () => {
    const got = await Promise.all([1, 2, 3, 4].map(() => client.datasources.download(id, { to: out })))
    expect(new Set(got.map((g) => basename(g.path)))).toEqual(
      new Set(['Packaged.tdsx', 'Packaged (1).tdsx', 'Packaged (2).tdsx', 'Packaged (3).tdsx']),
    )
    for (const g of got) expect((await readFile(g.path)).equals(content)).toBe(true)
  })

  it('a file path the caller named is replaced, as documented', async () => {
    const to = join(out, 'mine.tdsx')
    await writeFile(to, 'old')
    const got = await client.datasources.download(id, { to })
    expect(got).toMatchObject({ path: to, filename: 'Packaged.tdsx' })
    expect(got.renamed).toBeUndefined()
    expect((await readFile(to)).equals(content)).toBe(true)
  })
})

describe('odd server names', () => {
  it.each([
    ["attachment; filename*=UTF-8''%E2%82%AC%20r%C3%A4tes.tdsx", '€ rätes.tdsx', undefined],
    ['attachment; filename="../../escape.tdsx"', 'escape.tdsx', ['unsafe']],
    ["attachment; filename*=UTF-8''..%2F..%2F..%2Fescape.tdsx", 'escape.tdsx', ['unsafe']],
    ["attachment; filename*=UTF-8''a%00b%0Ac%1Bd.tdsx", 'a_b_c_d.tdsx', ['unsafe']],
    ['attachment; filename="a<b>:c|d?e*f.tdsx"', 'a_b__c_d_e_f.tdsx', ['unsafe']],
    ['attachment; filename="NUL.tdsx"', '_NUL.tdsx', ['unsafe']],
    ['attachment; filename=".."', 'datasource', undefined],
    [null, 'datasource', undefined],
  ])('%s is saved as %s', async (header, name, renamed) => {
    proxy.rewrite = header
    const got = await client.datasources.download(id, { to: out })
    expect(got.path).toBe(join(out, name))
    expect(got.renamed).toEqual(renamed)
    expect(await readdir(out)).toEqual([name])
    expect((await readFile(got.path)).equals(content)).toBe(true)
  })

  it.each([
    ['é', 2],
    ['日', 3],
    ['😀', 4],
  ])('a name of %s far past 255 bytes is cut to fit (the file system takes it), twice', async (char) => {
    proxy.rewrite = `attachment; filename*=UTF-8''${encodeURIComponent(`${char.repeat(200)}.tdsx`)}`
    const first = await client.datasources.download(id, { to: out })
    const second = await client.datasources.download(id, { to: out })
    expect(first.renamed).toEqual(['shortened'])
    expect(second.renamed).toEqual(['shortened', 'taken'])
    for (const got of [first, second]) {
      const name = basename(got.path)
      expect(bytes(name)).toBeLessThanOrEqual(255)
      expect(name.endsWith('.tdsx')).toBe(true)
      expect((await readFile(got.path)).equals(content)).toBe(true)
    }
    expect(basename(second.path)).toMatch(/ \(1\)\.tdsx$/)
    expect((await readdir(out)).sort()).toEqual([basename(first.path), basename(second.path)].sort())
  })
})

describe('a write failure is DOWNLOAD_WRITE_FAILED, sent once, leaving no .part', () => {
  async function writeFailure(to: string, onProgress?: () => void) {
    const before = proxy.hits
    const e = await failure(client.datasources.download(id, { to, ...(onProgress && { onProgress }) }))
    expect(isHyperdeltaError(e, 'DOWNLOAD_WRITE_FAILED')).toBe(true)
    expect(proxy.hits - before).toBe(1)
    expect(await parts(out)).toEqual([])
    return e as { details: { path: string; reason: string }; retryable: boolean }
  }

  it('the parent directory is missing', async () => {
    const e = await writeFailure(join(out, 'missing', 'x.tdsx'))
    expect(e.details).toEqual({ path: join(out, 'missing', 'x.tdsx'), reason: 'ENOENT' })
    expect(e.retryable).toBe(false)
  })

  it('a file is in the way of the parent directory', async () => {
    await writeFile(join(out, 'file'), 'x')
    expect((await writeFailure(join(out, 'file', 'x.tdsx'))).details.reason).toBe('ENOTDIR')
  })

  it('a directory takes the named path while the body streams', async () => {
    const to = join(out, 'target.tdsx')
    let made = false
    const e = await writeFailure(to, () => {
      if (made) return
      made = true
      mkdirSync(to)
    })
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST']).toContain(e.details.reason)
    expect(await readdir(out)).toEqual(['target.tdsx'])
  })

  it('a directory the caller named that does not exist (trailing slash) is made, and the file lands in it', async () => {
    const result = await client.datasources.download(id, { to: `${join(out, 'new', 'dir')}/` })
    expect(dirname(result.path)).toBe(join(out, 'new', 'dir'))
    expect(await readdir(join(out, 'new', 'dir'))).toEqual([basename(result.path)])
  })

  it('a directory (trailing slash) that cannot be made, a file in its way: refused before anything is sent', async () => {
    await writeFile(join(out, 'blocker'), 'x')
    const before = proxy.hits
    const e = await failure(client.datasources.download(id, { to: `${join(out, 'blocker', 'dir')}/` }))
    expect(isHyperdeltaError(e, 'DOWNLOAD_WRITE_FAILED')).toBe(true)
    expect(proxy.hits).toBe(before)
    expect(await readdir(out)).toEqual(['blocker'])
  })

  it('an abort mid-stream is ABORTED and leaves no .part either', async () => {
    const controller = new AbortController()
    const e = await failure(
      client.datasources.download(id, { to: out, signal: controller.signal, onProgress: () => controller.abort() }),
    )
    expect(isHyperdeltaError(e, 'ABORTED')).toBe(true)
    expect(await readdir(out)).toEqual([])
  })

  it('the caller named a path too long for the file system', async () => {
    const e = await writeFailure(join(out, `${'x'.repeat(300)}.tdsx`))
    expect(e.details.reason).toBe('ENAMETOOLONG')
    expect(await readdir(out)).toEqual([])
  })
})
