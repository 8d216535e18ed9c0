import { planCommand, pushCommand } from './batch-commands.js'
import { cdcCommand } from './cdc-command.js'
import { type CliCommand, defineCommand } from './command-table.js'
import { datasourceCommand } from './datasource-command.js'
import { emulatorCommand } from './emulator-command.js'
import { jobCancelCommand, jobStatusCommand, jobWaitCommand } from './job-commands.js'
import { loadCommand } from './load-command.js'
import { probeCommand } from './probe-command.js'
import { vconnCommand } from './vconn-command.js'

/** `hyperdelta vconn <verb> …` keeps its own verb table and parser (vconn-subcommands.ts). */
const vconn = defineCommand({
  name: 'vconn',
  summary: 'Virtual connections: list|download|publish|update|delete|revisions|connections|tag|untag|permissions.',
  usage: '<verb> [flags]   ("hyperdelta vconn help" for each verb)',
  flags: {},
  raw: true,
  run: ({ positionals, io }) => vconnCommand(positionals, io),
})

/** `hyperdelta datasource <verb> …` keeps its own verb table and parser (datasource-verbs.ts). */
const datasource = defineCommand({
  name: 'datasource',
  summary: 'Data sources: list|get|publish|download|update|delete|refresh|tag|untag|revisions|connections|keychain.',
  usage: '<verb> [flags]   ("hyperdelta datasource help" for each verb)',
  flags: {},
  raw: true,
  run: ({ positionals, io }) => datasourceCommand(positionals, io),
})

/**
 * Every `hyperdelta` subcommand, in the order help lists them. Add a command here (see
 * command-table.ts): parsing, --help and usage errors follow from its entry.
 */
export const COMMANDS: readonly CliCommand[] = [
  planCommand,
  pushCommand,
  cdcCommand,
  loadCommand,
  jobWaitCommand,
  jobStatusCommand,
  jobCancelCommand,
  datasource,
  vconn,
  probeCommand,
  emulatorCommand,
]
