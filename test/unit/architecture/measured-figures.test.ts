import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoFiles, root } from './repo-files.js'

// No measured figures in code comments: they go stale silently. They live, dated, in bench/results.md
// ("Measurements behind design choices"), and a comment points there. Limits, defaults and protocol facts
// ("at most 64 MiB", "default 50 ms", "a 5 % margin") are not measurements and stay.

const NUMBER = String.raw`~?\d[\d,]*(?:\.\d+)?`
const UNIT = '(?:ns|µs|us|ms|s|sec|seconds?|minutes?|min|h|hours?|B|bytes?|KB|MB|GB|KiB|MiB|GiB|%|×|x)'
/** A number with a unit of time, size, share or ratio. */
const FIGURE = new RegExp(String.raw`(?<![\w.])${NUMBER}\s?${UNIT}(?![\w])`, 'i')
/** Figures that are measurements whatever the context. */
const ALWAYS_MEASURED = [
  new RegExp(String.raw`${NUMBER}\s?(?:x|×)\s?(?:faster|slower|quicker|the speed|less|more)\b`, 'i'),
  /\b(?:twice|thrice|half|\d+(?:\.\d+)? times|(?:two|three|four|five|ten) times) as (?:fast|slow|quick|much|long)\b/i,
  new RegExp(
    String.raw`${NUMBER}\s?(?:rows|values|files|requests|MB|GB|MiB|GiB)\s?(?:/|per )\s?(?:s|sec|second)\b`,
    'i',
  ),
  // A time per unit of work ("~90 ns per value", "100 ns a string").
  new RegExp(String.raw`${NUMBER}\s?(?:ns|µs|us|ms)\s(?:per|a|an|each)\s\w+`, 'i'),
  // A share of the run put in words ("cost a quarter of packaging time").
  /\b(?:a|one) (?:half|third|quarter|fifth|tenth) of (?:the )?[\w ]{0,20}time\b/i,
]
/** Words that make a figure in the same sentence a measurement. */
const MEASUREMENT_CUE =
  /\b(?:measured|measuring|benchmarks?|bench|took|takes|faster|slower|speed(?:up)?|throughput|peak|rss|on (?:this|our|the) machine|versus|vs\.?|costs?|saved|saves|spent|median|observed|profil(?:e|ed|ing))\b/i

/**
 * Every comment of a TypeScript source, as lines with their 1-based line numbers. A small scanner (the native
 * TypeScript compiler has no JS API): strings, template literals (with `${}` nesting) and regex literals are
 * skipped, so `'//'` in a string or `/\/\//` in a regex is not a comment.
 */
function commentLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  const closers: number[] = [] // brace depth at which each open `${` of a template closes
  let depth = 0
  let line = 1
  let last = '' // last significant character outside comments
  let i = 0
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text[k] === '\n') line++
    i = to
  }
  const template = (from: number) => {
    let j = from
    while (j < text.length) {
      if (text[j] === '\\') j += 2
      else if (text[j] === '`') return advance(j + 1)
      else if (text[j] === '$' && text[j + 1] === '{') {
        closers.push(depth)
        return advance(j + 2)
      } else j++
    }
    advance(j)
  }
  while (i < text.length) {
    const c = text[i]!
    const next = text[i + 1]
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i)
      out.push({ line, text: text.slice(i + 2, end) })
      advance(end)
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2)
      const end = close < 0 ? text.length : close + 2
      text
        .slice(i + 2, end - 2)
        .split('\n')
        .forEach((l, k) => {
          out.push({ line: line + k, text: l.replace(/^\s*\**/, '') })
        })
      advance(end)
    } else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1
      advance(j + 1)
      last = 'a'
    } else if (c === '`') {
      template(i + 1)
      last = 'a'
    } else if (c === '}' && closers.at(-1) === depth) {
      closers.pop()
      template(i + 1)
      last = 'a'
    } else if (c === '/' && !/[\w$)\]]/.test(last)) {
      // A regex literal (a `/` after an operator or at the start); skip it, classes and escapes included.
      let j = i + 1
      let inClass = false
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++
        else if (text[j] === '[') inClass = true
        else if (text[j] === ']') inClass = false
        j++
      }
      advance(j + 1)
      last = 'a'
    } else {
      if (c === '{') depth++
      if (c === '}') depth--
      if (!/\s/.test(c)) last = c
      advance(i + 1)
    }
  }
  return out
}

/** `file:line: text` for each comment line holding a measured figure. */
function measuredFigures(path: string, text: string): string[] {
  const lines = commentLines(text)
  const found: string[] = []
  lines.forEach(({ line, text: l }, i) => {
    // A sentence may run over the neighbouring lines of the same comment: look at them for the cue.
    const near = [lines[i - 1], lines[i + 1]]
      .filter((n) => n !== undefined && Math.abs(n.line - line) === 1)
      .map((n) => n!.text)
    const sentence = [near[0] ?? '', l, near[1] ?? ''].join(' ')
    const measured =
      ALWAYS_MEASURED.some((re) => re.test(l)) || (FIGURE.test(l) && MEASUREMENT_CUE.test(sentenceAround(sentence, l)))
    if (measured) found.push(`${path}:${line}: ${l.trim()}`)
  })
  return found
}

/** The sentence(s) of `context` that overlap `line`: a cue in another sentence does not count. */
function sentenceAround(context: string, line: string): string {
  const start = context.indexOf(line)
  const sentences = context.split(/(?<=[.;!?])\s+(?=[A-Z(`"'])/)
  let at = 0
  return sentences
    .filter((s) => {
      const from = context.indexOf(s, at)
      at = from + s.length
      return from < start + line.length && from + s.length > start
    })
    .join(' ')
}

describe('no measured figures in code comments', () => {
  it('src/ and pipelines/ comments cite bench/results.md instead of quoting measurements', () => {
    const files = ['src', 'pipelines'].flatMap((dir) => repoFiles(dir))
    expect(files.length).toBeGreaterThan(50)
    expect(files.flatMap((f) => measuredFigures(f, readFileSync(join(root, f), 'utf8')))).toEqual([])
  })

  it.each([
    ['// packaging takes 1,250 ms on the benchmark', 1],
    ['/** Reads ~90 ns per value. */', 1],
    ['/**\n * Native SNAPPY is 2.7× faster on our pages\n */', 2],
    ['const a = 1 // peak RSS 210 MB', 1],
    ['/*\n * The generic loop measured\n * 12 % slower.\n */', 3],
    ['// it packages 400,000 rows/s here', 1],
    ['// compresses about twice as fast as snappyjs', 1],
    ['// one native call per string cost ~100 ns a value', 1],
    ['/** Keeping the strings cost a quarter of packaging time. */', 1],
  ])('catches a planted measurement: %j', (source, line) => {
    const found = measuredFigures('planted.ts', `export const x = 1\n${source}\n`)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(new RegExp(`^planted\\.ts:${line + 1}: `))
  })

  it.each([
    '/** Bytes per append request, 1 .. 64 MiB (default 64 MiB). */',
    '// How long a job stays queued before it runs; default 50 ms.',
    '/** Stays below `limit × 10^6` with a 5 % margin. */',
    '// first poll at once, then ~0.5 s growing ×1.4 per poll up to 30 s',
    "const s = '// packaging takes 1,250 ms on the benchmark'",
    '// several times slower than the default (bench/results.md)',
    '/** 8 bytes / load factor per key: 11.4–22.9 bytes per key, ~15 on average. */',
  ])('leaves limits, defaults, strings and pointers alone: %j', (source) => {
    expect(measuredFigures('fine.ts', `${source}\n`)).toEqual([])
  })
})
