import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** The repository's root: the architecture tests read its files by their repo-relative paths. */
export const root = resolve(import.meta.dirname, '../../..')

/** TypeScript sources, declaration files left out. */
export const TS_SOURCE = /(?<!\.d)\.ts$/

/** Repo-relative paths of the files below `dir` (recursively) whose names match `pattern`. */
export function repoFiles(dir: string, pattern: RegExp = TS_SOURCE): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return repoFiles(path, pattern)
    return pattern.test(name) ? [path] : []
  })
}

/** Relative import specifiers of a file (static, type-only, re-exports and dynamic), resolved to repo paths. */
export function localImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g),
    ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]!)
  return specs.map((s) => relative(root, resolve(root, dirname(file), s.replace(/\.js$/, '.ts'))))
}
