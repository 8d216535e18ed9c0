import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Columns, defineTable, HyperdeltaError, parseActions, type Table, type WireBatch } from '../index.js'
import { Batch, COLUMN_SPEC_HINT, parseColumnSpec } from '../internal.js'
import { setOwn } from '../wire.js'
import { assertReadableFile, readJsonFile } from './input-files.js'

export interface LoadedBatch {
  batch: Batch | WireBatch
  /** Source tables by name: from the module's batch, a --schema file, or Parquet footers. */
  sources: Map<string, Table>
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function usage(message: string): HyperdeltaError {
  return new HyperdeltaError('USAGE', message)
}

/**
 * A batch from a JSON file of wire actions, or from a JS/TS module exporting `batch` (a typed Batch)
 * or a default export. `.ts` modules need tsx (a dev dependency of most TS projects).
 */
export async function loadBatch(file: string): Promise<LoadedBatch> {
  const ext = extname(file)
  if (ext === '.json') {
    return { batch: parseActions(await readJsonFile('--batch', file)), sources: new Map() }
  }
  if (!['.js', '.mjs', '.ts', '.mts'].includes(ext)) throw usage(`--batch: ${file}: expected .json, .js, .mjs or .ts`)
  await assertReadableFile('--batch', file)
  if (ext === '.ts' || ext === '.mts') {
    try {
      const tsx = (await import('tsx/esm/api' as string)) as { register: () => unknown }
      tsx.register()
    } catch {
      throw usage(`--batch: loading ${file} needs tsx (npm i -D tsx), or compile it to .js`)
    }
  }
  let module: { batch?: unknown; default?: unknown }
  try {
    module = await import(pathToFileURL(resolve(file)).href)
  } catch (error) {
    // The user's module failed to load (syntax error, a throw at top level, a missing import): bad input.
    throw new HyperdeltaError(
      'INPUT_INVALID',
      `--batch ${file}: cannot load the module: ${(error as Error)?.message}`,
      {
        cause: error,
        details: { file },
      },
    )
  }
  const exported = module.batch ?? module.default
  const value = typeof exported === 'function' ? await (exported as () => unknown)() : exported
  if (!(value instanceof Batch) && !(typeof value === 'object' && value && 'compile' in value)) {
    throw usage(`--batch: ${file} must export \`batch\` (or default) as a Batch from hyperdelta's batch()`)
  }
  const batch = value as Batch
  const sources = new Map<string, Table>()
  for (const node of batch.actions) if (node.source) sources.set(node.source.name, node.source)
  return { batch, sources }
}

/**
 * Table definitions from a schema file: `{ "changes": { "id": "int64", "amount": "float64?" } }`,
 * where a trailing `?` makes the column nullable. Needed for CSV/NDJSON inputs of a JSON batch.
 */
export async function loadSchemaFile(file: string): Promise<Map<string, Table>> {
  const raw = await readJsonFile('--schema', file)
  const invalid = (where: string, message: string) =>
    new HyperdeltaError('INPUT_INVALID', `--schema ${file}: ${where}${message}`, { details: { file, field: where } })
  if (!isPlainObject(raw)) throw invalid('', 'expected {"<table>": {"<column>": "<type>"}}')
  const tables = new Map<string, Table>()
  for (const [name, cols] of Object.entries(raw)) {
    if (!isPlainObject(cols)) throw invalid(name, ': expected {"<column>": "<type>"}')
    const columns: Columns = {}
    for (const [col, spec] of Object.entries(cols)) {
      const type = parseColumnSpec(spec)
      if (!type) throw invalid(`${name}.${col}`, `: unknown type ${JSON.stringify(spec)} (use ${COLUMN_SPEC_HINT})`)
      setOwn(columns, col, type)
    }
    tables.set(name, defineTable({ name }, columns))
  }
  return tables
}
