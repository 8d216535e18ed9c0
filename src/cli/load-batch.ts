import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  Batch,
  COLUMN_KINDS,
  type ColumnKind,
  type Columns,
  defineTable,
  HyperdeltaError,
  parseActions,
  type Table,
  type WireBatch,
} from '../index.js'
import { bool, type ColumnType, date, float64, int32, int64, text, timestamp } from '../schema/column-types.js'
import { setOwn } from '../schema/own-property.js'

const COLUMN_FACTORIES: Record<ColumnKind, (o: { nullable: boolean }) => ColumnType> = {
  int64,
  int32,
  float64,
  text,
  bool,
  date,
  timestamp,
}

export interface LoadedBatch {
  batch: Batch | WireBatch
  /** Source tables by name: from the module's batch, a --schema file, or Parquet footers. */
  sources: Map<string, Table>
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
    return { batch: parseActions(await readFile(file, 'utf8')), sources: new Map() }
  }
  if (!['.js', '.mjs', '.ts', '.mts'].includes(ext)) throw usage(`--batch: ${file}: expected .json, .js, .mjs or .ts`)
  if (ext === '.ts' || ext === '.mts') {
    try {
      const tsx = (await import('tsx/esm/api' as string)) as { register: () => unknown }
      tsx.register()
    } catch {
      throw usage(`--batch: loading ${file} needs tsx (npm i -D tsx), or compile it to .js`)
    }
  }
  const module = (await import(pathToFileURL(resolve(file)).href)) as { batch?: unknown; default?: unknown }
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
  const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>
  const tables = new Map<string, Table>()
  for (const [name, cols] of Object.entries(raw)) {
    const columns: Columns = {}
    for (const [col, spec] of Object.entries(cols)) {
      const kind = spec.replace(/\?$/, '') as ColumnKind
      if (!(COLUMN_KINDS as readonly string[]).includes(kind)) {
        throw new HyperdeltaError(
          'INPUT_INVALID',
          `input: ${file}: ${name}.${col}: unknown type "${spec}" (use ${COLUMN_KINDS.join(', ')})`,
        )
      }
      setOwn(columns, col, COLUMN_FACTORIES[kind]({ nullable: spec.endsWith('?') }))
    }
    tables.set(name, defineTable({ name }, columns))
  }
  return tables
}
