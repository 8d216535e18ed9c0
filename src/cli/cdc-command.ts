import { type ChangeLogOptions, type NightlyCdcReport, runNightlyCdc } from '../../pipelines/index.js'
import { summarizeReport } from '../index.js'
import { defineCommand, type FlagValues, usageError } from './command-table.js'
import { EXIT } from './exit-codes.js'
import { expandAll } from './file-lists.js'
import type { CliIo } from './io.js'
import { keyColumns, PIPELINE_FLAGS, pipelineExtras, pipelineTable, pipelineVerify } from './pipeline-flags.js'
import {
  CREDENTIAL_NOTES,
  printReport,
  TARGET_FLAGS,
  targetOptions,
  verifyAndReport,
  withSignedIn,
} from './target-flags.js'

// `hyperdelta cdc`: runNightlyCdc from the shell. Snapshot mode diffs --previous against --current by --key;
// change-log mode compacts --log to the last operation per key after the watermark (kept in --state-dir).

export const CDC_FLAGS = {
  previous: { type: 'string', multiple: true, arg: '<file|dir|glob>', help: "yesterday's snapshot (Parquet)" },
  current: { type: 'string', multiple: true, arg: '<file|dir|glob>', help: "today's snapshot (Parquet)" },
  log: {
    type: 'string',
    multiple: true,
    arg: '<file|dir|glob>',
    help: 'change log files (Parquet), instead of snapshots',
  },
  order: { type: 'string', arg: '<column>', help: "the change log's order column (a sequence or a time)" },
  op: { type: 'string', arg: '<column>', help: "the change log's operation column (default op)" },
  'op-values': {
    type: 'string',
    arg: 'insert=<v>,update=<v>,delete=<v>',
    help: 'what the op column holds for each operation (default insert,update,delete)',
  },
  name: { type: 'string', arg: '<name>', help: 'pipeline name: keys the watermark, prefixes the run id (default cdc)' },
  'memory-limit': { type: 'string', arg: '<size>', help: "DuckDB's memory limit for the diff, e.g. 2GB" },
  ...PIPELINE_FLAGS,
  ...TARGET_FLAGS,
} as const

export type CdcValues = FlagValues<typeof CDC_FLAGS>

/** `--op-values insert=I,update=U,delete=D` → the ops map. */
function opValues(text: string | undefined): ChangeLogOptions['ops'] {
  if (text === undefined) return undefined
  const pairs = new Map(text.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))
  const ops = { insert: pairs.get('insert'), update: pairs.get('update'), delete: pairs.get('delete') }
  if (pairs.size !== 3 || !ops.insert || !ops.update || !ops.delete) {
    throw usageError(`--op-values ${text}: expected insert=<v>,update=<v>,delete=<v>`)
  }
  return ops as { insert: string; update: string; delete: string }
}

/** The source and the table of a cdc run, from its flags (files expanded, checked before any sign-in). */
async function cdcSource(values: CdcValues) {
  const snapshots = values.previous !== undefined || values.current !== undefined
  if (snapshots && values.log !== undefined) throw usageError('--log and --previous/--current: give one mode')
  if (snapshots) {
    if (!values.previous || !values.current) throw usageError('snapshot mode needs both --previous and --current')
    if (values.order !== undefined || values.op !== undefined || values['op-values'] !== undefined) {
      throw usageError('--order, --op and --op-values belong to change-log mode (--log)')
    }
    const previous = await expandAll('--previous', values.previous)
    const current = await expandAll('--current', values.current)
    const table = await pipelineTable(values, current[0])
    return { table, source: { snapshots: { previous, current } } }
  }
  if (!values.log) throw usageError('give --previous and --current (snapshots) or --log (a change log)')
  if (values.order === undefined) throw usageError('change-log mode needs --order <column>')
  const changeLog = await expandAll('--log', values.log)
  const opColumn = values.op ?? 'op'
  const ops = opValues(values['op-values'])
  const table = await pipelineTable(values, changeLog[0], [opColumn, values.order])
  const source = {
    changeLog,
    orderColumn: values.order,
    ...(values.op !== undefined && { opColumn: values.op }),
    ...(ops !== undefined && { ops }),
  }
  return { table, source }
}

function cdcText(report: NightlyCdcReport & { verification?: unknown }): string {
  const stats = Object.entries(report.stats)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  const to = report.watermark?.to
  const mark = to === undefined ? '' : `; watermark ${to instanceof Date ? to.toISOString() : String(to)}`
  return `cdc ${report.name}: ${stats}${mark}\n${summarizeReport(report.push)}`
}

export const cdcCommand = defineCommand({
  name: 'cdc',
  summary: 'Nightly CDC: diff two snapshots (or compact a change log) by key, push the changes, advance the watermark.',
  usage:
    '(--previous <files> --current <files> | --log <files> --order <column> [--op <column>]) --key <column> (--datasource <name> | --datasource-id <id>) [--state-dir <dir>] [--json]',
  flags: CDC_FLAGS,
  notes: `files: a Parquet file, a folder (its *.parquet files) or a glob with * or ? in the file name (sorted by name); repeatable
table: --schema <tables.json> (push's schema file), else the columns of the first current/log file (a log's op and
  order columns left out)
${CREDENTIAL_NOTES}`,
  async run({ values, io }) {
    return runCdc(values, io)
  },
})

/** What `hyperdelta cdc` runs with its flag values (a project file's cdc job runs the same). */
export async function runCdc(values: CdcValues, io: CliIo): Promise<number> {
  const keys = keyColumns(values)
  if (!keys) throw usageError('--key <column> is required')
  const target = await targetOptions(values)
  const extras = pipelineExtras(values)
  const { table, source } = await cdcSource(values)
  return withSignedIn(values, io, async ({ client, logger, onProgress }) => {
    const report = await runNightlyCdc({
      ...target,
      client,
      table,
      keys,
      source,
      name: values.name ?? 'cdc',
      ...(values['memory-limit'] !== undefined && { engine: { memoryLimit: values['memory-limit'] } }),
      ...(extras.createIfMissing !== undefined && { createIfMissing: extras.createIfMissing }),
      ...(extras.fallback !== undefined && { fallback: extras.fallback }),
      ...(onProgress !== undefined && { onProgress }),
      logger,
    })
    const spec = pipelineVerify(extras)
    if (spec === undefined) {
      printReport(report, values.json, io, cdcText(report))
      return EXIT.ok
    }
    return verifyAndReport(client, report.push.datasource.id, report, spec, values.json, io, (r) =>
      cdcText(r as NightlyCdcReport),
    )
  })
}
