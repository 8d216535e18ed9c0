import type { CreateIfMissing, PipelineFallback } from '../../pipelines/index.js'
import { type Columns, type Table, tableFromParquet } from '../index.js'
import { type FlagValues, usageError } from './command-table.js'
import { loadSchemaFile } from './load-batch.js'
import { parseVerifyFlags, parseVerifyMaxQueries, VERIFY_MAX_QUERIES_FLAG } from './push-verify.js'

// Flags `cdc` and `load` share beyond the target: the table's schema, keys, publishing a missing target, the
// fallback, and `--verify count=<n>`.

export const PIPELINE_FLAGS = {
  key: { type: 'string', multiple: true, arg: '<column>', help: 'key column(s): repeat or comma-separate' },
  table: { type: 'string', arg: '<name>', help: 'the target table in schema Extract (default Extract)' },
  schema: {
    type: 'string',
    arg: '<tables.json>',
    help: "the table's columns, as push's --schema file (default: the first file's Parquet columns)",
  },
  'create-if-missing': { type: 'boolean', help: 'publish the data source first when none of that name exists' },
  fallback: {
    type: 'string',
    arg: 'publish-overwrite',
    help: 'publish the full state instead, for servers that reject Parquet update payloads',
  },
  verify: {
    type: 'string',
    multiple: true,
    arg: 'count=<n>',
    help: 'after the last job, read the data source back and check its row count (exit 7 if it differs)',
  },
  'verify-max-queries': VERIFY_MAX_QUERIES_FLAG,
} as const

type PipelineValues = FlagValues<typeof PIPELINE_FLAGS>

/** `--key id --key region` or `--key id,region` → the key columns (none when not given). */
export function keyColumns(values: PipelineValues): [string, ...string[]] | undefined {
  const keys = (values.key ?? []).flatMap((k) => k.split(',')).map((k) => k.trim())
  if (keys.some((k) => k === '')) throw usageError(`--key ${values.key?.join(' --key ')}: an empty column name`)
  return keys.length > 0 ? (keys as [string, ...string[]]) : undefined
}

/**
 * The target table: the `--schema` file's table (named by `--table`, or its only one), else the first file's
 * Parquet columns without `drop` (a change log's op and order columns), as `Extract.<--table>`.
 */
export async function pipelineTable(
  values: PipelineValues,
  firstFile: string | undefined,
  drop: readonly string[] = [],
): Promise<Table<Columns>> {
  const name = values.table ?? 'Extract'
  if (values.schema !== undefined) {
    const tables = await loadSchemaFile(values.schema)
    const table = tables.get(name) ?? (tables.size === 1 ? [...tables.values()][0] : undefined)
    if (!table) {
      throw usageError(
        `--schema ${values.schema}: name the table with --table (it holds ${[...tables.keys()].join(', ')})`,
      )
    }
    return table.as(name, 'Extract')
  }
  if (firstFile === undefined)
    throw usageError('--schema <tables.json> is required when no Parquet file gives the columns')
  const table = await tableFromParquet(firstFile, { schema: 'Extract', name })
  const kept = table.columnNames.filter((c) => !drop.includes(c))
  return kept.length === table.columnNames.length ? table : (table.pick(...(kept as [string])) as Table<Columns>)
}

export interface PipelineExtras {
  createIfMissing?: CreateIfMissing
  fallback?: PipelineFallback
  /** `--verify count=<n>`: the row count expected afterwards. */
  verifyCount?: bigint
  /** `--verify-max-queries <n>`: the VizQL Data Service queries the check may send. */
  verifyMaxQueries?: number
}

/** The VerifySpec of `--verify count=<n>` (and `--verify-max-queries`), or undefined without `--verify`. */
export function pipelineVerify(extras: PipelineExtras): { rowCount: bigint; maxQueries?: number } | undefined {
  if (extras.verifyCount === undefined) return undefined
  const limit = extras.verifyMaxQueries
  return limit === undefined ? { rowCount: extras.verifyCount } : { rowCount: extras.verifyCount, maxQueries: limit }
}

/** `--create-if-missing`, `--fallback`, `--verify count=<n>` as pipeline options (keys verification is push's). */
export function pipelineExtras(values: PipelineValues): PipelineExtras {
  if (values.fallback !== undefined && values.fallback !== 'publish-overwrite') {
    throw usageError(`--fallback ${values.fallback}: the one fallback is publish-overwrite`)
  }
  const verify = parseVerifyFlags(values.verify)
  const maxQueries = parseVerifyMaxQueries(values['verify-max-queries'])
  if (verify?.keys !== undefined) throw usageError('--verify keys: only push checks keys; use --verify count=<n>')
  return {
    ...(values['create-if-missing'] && { createIfMissing: true }),
    ...(values.fallback !== undefined && { fallback: 'publish-overwrite' as const }),
    ...(verify?.rowCount !== undefined && { verifyCount: verify.rowCount }),
    ...(maxQueries !== undefined && { verifyMaxQueries: maxQueries }),
  }
}
