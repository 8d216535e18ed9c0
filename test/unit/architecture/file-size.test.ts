import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// Small files, one concept each: no source file over 300 lines (tests are exempt: a table of cases is one concept).

const root = resolve(import.meta.dirname, '../../..')
const MAX_LINES = 300

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return tsFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

describe('file size', () => {
  it(`no source file is over ${MAX_LINES} lines`, () => {
    const sizes = ['src', 'pipelines', 'bench', 'samples'].flatMap(tsFiles).map((file) => ({
      file: relative(root, join(root, file)),
      lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1,
    }))
    expect(sizes.length).toBeGreaterThan(50)
    expect(sizes.filter((s) => s.lines > MAX_LINES)).toEqual([])
  })
})
