import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoFiles, root } from './repo-files.js'

// Small files, one concept each: no source file over 300 lines (tests are exempt: a table of cases is one concept).

const MAX_LINES = 300

describe('file size', () => {
  it(`no source file is over ${MAX_LINES} lines`, () => {
    const sizes = ['src', 'pipelines', 'bench', 'samples']
      .flatMap((dir) => repoFiles(dir, /\.ts$/))
      .map((file) => ({
        file: relative(root, join(root, file)),
        lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1,
      }))
    expect(sizes.length).toBeGreaterThan(50)
    expect(sizes.filter((s) => s.lines > MAX_LINES)).toEqual([])
  })
})
