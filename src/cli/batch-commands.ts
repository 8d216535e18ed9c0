import { stat } from 'node:fs/promises'
import {
  isHyperdeltaError,
  payloadSummary,
  planChanges,
  pushChanges,
  summarizeReport,
  TableauClient,
  verifyDatasource,
} from '../index.js'
import { defineCommand, type FlagValues, usageError } from './command-table.js'
import { connectionConfig } from './config.js'
import { EXIT } from './exit-codes.js'
import { assertReadableFile } from './input-files.js'
import { parseInputFlags, resolveInputs } from './inputs.js'
import { type CliIo, cliLogger, jsonReplacer, positiveNumber, SERVER_FLAGS } from './io.js'
import { loadBatch, loadSchemaFile } from './load-batch.js'
import { progressRenderer } from './progress.js'
import { parseVerifyFlags, resolveVerify, VERIFY_FLAG, VERIFY_NOTES, verifySpecFor } from './push-verify.js'

const BATCH_FLAGS = {
  batch: { type: 'string', arg: '<file.json|module.js>', help: 'wire actions as JSON, or a module exporting `batch`' },
  input: {
    type: 'string',
    multiple: true,
    arg: '<table>=<file>',
    help: 'rows of a source table (.parquet, .csv, .ndjson); repeatable',
  },
  schema: {
    type: 'string',
    arg: '<tables.json>',
    help: "source tables' columns for CSV/NDJSON inputs of a JSON batch",
  },
  'max-size-mb': { type: 'string', arg: '<n>', help: "the server's max_size_in_mb (default 100)" },
  'run-id': {
    type: 'string',
    arg: '<id>',
    help: 'id of this logical run (RequestIDs derive from it); default: derived from target, batch and payload',
  },
  'duplicate-keys': { type: 'string', arg: 'error|keep-last', help: 'what a key seen twice in one table means' },
} as const

const INPUT_NOTES = `inputs: .parquet, .csv (header line; unquoted empty field = NULL), .ndjson/.jsonl (int64 as strings or safe integers);
  each file holds every column its table declares (a delete's source declares only its condition's columns)
schema file: {"gone": {"id": "int64"}, "changes": {"id": "int64", "amount": "float64?"}} (? = nullable)`

async function batchInputs(values: FlagValues<typeof BATCH_FLAGS>) {
  if (!values.batch) throw usageError('--batch <file.json|module.js> is required')
  const loaded = await loadBatch(values.batch)
  if (values.schema) for (const [name, table] of await loadSchemaFile(values.schema)) loaded.sources.set(name, table)
  const { rows, sources } = await resolveInputs(parseInputFlags(values.input ?? []), loaded.sources)
  const duplicateKeys = values['duplicate-keys']
  if (duplicateKeys !== undefined && duplicateKeys !== 'error' && duplicateKeys !== 'keep-last') {
    throw usageError(`--duplicate-keys ${duplicateKeys}: use error or keep-last`)
  }
  return {
    batch: loaded.batch,
    sources: [...sources.values()],
    rows,
    ...(values['max-size-mb'] !== undefined && { maxSizeInMb: positiveNumber('max-size-mb', values['max-size-mb'])! }),
    ...(values['run-id'] !== undefined && { runId: values['run-id'] }),
    ...(duplicateKeys !== undefined && { duplicateKeys: duplicateKeys as 'error' | 'keep-last' }),
  }
}

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'Package the inputs and print the requests a push would send (dry run: no server calls).',
  usage:
    '--batch <file.json|module.js> --input <table>=<file> [...] [--schema <tables.json>] [--max-size-mb 100] [--json]',
  flags: { ...BATCH_FLAGS, json: SERVER_FLAGS.json },
  notes: INPUT_NOTES,
  async run({ values, io }) {
    const plan = await planChanges({ ...(await batchInputs(values)), signal: io.signal })
    try {
      const summary = {
        runId: plan.runId,
        requests: plan.requests.map((r) => ({
          index: r.index,
          actions: r.actions,
          payload: payloadSummary(r.payload),
        })),
        rows: plan.rows,
        bytes: plan.bytes,
        warnings: plan.warnings,
      }
      if (values.json) io.stdout.write(`${JSON.stringify(summary, jsonReplacer, 2)}\n`)
      else {
        io.stdout.write(
          `plan ${plan.runId}: ${plan.requests.length} request(s), ${plan.rows} row(s), ${plan.bytes} byte(s)\n`,
        )
        for (const r of summary.requests) {
          const payload = r.payload
            ? `${r.payload.rows} row(s) of ${r.payload.table}, ${r.payload.bytes} bytes`
            : 'no payload'
          io.stdout.write(`  #${r.index} ${r.actions.map((a) => a.action).join('+')} (${payload})\n`)
        }
        for (const w of plan.warnings) io.stdout.write(`  warning: ${w}\n`)
      }
      return 0
    } finally {
      await plan.dispose()
    }
  },
})

/** A journal that exists must be a readable file (a missing one starts a new run), checked before sign-in. */
async function assertJournalUsable(journal: string): Promise<void> {
  const exists = await stat(journal).then(
    () => true,
    () => false,
  )
  if (exists) await assertReadableFile('--journal', journal)
}

function wholeNumber(flag: string, text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw usageError(`--${flag} ${text}: give a whole number ≥ 0`)
  return n
}

function printReport(report: unknown, json: boolean | undefined, io: CliIo): void {
  io.stdout.write(json ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : `${summarizeReport(report as never)}\n`)
}

export const pushCommand = defineCommand({
  name: 'push',
  summary: 'Plan, upload, apply and wait; resumable with --state-dir (or --journal).',
  usage:
    '--batch <file.json|module.js> --input <table>=<file> [...] (--datasource <name> | --datasource-id <id>) [--project <name>] [--state-dir <dir> | --journal <file>] [--verify count=<n>|keys[=<column>]] [--no-schema-check] [--json] [--quiet]',
  flags: {
    ...BATCH_FLAGS,
    datasource: { type: 'string', arg: '<name>', help: 'the published data source, by name' },
    'datasource-id': { type: 'string', arg: '<id>', help: 'the published data source, by LUID' },
    project: { type: 'string', arg: '<name>', help: 'project of --datasource when names repeat' },
    connection: { type: 'string', arg: '<id>', help: 'connection to update, for data sources with several' },
    journal: { type: 'string', arg: '<file>', help: 'resume file; its folder is created; rerun with it to resume' },
    'state-dir': {
      type: 'string',
      arg: '<dir>',
      help: 'one folder per lane: journal, lock, history of finished runs, temp files (instead of --journal)',
    },
    keep: { type: 'string', arg: '<n>', help: 'finished runs kept in the history (default 30)' },
    'no-wait': {
      type: 'boolean',
      help: 'return once a job is submitted (report outcome "submitted", its jobId); rerun to wait and finish',
    },
    'new-run': { type: 'boolean', help: 'send as a new run (random run id) even if these inputs were applied' },
    'abandon-unfinished': {
      type: 'boolean',
      help: "abandon the journal's unfinished run of other inputs (refused while a job of it still runs)",
    },
    'job-timeout-s': { type: 'string', arg: '<n>', help: 'give up waiting for a job after n seconds' },
    quiet: { type: 'boolean', help: 'no progress output (errors and the report still print)' },
    verify: VERIFY_FLAG,
    'no-schema-check': {
      type: 'boolean',
      help: "do not compare a typed batch's target table with the data source before uploading",
    },
    ...SERVER_FLAGS,
  },
  notes: `${INPUT_NOTES}
${VERIFY_NOTES}
credentials from the environment only: TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, TABLEAU_USERNAME + TABLEAU_PASSWORD,
  or TABLEAU_JWT; each secret also as <NAME>_FILE (a file holding it: Docker/Kubernetes secrets)`,
  async run({ values, io }) {
    const log = cliLogger(values['log-level'], io)
    const datasource = values['datasource-id']
      ? { id: values['datasource-id'] }
      : values.datasource
        ? { name: values.datasource, ...(values.project !== undefined && { project: values.project }) }
        : undefined
    if (!datasource) throw usageError('--datasource <name> or --datasource-id <id> is required')
    const jobTimeout = positiveNumber('job-timeout-s', values['job-timeout-s'])
    const parsedVerify = parseVerifyFlags(values.verify)
    const config = await connectionConfig(values, io.env)
    if (values.journal !== undefined && values['state-dir'] !== undefined) {
      throw usageError('--journal and --state-dir: give one (a state dir holds its journal)')
    }
    if (values['new-run'] && values['run-id'] !== undefined) throw usageError('--new-run and --run-id: give one')
    const keep = values.keep === undefined ? undefined : wholeNumber('keep', values.keep)
    if (values.journal !== undefined) await assertJournalUsable(values.journal)
    const inputs = await batchInputs(values)
    const verify = parsedVerify && resolveVerify(parsedVerify, inputs.batch)
    const client = await TableauClient.signIn({ ...config, env: io.env, logger: log })
    const progress = values.json || values.quiet ? undefined : progressRenderer(io.stderr)
    try {
      const report = await pushChanges({
        ...inputs,
        client,
        datasource,
        ...(values.connection !== undefined && { connection: values.connection }),
        ...(values.journal !== undefined && { journal: values.journal }),
        ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
        ...(keep !== undefined && { keep }),
        ...(values['new-run'] && { newRun: true }),
        ...(values['abandon-unfinished'] && { abandonUnfinished: true }),
        ...(values['no-wait'] && { noWait: true }),
        ...(jobTimeout !== undefined && { jobTimeoutMs: jobTimeout * 1000 }),
        ...(values['no-schema-check'] && { schemaCheck: 'skip' as const }),
        ...(progress !== undefined && { onProgress: progress.onProgress }),
        logger: log,
        signal: io.signal,
      })
      progress?.finish()
      if (!verify || report.outcome === 'submitted') {
        printReport(report, values.json, io)
        return 0
      }
      // The push consumed the inputs' rows: read them again for the keys to check.
      const spec = await verifySpecFor(
        verify,
        inputs.batch,
        inputs.sources,
        async () => (await batchInputs(values)).rows,
      )
      const verification = await verifyDatasource(client.vizql, report.datasource.id, spec)
      printReport({ ...report, verification }, values.json, io)
      if (verification.status === 'not-verified') io.stderr.write(`warning: NOT VERIFIED: ${verification.reason}\n`)
      return verification.status === 'mismatch' ? EXIT.mismatch : EXIT.ok
    } catch (error) {
      progress?.finish()
      const report = isHyperdeltaError(error, 'PUSH_FAILED') ? error.details.report : undefined
      if (report) printReport(report, values.json, io)
      throw error
    } finally {
      await client.close()
    }
  },
})
