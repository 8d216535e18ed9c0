import { stat } from 'node:fs/promises'
import {
  HyperdeltaError,
  isHyperdeltaError,
  type Logger,
  summarizeReport,
  type TableauClient,
  type VerifySpec,
} from '../index.js'
import { verifyDatasource } from '../internal.js'
import { type FlagValues, usageError } from './command-table.js'
import { EXIT } from './exit-codes.js'
import { assertReadableFile } from './input-files.js'
import { type CliIo, jsonReplacer, SERVER_FLAGS } from './io.js'
import { progressRenderer } from './progress.js'
import { signInFromFlags } from './sign-in.js'

// The target and run flags `push`, `cdc` and `load` share, and the one way they sign in, show progress and
// print a report: the three commands differ only in where their changes come from.

export const TARGET_FLAGS = {
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
  'new-run': { type: 'boolean', help: 'send as a new run (random run id) even if these inputs were applied' },
  'abandon-unfinished': {
    type: 'boolean',
    help: "abandon the journal's unfinished run of other inputs (refused while a job of it still runs)",
  },
  'run-id': {
    type: 'string',
    arg: '<id>',
    help: 'id of this logical run (RequestIDs derive from it); default: derived from target and inputs',
  },
  'max-size-mb': { type: 'string', arg: '<n>', help: "the server's max_size_in_mb (default 100)" },
  quiet: { type: 'boolean', help: 'no progress output (errors and the report still print)' },
  ...SERVER_FLAGS,
} as const

export const CREDENTIAL_NOTES = `credentials from the environment only: TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, TABLEAU_USERNAME + TABLEAU_PASSWORD,
  TABLEAU_JWT, or TABLEAU_UAT (a unified access token, REST 3.27+); each secret also as <NAME>_FILE (a file holding
  it: Docker/Kubernetes secrets)`

type TargetValues = FlagValues<typeof TARGET_FLAGS>

export function wholeNumber(flag: string, text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw usageError(`--${flag} ${text}: give a whole number ≥ 0`)
  return n
}

function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0) throw usageError(`--${flag} ${text}: expected a positive number`)
  return n
}

/** A journal that exists must be a readable file (a missing one starts a new run), checked before sign-in. */
async function assertJournalUsable(journal: string): Promise<void> {
  const exists = await stat(journal).then(
    () => true,
    () => false,
  )
  if (exists) await assertReadableFile('--journal', journal)
}

/** The push options the target flags give (the pipelines' PipelinePushOptions without client), checked. */
export async function targetOptions(values: TargetValues) {
  const datasource = values['datasource-id']
    ? { id: values['datasource-id'] }
    : values.datasource
      ? { name: values.datasource, ...(values.project !== undefined && { project: values.project }) }
      : undefined
  if (!datasource) throw usageError('--datasource <name> or --datasource-id <id> is required')
  if (values.journal !== undefined && values['state-dir'] !== undefined) {
    throw usageError('--journal and --state-dir: give one (a state dir holds its journal)')
  }
  if (values['new-run'] && values['run-id'] !== undefined) throw usageError('--new-run and --run-id: give one')
  const keep = values.keep === undefined ? undefined : wholeNumber('keep', values.keep)
  const maxSizeInMb = positive('max-size-mb', values['max-size-mb'])
  if (values.journal !== undefined) await assertJournalUsable(values.journal)
  return {
    datasource,
    ...(values.connection !== undefined && { connection: values.connection }),
    ...(values.journal !== undefined && { journal: values.journal }),
    ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
    ...(keep !== undefined && { keep }),
    ...(values['new-run'] && { newRun: true }),
    ...(values['abandon-unfinished'] && { abandonUnfinished: true }),
    ...(values['run-id'] !== undefined && { runId: values['run-id'] }),
    ...(maxSizeInMb !== undefined && { maxSizeInMb }),
  }
}

export function printReport(report: unknown, json: boolean | undefined, io: CliIo, text?: string): void {
  io.stdout.write(
    json ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : `${text ?? summarizeReport(report as never)}\n`,
  )
}

export interface SignedIn {
  client: TableauClient
  logger: Logger
  /** The progress handler, unless --json or --quiet. */
  onProgress?: ReturnType<typeof progressRenderer>['onProgress']
}

/**
 * Signs in from the server flags and the environment, runs `work` with the client and the progress renderer,
 * and on PUSH_FAILED prints the report the error carries before rethrowing (runCli maps it to the exit code).
 */
export async function withSignedIn<T>(
  values: TargetValues,
  io: CliIo,
  work: (session: SignedIn) => Promise<T>,
): Promise<T> {
  const { client, logger } = await signInFromFlags(values, io)
  const progress = values.json || values.quiet ? undefined : progressRenderer(io.stderr)
  try {
    const result = await work({ client, logger, ...(progress && { onProgress: progress.onProgress }) })
    progress?.finish()
    return result
  } catch (error) {
    progress?.finish()
    const report = isHyperdeltaError(error, 'PUSH_FAILED') ? error.details.report : undefined
    if (!report) throw error
    printReport(report, values.json, io)
    throw notesOnce(error as HyperdeltaError<'PUSH_FAILED'>)
  } finally {
    await client.close()
  }
}

/**
 * The PUSH_FAILED to print after its report: when the report carries the failed job's notes, the error line says
 * where they are instead of repeating them (same code, cause and details, so the exit code does not change).
 */
function notesOnce(error: HyperdeltaError<'PUSH_FAILED'>): HyperdeltaError {
  const cause = error.cause
  const notes = error.details.report.requests.some((r) => (r.notes ?? []).length > 0)
  if (!notes || !isHyperdeltaError(cause) || !error.message.includes(cause.message)) return error
  const message = error.message.replace(cause.message, `${cause.code} (the job's notes are in the report)`)
  return new HyperdeltaError('PUSH_FAILED', message, { cause, retryable: error.retryable, details: error.details })
}

/**
 * `--verify`: reads the data source back and prints the report with the verification; exit 7 on a mismatch, 0 with
 * a warning when the server cannot say (no VizQL Data Service).
 */
export async function verifyAndReport(
  client: TableauClient,
  datasourceId: string,
  report: object,
  spec: VerifySpec,
  json: boolean | undefined,
  io: CliIo,
  text?: (report: object) => string,
): Promise<number> {
  const verification = await verifyDatasource(client.vizql, datasourceId, spec)
  const verified = { ...report, verification }
  printReport(verified, json, io, text?.(verified))
  if (verification.status === 'not-verified') io.stderr.write(`warning: NOT VERIFIED: ${verification.reason}\n`)
  return verification.status === 'mismatch' ? EXIT.mismatch : EXIT.ok
}
