import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { localImports, repoFiles, root } from './repo-files.js'

// The architecture rules, checked on the source: consumers of the library (cli, emulator, pipelines, samples,
// bench) import only public entries (and hyperdelta's own tools also the internal entry), and no module imports
// itself back through a cycle (type-only imports count).

/** Public entries: the package's exports. */
const PUBLIC_ENTRIES = [
  'src/index.ts',
  'src/wire.ts',
  'src/format.ts',
  'src/emulator/index.ts',
  'src/testing/index.ts',
  'pipelines/index.ts',
]

/** Consumer folders: each may import its own files, and otherwise only public entries. */
const CONSUMERS = ['src/cli', 'src/emulator', 'src/testing', 'pipelines', 'samples', 'bench']

/**
 * The internal entry: helpers hyperdelta's own tools share with the library. Not a package export (so not in
 * PUBLIC_ENTRIES); only these consumers may import it — samples and bench are written as an application would be.
 */
const INTERNAL_ENTRY = 'src/internal.ts'
const INTERNAL_USERS = ['src/cli', 'src/emulator', 'src/testing', 'pipelines']

/**
 * Walled sub-modules: a folder whose files are internals, reached from outside only through its face. Tests that
 * unit-test the internals live in the mirrored test folder and may import them.
 */
const WALLS = [
  { folder: 'src/payload/parquet', face: 'src/payload/parquet/index.ts', tests: 'test/unit/payload/parquet' },
]

/** Imports that cross a wall into anything but its face; `as` checks a file's imports as if it lived there. */
function wallViolations(files: readonly string[], as?: string): string[] {
  const violations: string[] = []
  for (const file of files) {
    const where = as ?? file
    for (const target of localImports(file)) {
      for (const wall of WALLS) {
        const inside = (path: string) => path.startsWith(`${wall.folder}/`)
        const allowed = inside(where) || where.startsWith(`${wall.tests}/`) || target === wall.face
        if (inside(target) && !allowed) violations.push(`${file} → ${target}`)
      }
    }
  }
  return violations
}

describe('import graph', () => {
  it('cli, emulator, testing, pipelines, samples and bench import only public entries (the tools also the internal one)', () => {
    const violations: string[] = []
    for (const folder of CONSUMERS) {
      for (const file of repoFiles(folder)) {
        for (const target of localImports(file)) {
          const inside = target.startsWith(`${folder}/`)
          const internal = target === INTERNAL_ENTRY && INTERNAL_USERS.includes(folder)
          if (!inside && !internal && !PUBLIC_ENTRIES.includes(target)) violations.push(`${file} → ${target}`)
        }
      }
    }
    expect(violations).toEqual([])
  })

  it('the internal entry is used by the tools and is not a package export', () => {
    const users = INTERNAL_USERS.filter((folder) =>
      repoFiles(folder).some((file) => localImports(file).includes(INTERNAL_ENTRY)),
    )
    expect(users.length).toBeGreaterThan(0)
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: object }
    expect(JSON.stringify(exports)).not.toContain('internal')
    // Library code below the entries never reaches up to it (it would turn an internal helper into a dependency).
    const library = repoFiles('src').filter(
      (file) => !INTERNAL_USERS.some((folder) => file.startsWith(`${folder}/`)) && file !== INTERNAL_ENTRY,
    )
    expect(library.filter((file) => localImports(file).includes(INTERNAL_ENTRY))).toEqual([])
  })

  it('samples import hyperdelta by its package name, as an app would, through tsconfig paths that match the exports', () => {
    const leaving = repoFiles('samples').flatMap((file) =>
      localImports(file)
        .filter((target) => !target.startsWith('samples/'))
        .map((target) => `${file} → ${target}`),
    )
    expect(leaving).toEqual([])
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { default: string }>
    }
    const expected = Object.fromEntries(
      Object.entries(exports).flatMap(([key, target]) =>
        typeof target === 'string'
          ? []
          : [[`hyperdelta${key.slice(1)}`, [`./${target.default.replace(/^\.\/dist\/(.*)\.js$/, '$1.ts')}`]]],
      ),
    )
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> }
    }
    expect(tsconfig.compilerOptions.paths).toEqual(expected)
  })

  it('the public entries are exactly the package exports (types and code from the same source)', () => {
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>
    }
    const sources = Object.values(exports).flatMap((target) =>
      typeof target === 'string'
        ? []
        : [
            target.types.replace(/^\.\/dist\/(.*)\.d\.ts$/, '$1.ts'),
            target.default.replace(/^\.\/dist\/(.*)\.js$/, '$1.ts'),
          ],
    )
    expect([...new Set(sources)].sort()).toEqual([...PUBLIC_ENTRIES].sort())
  })

  it('the Parquet engine is reached only through its face (parquetFormat and friends)', () => {
    const everything = ['src', 'pipelines', 'samples', 'bench', 'test'].flatMap((dir) => repoFiles(dir))
    expect(wallViolations(everything)).toEqual([])
  })

  it('the wall check catches an import of an engine internal from outside', () => {
    const walled = WALLS[0]!
    const face = localImports(walled.face)
    expect(face.length).toBeGreaterThan(0)
    // The face itself imports internals: seen from outside the folder, those very edges are violations.
    expect(wallViolations([walled.face], 'src/payload/outside.ts')).toHaveLength(face.length)
  })

  it('has no import cycles, type-only imports included', () => {
    const files = [...repoFiles('src'), ...repoFiles('pipelines')]
    const edges = new Map(files.map((f) => [f, localImports(f).filter((t) => files.includes(t))]))
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (f: string): void => {
      state.set(f, 'open')
      stack.push(f)
      for (const t of edges.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' → '))
        else if (!state.has(t)) visit(t)
      }
      stack.pop()
      state.set(f, 'done')
    }
    for (const f of files) if (!state.has(f)) visit(f)
    expect(cycles).toEqual([])
  })

  it('the checks see real imports (a consumer file importing an internal is caught)', () => {
    expect(localImports('src/cli/run-cli.ts').length).toBeGreaterThan(0)
    expect(localImports('src/index.ts')).toContain('src/errors.ts')
  })
})
