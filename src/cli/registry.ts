import { planCommand, pushCommand } from './batch-commands.js'
import { cdcCommand } from './cdc-command.js'
import type { CliCommand } from './command-table.js'
import { DATASOURCE_COMMANDS } from './datasource-table.js'
import { describeCommand } from './describe-command.js'
import { emulatorCommand } from './emulator-command.js'
import { jobCancelCommand, jobStatusCommand, jobWaitCommand } from './job-commands.js'
import { loadCommand } from './load-command.js'
import { probeCommand } from './probe-command.js'
import { jobsCommand, runCommand } from './run-command.js'
import { VCONN_COMMANDS } from './vconn-table.js'

/**
 * Every `hyperdelta` subcommand, in the order help lists them. Add a command here (see
 * command-table.ts): parsing, --help and usage errors follow from its entry.
 */
export const COMMANDS: readonly CliCommand[] = [
  planCommand,
  pushCommand,
  cdcCommand,
  loadCommand,
  runCommand,
  jobsCommand,
  jobWaitCommand,
  jobStatusCommand,
  jobCancelCommand,
  ...DATASOURCE_COMMANDS,
  ...VCONN_COMMANDS,
  probeCommand,
  describeCommand,
  emulatorCommand,
]
