import { loadParquetFiles } from '../../pipelines/index.js'
import { defineCommand, type FlagValues, usageError } from './command-table.js'
import { EXIT } from './exit-codes.js'
import { expandFiles } from './file-lists.js'
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

// `hyperdelta load`: loadParquetFiles from the shell: a folder or glob of Parquet files, inserted, upserted by
// key, or replacing the table.

export const LOAD_FLAGS = {
  files: {
    type: 'string',
    arg: '<dir|glob>',
    help: 'the Parquet files: a folder (its *.parquet) or a glob in the file name',
  },
  mode: { type: 'string', arg: 'insert|upsert|replace', help: 'append, upsert by --key, or replace the table' },
  ...PIPELINE_FLAGS,
  ...TARGET_FLAGS,
} as const

export type LoadValues = FlagValues<typeof LOAD_FLAGS>

const MODES = ['insert', 'upsert', 'replace'] as const

export const loadCommand = defineCommand({
  name: 'load',
  summary: 'Load a folder or glob of Parquet files of any size: insert, upsert by key, or replace.',
  usage:
    '--files <dir|glob> --mode insert|upsert|replace [--key <column>] (--datasource <name> | --datasource-id <id>) [--state-dir <dir>] [--json]',
  flags: LOAD_FLAGS,
  notes: `files: sorted by name, so every run sends them in the same order; a glob that matches nothing is bad input (exit 3)
table: --schema <tables.json> (push's schema file), else the first file's Parquet columns
${CREDENTIAL_NOTES}`,
  async run({ values, io }) {
    return runLoad(values, io)
  },
})

/** What `hyperdelta load` runs with its flag values (a project file's load job runs the same). */
export async function runLoad(values: LoadValues, io: CliIo): Promise<number> {
  if (values.files === undefined) throw usageError('--files <dir|glob> is required')
  const mode = values.mode
  if (!MODES.includes(mode as never)) throw usageError(`--mode ${mode ?? '(missing)'}: use insert, upsert or replace`)
  const keys = keyColumns(values)
  if (mode === 'upsert' && !keys) throw usageError('--mode upsert needs --key <column>')
  if (mode !== 'upsert' && keys) throw usageError(`--key: only --mode upsert matches on keys (this is ${mode})`)
  const target = await targetOptions(values)
  const extras = pipelineExtras(values)
  const files = await expandFiles('--files', values.files)
  const table =
    values.schema === undefined && values.table === undefined ? undefined : await pipelineTable(values, files[0])
  return withSignedIn(values, io, async ({ client, logger, onProgress }) => {
    const report = await loadParquetFiles({
      ...target,
      client,
      files: values.files!,
      mode: mode as (typeof MODES)[number],
      ...(keys && { keys }),
      ...(table && { target: table }),
      ...(extras.createIfMissing !== undefined && { createIfMissing: extras.createIfMissing }),
      ...(extras.fallback !== undefined && { fallback: extras.fallback }),
      ...(onProgress !== undefined && { onProgress }),
      logger,
    })
    const spec = pipelineVerify(extras)
    if (spec === undefined) {
      printReport(report, values.json, io)
      return EXIT.ok
    }
    return verifyAndReport(client, report.datasource.id, report, spec, values.json, io)
  })
}
