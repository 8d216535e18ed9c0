import {
  type Batch,
  type ChangeRows,
  type Columns,
  type ColumnType,
  defineTable,
  type ParquetFiles,
  readParquetRows,
  type Table,
  type VerifySpec,
  type WireBatch,
} from '../index.js'
import {
  DEFAULT_VERIFY_LIMITS,
  InvalidValue,
  normalizeValue,
  setOwn,
  type WireAction,
  wireConditionNodes,
} from '../wire.js'
import { usageError } from './command-table.js'

/**
 * `push --verify` in the CLI: `count=<n>` (the data source's row count afterwards) and `keys[=<column>]`
 * (the rows the batch inserted or upserted are there with the pushed values, the keys it deleted are not).
 */
export interface CliVerify {
  rowCount?: bigint
  /** The key column; `null` = derive it from the batch's conditions. */
  keys?: string | null
}

export const VERIFY_FLAG = {
  type: 'string',
  multiple: true,
  arg: 'count=<n>|keys[=<column>]',
  help: 'after the last job, read the data source back (VizQL Data Service) and check it; repeatable',
} as const

export const VERIFY_MAX_QUERIES_FLAG = {
  type: 'string',
  arg: '<n>',
  help: `--verify sends at most n VizQL Data Service queries (default ${DEFAULT_VERIFY_LIMITS.maxQueries}; the site's hourly cap is shared)`,
} as const

export const VERIFY_NOTES = `verify: count=<n> checks the row count; keys (or keys=<column>) checks that the rows the batch inserts or
  upserts are there with the pushed values and the keys it deletes are gone (update rows are not checked; the inputs
  are read again and held in memory), in batches of keys, within --verify-max-queries. What cannot be checked (no
  VizQL Data Service, no API access 403800, the site's query cap spent 429000, the query budget) gives "not
  verified" with the reason (exit 0, with a warning; the push itself succeeded); a mismatch exits 7.`

/** `--verify-max-queries <n>`: a whole number, 1 or more. */
export function parseVerifyMaxQueries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`--verify-max-queries ${value}: give a whole number, 1 or more`)
  }
  return n
}

/** `--verify count=10250 --verify keys=id` → what to check. */
export function parseVerifyFlags(values: readonly string[] | undefined): CliVerify | undefined {
  if (!values?.length) return undefined
  const out: CliVerify = {}
  for (const value of values) {
    const [name, arg] = value.includes('=')
      ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]
      : [value, undefined]
    if (name === 'count' && arg !== undefined && /^\d+$/.test(arg)) out.rowCount = BigInt(arg)
    else if (name === 'keys' && arg !== '') out.keys = arg ?? null
    else throw usageError(`--verify ${value}: use count=<n> (a whole number) or keys[=<column>]`)
  }
  return out
}

/** The comparison of `eq target-col = source-col` on `key`, when the condition is one (or an `and` holding one). */
function sourceKeyColumn(action: WireAction, key: string): string | undefined {
  for (const node of wireConditionNodes(action.condition)) {
    if ('args' in node) {
      if (node.op !== 'and') return undefined
      continue
    }
    if (node.op === 'eq' && node['target-col'] === key && node['source-col'] !== undefined) return node['source-col']
  }
  return undefined
}

/** The one target column every keyed action matches on (`eq target-col = source-col`), or a usage error. */
function deriveKey(actions: readonly WireAction[]): string {
  const keys = new Set<string>()
  for (const a of actions) {
    if (a['source-table'] === undefined || a.action === 'insert' || a.action === 'replace') continue
    const eqs = [...wireConditionNodes(a.condition)].filter((n) => !('args' in n) && n.op === 'eq' && n['source-col'])
    if (eqs.length !== 1) continue
    keys.add((eqs[0] as { 'target-col': string })['target-col'])
  }
  if (keys.size !== 1) {
    throw usageError(
      `--verify keys: cannot tell the key column from the batch (${keys.size === 0 ? 'no action matches on one column' : `candidates: ${[...keys].join(', ')}`}); name it: --verify keys=<column>`,
    )
  }
  return [...keys][0]!
}

/**
 * The column types the checked values were pushed as: each inserting source's columns, and for the key the delete
 * sources' key columns too. They drive the comparison (verify never guesses a kind from a value); a column two
 * sources declare with different kinds cannot be checked as one and is a usage error.
 */
class CheckedColumns {
  readonly #columns: Columns = {}
  add(column: string, type: ColumnType, source: string): void {
    const known = this.#columns[column]
    if (known && known.kind !== type.kind) {
      throw usageError(`--verify keys: column ${column} is ${known.kind} in one input and ${type.kind} in ${source}`)
    }
    if (!known || type.nullable) setOwn(this.#columns, column, type)
  }
  table(name: string): Table {
    return defineTable({ name }, this.#columns)
  }
}

/** A key value as one map key per value of its kind (2^53 + 1 stays itself; a Date and its ISO text are one). */
function keyText(type: ColumnType | undefined, raw: unknown): string {
  const v = type ? normalizeValue(type, raw) : raw
  const value = v instanceof InvalidValue ? raw : v
  return typeof value === 'bigint' ? `n${value}` : JSON.stringify(value)
}

/** Row objects of a CLI input: Parquet files (`fromParquet`) or the CSV / NDJSON readers' generators. */
async function* rowsOf(rows: ChangeRows): AsyncGenerator<Record<string, unknown>> {
  if ((rows as ParquetFiles).kind === 'parquet-files') yield* readParquetRows((rows as ParquetFiles).paths)
  else yield* rows as AsyncIterable<Record<string, unknown>>
}

const wireActions = (batch: Batch | WireBatch): readonly WireAction[] =>
  'compile' in batch ? batch.compile().actions : batch.actions

/** `--verify` with its key column named: what `verifySpecFor` checks. */
export interface ResolvedVerify {
  rowCount?: bigint
  keys?: string
}

/**
 * The key column `--verify keys` checks, resolved before anything is sent: a batch it cannot be told from, or a
 * delete that does not match on it, is a usage error while nothing has been pushed yet.
 */
export function resolveVerify(verify: CliVerify, batch: Batch | WireBatch): ResolvedVerify {
  if (verify.keys === undefined) return verify.rowCount === undefined ? {} : { rowCount: verify.rowCount }
  const actions = wireActions(batch)
  const key = verify.keys ?? deriveKey(actions)
  for (const action of actions) {
    if (action.action === 'delete' && action['source-table'] !== undefined && !sourceKeyColumn(action, key)) {
      throw usageError(
        `--verify keys: the delete from ${action['source-table']} does not match on ${key} (eq ${key} = <source column>)`,
      )
    }
  }
  return { ...verify, keys: key }
}

/**
 * The VerifySpec of `--verify`, from the batch and its inputs read again (the push consumed the first read):
 * walking the actions in order, an insert / upsert / replace makes its rows expected present, a delete by
 * source makes its keys expected absent; the later action wins for a key both touch.
 */
export async function verifySpecFor(
  verify: ResolvedVerify,
  batch: Batch | WireBatch,
  sources: readonly Table[],
  readRows: () => Promise<Record<string, ChangeRows>>,
): Promise<VerifySpec> {
  const spec: VerifySpec = verify.rowCount === undefined ? {} : { rowCount: verify.rowCount }
  const key = verify.keys
  if (key === undefined) return spec
  const actions = wireActions(batch)
  const tables = new Map(sources.map((t) => [t.name, t]))
  if ('compile' in batch) for (const n of batch.actions) if (n.source) tables.set(n.source.name, n.source)
  const rows = await readRows()
  const columns = new CheckedColumns()
  const present = new Map<string, Record<string, unknown>>()
  const absent = new Map<string, unknown>()
  for (const action of actions) {
    const source = action['source-table']
    if (source === undefined || action.action === 'update') continue
    const table = tables.get(source)
    const input = rows[source]
    if (!table || !input) continue
    const sourceKey = action.action === 'delete' ? sourceKeyColumn(action, key) : key
    if (sourceKey === undefined) {
      throw usageError(
        `--verify keys: action "${action.action}" on ${source} does not match on ${key} (eq ${key} = <source column>)`,
      )
    }
    if (action.action === 'replace') present.clear()
    const keyType = table.columns[sourceKey]
    if (keyType) columns.add(key, keyType, source)
    if (action.action !== 'delete') for (const [c, type] of Object.entries(table.columns)) columns.add(c, type, source)
    for await (const raw of rowsOf(input)) {
      const value = raw[sourceKey]
      const id = keyText(keyType, value)
      if (action.action === 'delete') {
        present.delete(id)
        absent.set(id, value)
        continue
      }
      // The values as read; verifyDatasource compares each by its column's declared kind.
      const row: Record<string, unknown> = {}
      for (const column of Object.keys(raw)) setOwn(row, column, raw[column])
      absent.delete(id)
      present.set(id, row)
    }
  }
  const target = actions[0]?.['target-table'] ?? 'target'
  const checked = present.size + absent.size > 0 ? { table: columns.table(target) } : {}
  return { ...spec, key, ...checked, present: [...present.values()], absent: [...absent.values()] }
}
