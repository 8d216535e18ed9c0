import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoFiles, root } from './repo-files.js'

// Comments cite the protocol as `docs/protocol.md §x.y`: every cited section exists, and nothing in the repository
// points at files outside it.

describe('protocol references', () => {
  const sources = [
    ...['src', 'pipelines', 'bench', 'samples', 'test', 'docs'].flatMap((dir) => repoFiles(dir, /\.(ts|md)$/)),
    'README.md',
  ]
  const headings = new Set(
    [...readFileSync(join(root, 'docs/protocol.md'), 'utf8').matchAll(/^#+ (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]!),
  )

  it('every docs/protocol.md §x cited in the code is a section of docs/protocol.md', () => {
    const missing: string[] = []
    for (const file of sources) {
      const text = readFileSync(join(root, file), 'utf8')
      for (const m of text.matchAll(/docs\/protocol\.md §(\d+(?:\.\d+)*)/g)) {
        // §13.13 names item 13 of the open questions in §13.
        const section = m[1]!.startsWith('13.') ? '13' : m[1]!
        if (!headings.has(section)) missing.push(`${file}: §${m[1]}`)
      }
    }
    expect(headings.size).toBeGreaterThan(20)
    expect(missing).toEqual([])
  })

  it('nothing cites an outside document ("spec §", reference copies, machine paths)', () => {
    const outside = /\bspec §|shared\/reference|hyper-update-spec|\/work\/|\/home\//
    const others = sources.filter((file) => !file.endsWith('protocol-refs.test.ts'))
    expect(others.filter((file) => outside.test(readFileSync(join(root, file), 'utf8')))).toEqual([])
  })
})
