import { HyperdeltaError } from '../errors.js'
import { type CliIo, emulatorCommand, jobCommand, planCommand, pushCommand } from './commands.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { vconnCommand } from './vconn-command.js'

const HELP = `hyperdelta: push incremental changes into Tableau published data sources

usage:
  hyperdelta push --batch <file.json|module.js> --input <table>=<file> [...] (--datasource <name> | --datasource-id <id>)
                  [--project <name>] [--connection <id>] [--journal <file>] [--run-id <id>] [--max-size-mb 100]
                  [--schema <file.json>] [--duplicate-keys error|keep-last] [--job-timeout-s N] [--json] [--log-level debug]
  hyperdelta plan --batch <...> --input <table>=<file> [...] [--max-size-mb 100] [--json]     (dry run: no server calls)
  hyperdelta job wait <job-id> [--timeout-s N]      hyperdelta job cancel <job-id>
  hyperdelta vconn list|download|publish|update|delete|revisions|connections|tag|untag|permissions ...
                  (virtual connections; "hyperdelta vconn help" for each verb)
  hyperdelta emulator [--port 8787] [--data-dir .emulator] [--host 127.0.0.1] [--max-size-mb 100] [--publish <name>=<file.parquet>]

inputs: .parquet, .csv (header line; unquoted empty field = NULL), .ndjson/.jsonl (int64 as strings or safe integers)
server: --server/--site or TABLEAU_SERVER/TABLEAU_SITE; credentials only from the environment:
  TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, or TABLEAU_USERNAME + TABLEAU_PASSWORD, or TABLEAU_JWT
exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input (nothing sent), 4 server/auth/lookup error,
  5 a job failed or was cancelled, 6 interrupted (rerun with the same --journal to resume), 130 signal
`

/** Runs the CLI with the given arguments; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv
  try {
    switch (command) {
      case 'push':
        return await pushCommand(args, io)
      case 'plan':
        return await planCommand(args, io)
      case 'job':
        return await jobCommand(args, io)
      case 'emulator':
        return await emulatorCommand(args, io)
      case 'vconn':
        return await vconnCommand(args, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP)
        return command === undefined ? EXIT.usage : EXIT.ok
      default:
        throw new HyperdeltaError('USAGE', `unknown command "${command}"`)
    }
  } catch (error) {
    const code = exitCodeFor(error)
    if (io.signal.aborted) {
      io.stderr.write('hyperdelta: stopped\n')
      return EXIT.signal
    }
    if (error instanceof HyperdeltaError) {
      io.stderr.write(`hyperdelta: ${error.code}: ${error.message}\n`)
      if (code === EXIT.usage) io.stderr.write('run `hyperdelta help` for usage\n')
    } else {
      io.stderr.write(`hyperdelta: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`)
    }
    return code
  }
}
