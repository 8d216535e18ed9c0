import { extname } from 'node:path'
import { type ChangeRows, fromParquet, HyperdeltaError, type Table, tableFromParquet } from '../index.js'
import { expandAll } from './file-lists.js'
import { assertReadableFile } from './input-files.js'
import { readCsvRows, readNdjsonRows } from './text-inputs.js'

/** `--input changes=a.parquet --input changes=b.parquet --input gone=gone.csv` → files per table name. */
export function parseInputFlags(values: readonly string[], flag = '--input'): Map<string, string[]> {
  const inputs = new Map<string, string[]>()
  for (const value of values) {
    const eq = value.indexOf('=')
    if (eq <= 0 || eq === value.length - 1) {
      throw new HyperdeltaError('USAGE', `${flag} ${value}: expected <name>=<file>`)
    }
    const name = value.slice(0, eq)
    inputs.set(name, [...(inputs.get(name) ?? []), value.slice(eq + 1)])
  }
  return inputs
}

type Format = 'parquet' | 'csv' | 'ndjson'
function formatOf(file: string): Format {
  const ext = extname(file).toLowerCase()
  if (ext === '.parquet') return 'parquet'
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  throw new HyperdeltaError('USAGE', `--input ${file}: unknown format (use .parquet, .csv, .ndjson or .jsonl)`)
}

async function* concat(
  parts: (() => AsyncIterable<Record<string, unknown>>)[],
): AsyncGenerator<Record<string, unknown>> {
  for (const part of parts) yield* part()
}

/**
 * Change rows for each source table from its files. A JSON batch learns its source tables from the
 * `--schema` file or, for Parquet inputs, from the first file's footer.
 */
export async function resolveInputs(
  files: Map<string, string[]>,
  sources: Map<string, Table>,
): Promise<{ rows: Record<string, ChangeRows>; sources: Map<string, Table> }> {
  const rows: Record<string, ChangeRows> = {}
  for (const [name, patterns] of files) {
    const paths = await expandAll('--input', patterns)
    const formats = new Set(paths.map(formatOf))
    if (formats.size > 1)
      throw new HyperdeltaError('USAGE', `--input ${name}: mix of formats ${[...formats].join(', ')}`)
    const format = [...formats][0]!
    for (const path of paths) await assertReadableFile('--input', path)
    let table = sources.get(name)
    if (!table) {
      if (format !== 'parquet') {
        throw new HyperdeltaError(
          'USAGE',
          `--input ${name}: ${format} inputs of a JSON batch need --schema with the table's columns`,
        )
      }
      table = await tableFromParquet(paths[0]!, { name })
      sources.set(name, table)
    }
    const t = table
    if (format === 'parquet') rows[name] = fromParquet(paths)
    else {
      const read = format === 'csv' ? readCsvRows : readNdjsonRows
      rows[name] = concat(paths.map((p) => () => read(p, t)))
    }
  }
  return { rows, sources }
}
