import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

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
