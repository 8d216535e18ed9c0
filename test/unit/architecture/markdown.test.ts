import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Rule } from 'markdownlint'
import { lint } from 'markdownlint/promise'
import { describe, expect, it } from 'vitest'
import { repoFiles, root } from './repo-files.js'

// The README and docs/ are read on GitHub and npm: a table cut in two renders its rows as text, and a link
// to a moved heading or file goes nowhere. markdownlint checks anchors and table shape; the two rules below
// add what it leaves out.

/** A line that looks like a table row but belongs to no table (e.g. rows continued after a paragraph). */
const orphanTableRow: Rule = {
  names: ['orphan-table-row'],
  description: 'table rows outside a table',
  tags: ['table'],
  parser: 'micromark',
  function: (params, onError) => {
    const inTable = new Set<number>()
    const inCode = new Set<number>()
    for (const token of params.parsers.micromark.tokens) {
      // GFM's `table` token is not in micromark's core token type map, hence the widening to string.
      const type: string = token.type
      const lines = type === 'table' ? inTable : /^code(Fenced|Indented)$/.test(type) ? inCode : undefined
      for (let n = token.startLine; lines && n <= token.endLine; n++) lines.add(n)
    }
    params.lines.forEach((line, i) => {
      const n = i + 1
      if (/^\s*\|.*\|\s*$/.test(line) && !inTable.has(n) && !inCode.has(n)) onError({ lineNumber: n, detail: line })
    })
  },
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (code spans keep their text), spaces → `-`. */
function slug(heading: string): string {
  return heading
    .replaceAll('`', '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-')
}

/** The anchors of a Markdown file's headings (repeated headings get `-1`, `-2`… as on GitHub). */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  let fenced = false
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line)
    if (!heading) continue
    const base = slug(heading[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}

/** A relative link names a file or folder that exists in the repository, and a heading of a Markdown file. */
const relativeLinkTarget: Rule = {
  names: ['relative-link-target'],
  description: 'relative links resolve to files in the repository (and their #anchors to headings)',
  tags: ['links'],
  parser: 'micromark',
  function: (params, onError) => {
    const walk = (tokens: typeof params.parsers.micromark.tokens) => {
      for (const token of tokens) {
        if (token.type === 'resourceDestinationString' || token.type === 'definitionDestinationString') {
          const target = token.text.split('#')[0]!
          if (target && !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//')) {
            const file = resolve(root, dirname(params.name), decodeURIComponent(target))
            const anchor = token.text.split('#')[1]
            const dead =
              !existsSync(file) ||
              (anchor !== undefined && file.endsWith('.md') && statSync(file).isFile() && !anchorsOf(file).has(anchor))
            if (dead) onError({ lineNumber: token.startLine, detail: token.text })
          }
        }
        walk(token.children)
      }
    }
    walk(params.parsers.micromark.tokens)
  },
}

const documents = ['README.md', ...repoFiles('docs', /\.md$/)]

async function problems(files: string[]): Promise<string[]> {
  const results = await lint({
    files: files.map((f) => join(root, f)),
    config: {
      default: false,
      MD011: true,
      MD042: true,
      MD051: true,
      MD056: true,
      'orphan-table-row': true,
      'relative-link-target': true,
    },
    customRules: [orphanTableRow, relativeLinkTarget],
  })
  return Object.entries(results).flatMap(([file, errors]) =>
    errors.map((e) => `${file.slice(root.length + 1)}:${e.lineNumber} ${e.ruleNames[0]} ${e.errorDetail ?? ''}`),
  )
}

describe('README.md and docs/', () => {
  it('have whole tables and links that resolve (anchors and repository files)', async () => {
    expect(await problems(documents)).toEqual([])
  })

  it('the checks find a table cut by a paragraph, a dead anchor (here and in another file) and a missing file', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises')
    const dir = await mkdtemp(join(root, 'docs', '.markdown-check-'))
    try {
      const file = join(dir, 'bad.md')
      await writeFile(
        file,
        [
          '# Title',
          '',
          '| a | b |',
          '|---|---|',
          '| 1 | 2 |',
          '',
          'A paragraph.',
          '| 3 | 4 |',
          '',
          '[gone](#no-such-heading) [missing](./no-such-file.md) [fine](#title)',
          '[moved](../../README.md#no-such-heading) [there](../../README.md#install)',
          '',
        ].join('\n'),
      )
      const found = await problems([file.slice(root.length + 1)])
      expect(found.map((p) => p.split(' ')[1]).sort()).toEqual([
        'MD051',
        'orphan-table-row',
        'relative-link-target',
        'relative-link-target',
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
