import { HyperdeltaError } from '../index.js'

/** Process exit codes of the `hyperdelta` command (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** A bug or an unexpected error. */
  internal: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** Bad input: batch, rows, schema, journal that does not match (nothing was sent); a download's file cannot be written. */
  input: 3,
  /** Sign-in, permissions, version, data source or connection lookup failed. */
  server: 4,
  /** A job failed or was cancelled; the report says which requests were applied. */
  failed: 5,
  /** The run was interrupted (network, timeout, abort); rerun with the same journal to resume. */
  interrupted: 6,
  /** Every job succeeded, but `--verify` read back something else than was pushed (the report says what). */
  mismatch: 7,
  /** `job status`: the job was cancelled. */
  cancelled: 8,
  /** `job status`: the job has not ended yet (poke again). */
  running: 9,
  /** Stopped by SIGINT/SIGTERM. */
  signal: 130,
} as const

// Codes of problems found before anything was sent (or in a local file). A documented Tableau code's kind (e.g.
// CAPABILITY_INVALID, REQUEST_INVALID) is the server's answer, so exit 4, even when its name looks like bad input.
const INPUT_CODES =
  /^(CONFIG_|PATH_SEGMENT_|SCHEMA_|TABLE_|CONDITION_|ACTION_|BATCH_|WIRE_|ROW_|VALUE_|INPUT_|PAYLOAD_|PARQUET_|DUPLICATE_|PLAN_|JOURNAL_|COLUMN_|KEY_|CONTENT_|CAPABILITIES_|CAPABILITY_REJECTED|DOWNLOAD_WRITE_)/

/** Causes of PUSH_FAILED that mean "the request did not apply, and rerunning as is will not help by itself". */
const FAILED_CAUSES: ReadonlySet<string> = new Set([
  'JOB_FAILED',
  'JOB_CANCELLED',
  'JOB_NOT_FOUND',
  'REQUEST_ATTEMPTS_EXHAUSTED',
])

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof HyperdeltaError)) return EXIT.internal
  if (error.code === 'USAGE') return EXIT.usage
  if (error.code === 'PUSH_FAILED') {
    const cause = error.cause instanceof HyperdeltaError ? error.cause : undefined
    if (cause && FAILED_CAUSES.has(cause.code)) return EXIT.failed
    return cause ? exitCodeFor(cause) : EXIT.failed
  }
  if (['JOB_FAILED', 'JOB_CANCELLED', 'JOB_UNKNOWN_OUTCOME'].includes(error.code)) return EXIT.failed
  if (INPUT_CODES.test(error.code)) return EXIT.input
  if (error.retryable || /TIMEOUT|ABORT|NETWORK|INTERRUPT/.test(error.code)) return EXIT.interrupted
  return EXIT.server
}
