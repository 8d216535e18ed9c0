import { type Columns, type ErrorDetails, HyperdeltaError, type Table } from '../../src/index.js'
import { literal } from '../sql-text.js'
import type { CdcEngine } from './cdc-engine.js'

/** The files of one Parquet input (globs expanded, in read order) and the one schema they all have. */
export interface InputFiles {
  files: readonly string[]
  /** Column name → DuckDB type, the same in every file. */
  types: Map<string, string>
}

const invalid = (message: string, details: ErrorDetails<'CDC_INVALID'>) =>
  new HyperdeltaError('CDC_INVALID', `cdc: ${message}`, { details })

/** The files each path names, globs expanded in the order `read_parquet` reads them; a path that names none is CDC_INVALID. */
async function expand(engine: CdcEngine, paths: readonly string[], what: string): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    const found = await engine.rows(`SELECT file FROM glob(${literal(path)})`, `${what} ${path}`)
    if (found.length === 0) throw invalid(`${what} ${path}: no such file`, { path })
    files.push(...found.map((r) => String(r.file)))
  }
  return files
}

/** Column name → DuckDB type of one file, in the file's order (its footer only). */
async function fileSchema(engine: CdcEngine, file: string, what: string): Promise<Map<string, string>> {
  const rows = await engine.rows(`DESCRIBE SELECT * FROM read_parquet(${literal(file)})`, `${what} ${file}`)
  return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]))
}

/**
 * Reads every file's own schema and refuses (CDC_INVALID, naming the file and the column) any file that
 * does not have exactly the expected columns — the table's plus `extra` (a log's op and order columns) —
 * or whose column types differ from the first file's. Reading the files together would otherwise fill a
 * missing or renamed column with NULL and give a column of several types one common type (text, for an
 * integer in one file and text in another).
 */
export async function checkInputFiles(
  engine: CdcEngine,
  table: Table<Columns>,
  paths: readonly string[],
  extra: readonly string[],
  what: string,
): Promise<InputFiles> {
  const files = await expand(engine, paths, what)
  engine.inputs.set(what, files)
  const expected = [...table.columnNames, ...extra.filter((c) => !(c in table.columns))]
  let first: { file: string; types: Map<string, string> } | undefined
  for (const file of files) {
    const types = await fileSchema(engine, file, what)
    const unknown = [...types.keys()].filter((c) => !expected.includes(c))
    const missing = expected.find((c) => !types.has(c))
    if (missing !== undefined) {
      const needs = missing in table.columns ? `${table.name} needs it` : 'the change log needs it'
      const instead = unknown.length > 0 ? `; it has ${unknown.map((c) => `"${c}"`).join(', ')} instead` : ''
      throw invalid(`${what} ${file} has no column "${missing}" (${needs})${instead}`, { path: file, column: missing })
    }
    if (unknown.length > 0) {
      throw invalid(
        `${what} ${file} has column "${unknown[0]}", which ${table.name} does not have${extra.length > 0 ? ' (nor is it the op or order column)' : ''}`,
        { path: file, column: unknown[0]! },
      )
    }
    if (first === undefined) {
      first = { file, types }
      continue
    }
    for (const [column, type] of types) {
      const firstType = first.types.get(column)!
      if (type !== firstType) {
        throw invalid(
          `${what} ${file}: column "${column}" is ${type}, but ${firstType} in ${first.file}; every file must give a column the same type`,
          { path: file, column, type, otherPath: first.file, otherType: firstType },
        )
      }
    }
  }
  return { files, types: first?.types ?? new Map() }
}
