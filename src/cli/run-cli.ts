import { readFileSync } from 'node:fs'
import { HyperdeltaError } from '../index.js'
import { type CliCommand, commandHelp, findCommand, parseCommandArgs, usageLine } from './command-table.js'
import { didYouMean } from './did-you-mean.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import type { CliIo } from './io.js'
import { COMMANDS } from './registry.js'

export type { CliIo } from './io.js'

const FOOTER = `server: --server/--site or TABLEAU_SERVER/TABLEAU_SITE; credentials only from the environment:
  TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, or TABLEAU_USERNAME + TABLEAU_PASSWORD, or TABLEAU_JWT
  (each secret also as <NAME>_FILE: a file holding it). HTTPS_PROXY / NO_PROXY and NODE_EXTRA_CA_CERTS are honoured.
exit codes: 0 ok, 1 internal error (a bug), 2 usage, 3 bad input (nothing sent), 4 server/auth/lookup error
  or the emulator cannot start, 5 a job failed or was cancelled, 6 interrupted (rerun with the same --state-dir),
  7 --verify read back something else, 8 job status: cancelled, 9 job status: still running, 130 signal
global flags: --help, --version, --debug (stack traces of errors)
`

function topHelp(commands: readonly CliCommand[] = COMMANDS): string {
  const lines = commands.map((c) => `  ${usageLine(c)}\n      ${c.summary}`)
  return `hyperdelta: push incremental changes into Tableau published data sources\n\nusage:\n${lines.join('\n')}\n\nrun \`hyperdelta <command> --help\` for a command's flags\n${FOOTER}`
}

/** The package's version, from the package.json above this file (src/cli or dist/src/cli). */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'hyperdelta' && pkg.version) return pkg.version
    } catch {}
  }
  return 'unknown'
}

/** True when a flag occurs before `--` (after it, arguments are data). */
function hasFlag(args: string[], ...flags: string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((a) => flags.includes(a))
}

/**
 * Runs the CLI with the given arguments; returns the exit code. User mistakes print one line (plus the
 * usage line of the command for exit 2) and never a stack; a stack only with --debug.
 */
export async function runCli(argv: string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const debug = hasFlag(argv, '--debug')
  const args = argv.filter((a, i) => a !== '--debug' || (argv.indexOf('--') !== -1 && i > argv.indexOf('--')))
  let usage: string = topHelp(commands)
  try {
    if (args.length === 0) {
      io.stderr.write(usage)
      return EXIT.usage
    }
    if (args[0] === '--version' || args[0] === '-v' || args[0] === 'version') {
      io.stdout.write(`${version()}\n`)
      return EXIT.ok
    }
    if (args[0] === 'help' || args[0] === '--help' || args[0] === '-h') {
      const found = args.length > 1 ? findCommand(commands, args.slice(1)) : undefined
      io.stdout.write(found && 'command' in found ? commandHelp(found.command) : topHelp(commands))
      return EXIT.ok
    }
    const found = findCommand(commands, args)
    if (!found) {
      const hint = didYouMean(
        args[0]!,
        commands.map((c) => c.name.split(' ')[0]!),
      )
      throw new HyperdeltaError('USAGE', `unknown command "${args[0]}"${hint}`)
    }
    if ('group' in found) {
      usage = topHelp(found.commands)
      if (hasFlag(args, '--help', '-h')) {
        io.stdout.write(usage)
        return EXIT.ok
      }
      const sub = args[found.group.split(' ').length]
      throw new HyperdeltaError(
        'USAGE',
        sub
          ? `unknown command "${found.group} ${sub}"${didYouMean(
              sub,
              found.commands.map((c) => c.name.split(' ').at(-1)!),
              (c) => `"${found.group} ${c}"`,
            )}`
          : `"${found.group}" needs a command`,
      )
    }
    const { command, rest } = found
    usage = `usage: ${usageLine(command)}\nrun \`hyperdelta ${command.name} --help\` for all flags\n`
    if (command.raw) return await command.run({ values: {}, positionals: rest, io })
    if (hasFlag(rest, '--help', '-h')) {
      io.stdout.write(commandHelp(command))
      return EXIT.ok
    }
    const { values, positionals } = parseCommandArgs(command, rest)
    return await command.run({ values, positionals, io })
  } catch (error) {
    if (io.signal.aborted) {
      io.stderr.write('hyperdelta: stopped\n')
      return EXIT.signal
    }
    const code = exitCodeFor(error)
    if (error instanceof HyperdeltaError) {
      io.stderr.write(`hyperdelta: ${error.code}: ${error.message}\n`)
      if (code === EXIT.usage) io.stderr.write(usage)
      if (debug) io.stderr.write(`${error.stack}\n`)
    } else {
      const message = error instanceof Error ? error.message : String(error)
      io.stderr.write(`hyperdelta: internal error (a bug: please report it): ${message}\n`)
      io.stderr.write(debug ? `${(error as Error)?.stack ?? ''}\n` : 'rerun with --debug for the stack trace\n')
    }
    return code
  }
}
