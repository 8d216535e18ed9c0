import { planChanges, pushChanges } from '../index.js'
import { payloadSummary } from '../internal.js'
import { defineCommand, type FlagValues, usageError } from './command-table.js'
import { EXIT } from './exit-codes.js'
import { parseInputFlags, resolveInputs } from './inputs.js'
import { jsonReplacer, positiveNumber, SERVER_FLAGS } from './io.js'
import { loadBatch, loadSchemaFile } from './load-batch.js'
import {
  parseVerifyFlags,
  parseVerifyMaxQueries,
  resolveVerify,
  VERIFY_FLAG,
  VERIFY_MAX_QUERIES_FLAG,
  VERIFY_NOTES,
  verifySpecFor,
} from './push-verify.js'
import {
  CREDENTIAL_NOTES,
  printReport,
  TARGET_FLAGS,
  targetOptions,
  verifyAndReport,
  withSignedIn,
} from './target-flags.js'

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

export const pushCommand = defineCommand({
  name: 'push',
  summary: 'Plan, upload, apply and wait; resumable with --state-dir (or --journal).',
  usage:
    '--batch <file.json|module.js> --input <table>=<file> [...] (--datasource <name> | --datasource-id <id>) [--project <name>] [--state-dir <dir> | --journal <file>] [--verify count=<n>|keys[=<column>]] [--verify-max-queries <n>] [--no-schema-check] [--json] [--quiet]',
  flags: {
    ...BATCH_FLAGS,
    ...TARGET_FLAGS,
    'no-wait': {
      type: 'boolean',
      help: 'return once a job is submitted (report outcome "submitted", its jobId); rerun to wait and finish',
    },
    'job-timeout-s': { type: 'string', arg: '<n>', help: 'give up waiting for a job after n seconds' },
    verify: VERIFY_FLAG,
    'verify-max-queries': VERIFY_MAX_QUERIES_FLAG,
    'no-schema-check': {
      type: 'boolean',
      help: "do not compare a typed batch's target table with the data source before uploading",
    },
  },
  notes: `${INPUT_NOTES}
${VERIFY_NOTES}
${CREDENTIAL_NOTES}`,
  async run({ values, io }) {
    const target = await targetOptions(values)
    const jobTimeout = positiveNumber('job-timeout-s', values['job-timeout-s'])
    const parsedVerify = parseVerifyFlags(values.verify)
    const maxQueries = parseVerifyMaxQueries(values['verify-max-queries'])
    const inputs = await batchInputs(values)
    const verify = parsedVerify && resolveVerify(parsedVerify, inputs.batch)
    return withSignedIn(values, io, async ({ client, logger, onProgress }) => {
      const report = await pushChanges({
        ...inputs,
        ...target,
        client,
        ...(values['no-wait'] && { noWait: true }),
        ...(jobTimeout !== undefined && { jobTimeoutMs: jobTimeout * 1000 }),
        ...(values['no-schema-check'] && { schemaCheck: 'skip' as const }),
        ...(onProgress !== undefined && { onProgress }),
        logger,
        signal: io.signal,
      })
      if (!verify || report.outcome === 'submitted') {
        printReport(report, values.json, io)
        return EXIT.ok
      }
      // The push consumed the inputs' rows: read them again for the keys to check.
      const spec = await verifySpecFor(
        verify,
        inputs.batch,
        inputs.sources,
        async () => (await batchInputs(values)).rows,
      )
      const limited = maxQueries === undefined ? spec : { ...spec, maxQueries }
      return verifyAndReport(client, report.datasource.id, report, limited, values.json, io)
    })
  },
})
