import { consoleLogger, HyperdeltaError, type Logger, type LogLevel } from '../index.js'
import { LOG_LEVELS, silentLogger } from '../internal.js'

/** What a command may touch of the process: injected so tests run commands in-process. */
export interface CliIo {
  stdout: { write(s: string): boolean; isTTY?: boolean }
  stderr: { write(s: string): boolean; isTTY?: boolean }
  env: NodeJS.ProcessEnv
  signal: AbortSignal
}

/** JSON output: bigints (int64 values, byte counts) as strings. */
export const jsonReplacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)

/** Flags every command that talks to a server accepts. */
export const SERVER_FLAGS = {
  server: { type: 'string', arg: '<url>', help: 'Tableau server URL (or TABLEAU_SERVER)' },
  site: { type: 'string', arg: '<content-url>', help: "site content URL, '' = default site (or TABLEAU_SITE)" },
  json: { type: 'boolean', help: 'print the result as JSON on stdout' },
  capabilities: {
    type: 'string',
    arg: '<file>',
    help: 'what `hyperdelta probe` found on this server: refuse requests it saw rejected',
  },
  'log-level': { type: 'string', arg: '<level>', help: `structured logs on stderr: ${LOG_LEVELS.join(', ')}` },
} as const

/** A JSON-lines logger on stderr at `level`, or silence. */
export function cliLogger(level: string | undefined, io: CliIo): Logger {
  if (level === undefined) return silentLogger
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new HyperdeltaError('USAGE', `--log-level ${level}: use one of ${LOG_LEVELS.join(', ')}`)
  }
  return consoleLogger(level as LogLevel, (line) => io.stderr.write(`${line}\n`))
}

export function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new HyperdeltaError('USAGE', `--${flag} ${value}: expected a positive number`)
  return n
}
