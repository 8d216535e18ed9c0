import { stat } from 'node:fs/promises'
import { listParquetFiles } from '../../pipelines/index.js'
import { HyperdeltaError } from '../index.js'

// The one expansion of file arguments for push, cdc and load: a file as given, a folder (its *.parquet files),
// or a glob with * or ? in the file name (the loader's listParquetFiles: sorted by name, so every run reads the
// files in the same order).

const GLOB = /[*?]/

async function isFolder(pattern: string): Promise<boolean> {
  return stat(pattern).then(
    (s) => s.isDirectory(),
    () => false,
  )
}

/**
 * The files `pattern` names, given with `flag`. A plain file is returned as is (its readers report it when it
 * cannot be read); a folder or glob that matches nothing is bad input naming the flag and the pattern.
 */
export async function expandFiles(flag: string, pattern: string): Promise<string[]> {
  const folder = await isFolder(pattern)
  if (!folder && !GLOB.test(pattern)) return [pattern]
  const dirPart = pattern.slice(0, Math.max(0, pattern.lastIndexOf('/')))
  if (GLOB.test(dirPart)) {
    throw new HyperdeltaError('INPUT_INVALID', `${flag} ${pattern}: a glob may use * and ? in the file name only`, {
      details: { field: flag, file: pattern },
    })
  }
  try {
    return await listParquetFiles(pattern)
  } catch (cause) {
    // listParquetFiles says "no Parquet files" for an empty match and throws ENOENT for a missing folder.
    const what = folder ? 'the folder holds no *.parquet files' : 'no files match'
    throw new HyperdeltaError('INPUT_INVALID', `${flag} ${pattern}: ${what}`, {
      cause,
      details: { field: flag, file: pattern },
    })
  }
}

/** Every pattern expanded, in the order given (each pattern's files sorted). */
export async function expandAll(flag: string, patterns: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const p of patterns) files.push(...(await expandFiles(flag, p)))
  return files
}
