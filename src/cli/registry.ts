import { planCommand, pushCommand } from './batch-commands.js'
import type { CliCommand } from './command-table.js'
import { emulatorCommand } from './emulator-command.js'
import { jobCancelCommand, jobWaitCommand } from './job-commands.js'

/**
 * Every `hyperdelta` subcommand, in the order help lists them. Add a command here (see
 * command-table.ts): parsing, --help and usage errors follow from its entry.
 */
export const COMMANDS: readonly CliCommand[] = [
  planCommand,
  pushCommand,
  jobWaitCommand,
  jobCancelCommand,
  emulatorCommand,
]
