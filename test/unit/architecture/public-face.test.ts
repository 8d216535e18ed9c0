import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as rootEntry from '../../../src/index.js'
import * as wireEntry from '../../../src/wire.js'
import { repoFiles, root } from './repo-files.js'

// The root entry is what applications write against, so it stays small and deliberate: a budget of runtime values
// (code tables and protocol defaults belong in `hyperdelta/wire`, the tools' helpers in src/internal.ts), and
// explicit export lists only, so that nothing joins it by accident when a module grows an export.

/** At most this many runtime values in the root entry (types are not counted: they cost nothing at run time). */
const ROOT_VALUE_BUDGET = 45

/** Entries of the package and the internal entry: each lists its names; none re-exports a whole module. */
const ENTRIES = ['src/index.ts', 'src/wire.ts', 'src/format.ts', 'src/internal.ts', 'pipelines/index.ts']

describe('public face', () => {
  it(`the root entry exports at most ${ROOT_VALUE_BUDGET} runtime values`, () => {
    const values = Object.keys(rootEntry)
    expect(values.length).toBeGreaterThan(0)
    expect(values.length, values.sort().join(', ')).toBeLessThanOrEqual(ROOT_VALUE_BUDGET)
  })

  it('the entries re-export explicit lists only (no `export *`)', () => {
    const star = /^\s*export\s+(?:type\s+)?\*/m
    // The check sees a star re-export when there is one.
    expect(star.test("export * from './x.js'") && star.test("  export type * as y from './y.js'")).toBe(true)
    const offenders = [...ENTRIES, ...repoFiles('src').filter((file) => file.endsWith('/index.ts'))].filter((file) =>
      star.test(readFileSync(join(root, file), 'utf8')),
    )
    expect(offenders).toEqual([])
  })

  it('code tables and protocol defaults are in hyperdelta/wire, not in the root entry', () => {
    const tables = Object.keys(wireEntry).filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name))
    expect(tables).toEqual(expect.arrayContaining(['ERROR_CODES', 'PROBED_FACTS', 'DEFAULT_RETRY_POLICY']))
    const inRoot = Object.keys(rootEntry).filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name))
    expect(inRoot).toEqual([])
  })
})
