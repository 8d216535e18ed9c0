/**
 * The shape of a CLI subcommand and everything derived from it (argument parsing, usage lines, help).
 *
 * To add a subcommand: write a `CliCommand` with `defineCommand` in its own file (its flags, the usage
 * synopsis, a one-line summary and `run`), then add it to `COMMANDS` in `registry.ts`. Multi-word names
 * ('datasource list') form groups: `hyperdelta datasource` alone lists the group's commands. Parsing,
 * `--help`, usage errors (exit 2 with that command's usage line) and the top-level help come from the
 * table; nothing else needs editing.
 */
import { parseArgs } from 'node:util'
import { HyperdeltaError } from '../index.js'
import { didYouMean } from './did-you-mean.js'
import type { CliIo } from './io.js'

export interface FlagSpec {
  readonly type: 'string' | 'boolean'
  readonly multiple?: boolean
  readonly default?: string | boolean
  /** Placeholder shown in help after the flag, e.g. '<file>'. */
  readonly arg?: string
  readonly help: string
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>

type ValueOf<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : string
export type FlagValues<F extends FlagSpecs> = { [K in keyof F]?: ValueOf<F[K]> | undefined }

export interface CommandContext<F extends FlagSpecs> {
  values: FlagValues<F>
  positionals: string[]
  io: CliIo
}

export interface CliCommand<F extends FlagSpecs = FlagSpecs> {
  /** Words after `hyperdelta`: 'push', 'job wait'. */
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** What follows the name in a usage line: '--batch <file> [--json]'. */
  readonly usage: string
  readonly flags: F
  /**
   * Names of positional arguments, e.g. ['<job-id>']: '[<id>]' is optional, a trailing '...' takes one or more
   * ('[<tag>...]' zero or more); otherwise exactly these many are accepted.
   */
  readonly positionals?: readonly string[]
  /** Extra help text after the flag list (formats, environment). */
  readonly notes?: string
  /** The command parses its own arguments (and --help): `run` gets them unparsed as `positionals`. */
  readonly raw?: boolean
  run(context: CommandContext<F>): Promise<number>
}

/** Keeps each command's flag names typed inside its `run`. */
export function defineCommand<const F extends FlagSpecs>(command: CliCommand<F>): CliCommand {
  return command as unknown as CliCommand
}

/** A usage error: exit 2, printed with the usage line of the command that was running. */
export function usageError(message: string): HyperdeltaError {
  return new HyperdeltaError('USAGE', message)
}

/** Node's parseArgs errors in the CLI's words (its own messages suggest `--` tricks that do not apply here). */
function translateParseError(error: unknown): HyperdeltaError {
  const { code, message } = error as { code?: string; message: string }
  const flag = /'(-[^' ]+)/.exec(message)?.[1]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return usageError(`unknown flag ${flag ?? message}`)
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? usageError(`${flag} takes no value`)
        : usageError(`${flag ?? 'a flag'} needs a value`)
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return usageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? message}`)
    default:
      return usageError(message)
  }
}

/** Parses a command's arguments (after its name) against its flag table. */
export function parseCommandArgs(
  command: CliCommand,
  args: string[],
): { values: FlagValues<FlagSpecs>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([name, f]) => [
      name,
      { type: f.type, ...(f.multiple && { multiple: true }), ...(f.default !== undefined && { default: f.default }) },
    ]),
  ) as Parameters<typeof parseArgs>[0] extends infer C ? (C extends { options?: infer O } ? O : never) : never
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  const expected = command.positionals ?? []
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: expected.length > 0 })
  } catch (error) {
    const translated = translateParseError(error)
    const flag = /^unknown flag --(\S+)$/.exec(translated.message)?.[1]
    if (flag === undefined) throw translated
    const hint = didYouMean(flag, Object.keys(command.flags), (c) => `--${c}`)
    throw usageError(`${translated.message}${hint}`)
  }
  const required = expected.filter((p) => !p.startsWith('['))
  const max = expected.some((p) => /\.\.\.\]?$/.test(p)) ? Number.POSITIVE_INFINITY : expected.length
  const got = parsed.positionals.length
  if (got < required.length) throw usageError(`missing ${required.slice(got).join(' ')}`)
  if (got > max) throw usageError(`unexpected argument ${parsed.positionals[max]}`)
  return { values: parsed.values as FlagValues<FlagSpecs>, positionals: parsed.positionals }
}

/** `hyperdelta push --batch <file> …` */
export function usageLine(command: CliCommand): string {
  return `hyperdelta ${command.name} ${command.usage}`.trimEnd()
}

/** The full `hyperdelta <cmd> --help` text, generated from the flag table. */
export function commandHelp(command: CliCommand): string {
  const rows = Object.entries(command.flags).map(([name, f]) => [
    `--${name}${f.arg ? ` ${f.arg}` : ''}`,
    `${f.help}${f.default !== undefined && f.default !== false ? ` (default ${f.default})` : ''}`,
  ])
  rows.push(['--debug', 'print stack traces of errors'], ['--help', 'this help'])
  const width = Math.max(...rows.map(([flag]) => flag!.length))
  const lines = rows.map(([flag, help]) => `  ${flag!.padEnd(width)}  ${help}`)
  return `usage: ${usageLine(command)}\n\n${command.summary}\n\nflags:\n${lines.join('\n')}\n${command.notes ? `\n${command.notes.trimEnd()}\n` : ''}`
}

/**
 * The command that `argv` names: the longest command name that is a prefix of the leading words.
 * Returns the rest of argv, or the group (e.g. 'job') when the words name a group but no command of it.
 */
export function findCommand(
  commands: readonly CliCommand[],
  argv: string[],
): { command: CliCommand; rest: string[] } | { group: string; commands: CliCommand[] } | undefined {
  const firstFlag = argv.findIndex((a) => a.startsWith('-'))
  const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag)
  for (let n = words.length; n > 0; n -= 1) {
    const name = words.slice(0, n).join(' ')
    const command = commands.find((c) => c.name === name)
    if (command) return { command, rest: argv.slice(n) }
  }
  for (let n = words.length; n > 0; n -= 1) {
    const group = words.slice(0, n).join(' ')
    const members = commands.filter((c) => c.name.startsWith(`${group} `))
    if (members.length > 0) return { group, commands: members }
  }
  return undefined
}
