import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'

// commitFree on a file system without hard links (FAT, some network shares): the name is claimed by an exclusive
// create instead, and an existing entry is still never replaced.
const link = vi.hoisted(() =>
  vi.fn(async () => {
    throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' })
  }),
)
vi.mock('node:fs/promises', async (original) => ({ ...(await original<typeof import('node:fs/promises')>()), link }))
// Test files share a worker's module cache (isolate: false): drop it, so the module under test is loaded anew
// against the mock rather than taken from the cache with the real file system.
vi.resetModules()
const { commitFree, openPart } = await import('../../../src/client/datasources/download-file.js')

// …and leave no mock behind for the next file in this worker.
afterAll(() => {
  vi.doUnmock('node:fs/promises')
  vi.resetModules()
})

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function finishedPart(d: string, text: string) {
  const part = await openPart(d, 'Sales.tdsx')
  await new Promise<void>((ok) => part.out.end(text, () => ok()))
  return part
}

describe('commitFree without hard links', () => {
  it('takes the name when free, and name (n) past an existing file and directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hd-nolink-'))
    expect(await commitFree(await finishedPart(dir, 'one'), dir, 'Sales.tdsx')).toEqual({
      path: join(dir, 'Sales.tdsx'),
      taken: false,
    })
    await mkdir(join(dir, 'Sales (1).tdsx'))
    expect(await commitFree(await finishedPart(dir, 'two'), dir, 'Sales.tdsx')).toEqual({
      path: join(dir, 'Sales (2).tdsx'),
      taken: true,
    })
    expect(await readFile(join(dir, 'Sales.tdsx'), 'utf8')).toBe('one')
    expect(await readFile(join(dir, 'Sales (2).tdsx'), 'utf8')).toBe('two')
    expect((await readdir(dir)).sort()).toEqual(['Sales (1).tdsx', 'Sales (2).tdsx', 'Sales.tdsx'])
    expect(link).toHaveBeenCalled() // the links path was tried, refused, and the fallback did the work
  })

  it('an existing file keeps its content', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hd-nolink-'))
    await writeFile(join(dir, 'Sales.tdsx'), 'mine')
    const saved = await commitFree(await finishedPart(dir, 'new'), dir, 'Sales.tdsx')
    expect(saved.path).toBe(join(dir, 'Sales (1).tdsx'))
    expect(await readFile(join(dir, 'Sales.tdsx'), 'utf8')).toBe('mine')
  })
})
