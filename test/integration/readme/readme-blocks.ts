/**
 * The fenced blocks of README.md and docs/*.md and their test markers. Conventions (also in docs/development.md):
 *
 * - Every fenced block names its language: `ts` and `sh` blocks are executed, in page order, each page against
 *   its own emulator; `json`/`csv` blocks are data; `text` blocks are never run (trees, output samples).
 * - An HTML comment right above a block steers it, one directive per comment (several comments may stack):
 *   - `<!-- readme-test: skip: <reason> -->`   not run; the reason is required and says why (e.g. it runs
 *     the test suite itself).
 *   - `<!-- readme-test: file: <name> -->`     the block is written to the working dir as <name> before
 *     any block runs (batch.json, tables.json, gone.csv the shell lines use).
 *   - `<!-- readme-test: prelude: <ts> -->`    TS run before the block (values the prose leaves to you,
 *     such as `rows`).
 *   - `<!-- readme-test: after: <ts> -->`      TS run after the block (closing what it leaves open).
 *   - `<!-- readme-test: background: <regex> -->`  a shell block that runs until stopped (the emulator):
 *     started, awaited until its stdout matches, then stopped with SIGTERM and expected to exit 0.
 *   - `<!-- readme-test: runner: vitest -->`  a `ts` block that is a vitest test file: run by `vitest run`
 *     (with the same `hyperdelta/...` mapping) instead of by node; it passes when every test in it passes.
 *     (A node:test file needs no marker: node runs its tests and exits 1 when one fails.)
 * - Real-server values and the emulator's default URL are swapped for the page's emulator (`substitutions` in the test).
 */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number
  lang: string
  code: string
  skip?: string
  file?: string
  prelude: string[]
  after: string[]
  background?: RegExp
  runner?: string
}

export const RUN_LANGS = ['ts', 'sh'] as const
export const DATA_LANGS = ['json', 'csv', 'yaml', 'python', 'text'] as const
/** What may run a `ts` block instead of node. */
export const RUNNERS = ['vitest'] as const

const DIRECTIVE = /^<!--\s*readme-test:\s*(skip|file|prelude|after|background|runner):\s*([\s\S]*?)\s*-->$/

/** Fenced blocks of a Markdown text (the page named `doc`) with the directives of the comments right above each. */
export function readmeBlocks(markdown: string, doc = 'README.md'): ReadmeBlock[] {
  const lines = markdown.split('\n')
  const blocks: ReadmeBlock[] = []
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'))
    if (end === -1) throw new Error(`${doc} line ${i + 1}: unclosed fence`)
    const block: ReadmeBlock = {
      line: i + 1,
      lang: open[1]!,
      code: lines.slice(i + 1, end).join('\n'),
      prelude: [],
      after: [],
    }
    // Comments directly above (blank lines between them allowed), nearest first.
    let j = i - 1
    while (j >= 0) {
      if (lines[j]!.trim() === '') {
        j -= 1
        continue
      }
      if (!lines[j]!.trimEnd().endsWith('-->')) break
      let start = j
      while (start >= 0 && !lines[start]!.includes('<!--')) start -= 1
      const comment = lines
        .slice(start, j + 1)
        .join('\n')
        .trim()
      const directive = DIRECTIVE.exec(comment)
      if (!directive) break
      const [, kind, value] = directive
      if (kind === 'skip') block.skip = value!
      else if (kind === 'file') block.file = value!
      else if (kind === 'prelude') block.prelude.unshift(value!)
      else if (kind === 'after') block.after.unshift(value!)
      else if (kind === 'runner') block.runner = value!
      else block.background = new RegExp(value!)
      j = start - 1
    }
    blocks.push(block)
    i = end
  }
  return blocks
}
