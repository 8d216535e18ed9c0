/**
 * Structured logging seam. hyperdelta never logs through console by itself: pass a logger to the
 * client or to pushChanges. Fields never carry secrets (tokens, PAT secrets, passwords, JWTs).
 *
 * @example
 * ```ts
 * import { consoleLogger } from 'hyperdelta'
 * const logger = consoleLogger('debug')
 * logger.info('push: start', { datasource: 'Orders' })
 * ```
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** A logger that drops everything (the default). */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} })

/** One JSON line per entry on stderr, at `level` and above. */
export function consoleLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Logger {
  const min = LOG_LEVELS.indexOf(level)
  const at =
    (l: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LOG_LEVELS.indexOf(l) < min) return
      write(
        JSON.stringify({ level: l, time: new Date().toISOString(), message, ...fields }, (_k, v) =>
          typeof v === 'bigint' ? v.toString() : v,
        ),
      )
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
