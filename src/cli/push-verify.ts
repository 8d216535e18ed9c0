import {
  type Batch,
  type ChangeRows,
  type ParquetFiles,
  readParquetRows,
  type Table,
  type VerifySpec,
  type WireBatch,
} from '../index.js'
import {
  formatEpochDay,
  formatMicrosIso,
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

export const VERIFY_NOTES = `verify: count=<n> checks the row count; keys (or keys=<column>) checks that the rows the batch inserts or
  upserts are there with the pushed values and the keys it deletes are gone (update rows are not checked; the inputs
  are read again and held in memory). A server without the VizQL Data Service gives "not verified" (exit 0, with a
  warning); a mismatch exits 7.`

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

/** A pushed value in the spelling the VizQL Data Service answers with (timestamps ISO, dates YYYY-MM-DD). */
function comparable(table: Table, column: string, value: unknown): unknown {
  const type = table.columns[column]
  if (!type) return value
  const v = normalizeValue(type, value)
  if (v instanceof InvalidValue) return value
  if ((type.kind === 'timestamp' || type.kind === 'timestamp_ntz') && typeof v === 'bigint') return formatMicrosIso(v)
  if (type.kind === 'date' && typeof v === 'number') return formatEpochDay(v)
  return v
}

/** Row objects of a CLI input: Parquet files (`fromParquet`) or the CSV / NDJSON readers' generators. */
async function* rowsOf(rows: ChangeRows): AsyncGenerator<Record<string, unknown>> {
  if ((rows as ParquetFiles).kind === 'parquet-files') yield* readParquetRows((rows as ParquetFiles).paths)
  else yield* rows as AsyncIterable<Record<string, unknown>>
}

const keyText = (v: unknown): string => (typeof v === 'bigint' ? `n${v}` : JSON.stringify(v))

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
    for await (const raw of rowsOf(input)) {
      const value = comparable(table, sourceKey, raw[sourceKey])
      const id = keyText(value)
      if (action.action === 'delete') {
        present.delete(id)
        absent.set(id, value)
        continue
      }
      const row: Record<string, unknown> = {}
      for (const column of Object.keys(raw)) setOwn(row, column, comparable(table, column, raw[column]))
      absent.delete(id)
      present.set(id, row)
    }
  }
  return { ...spec, key, present: [...present.values()], absent: [...absent.values()] }
}
