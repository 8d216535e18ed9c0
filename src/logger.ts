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

/** A pino-style logger: fields first, then the message (`logger.info({ rows: 3 }, 'push: done')`). */
export interface FieldsFirstLogger {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/**
 * True for a pino logger (or a pino child): it takes `(fields, message)`, and given `(message, fields)`
 * it would treat the fields as a format argument and drop them.
 */
function isPino(logger: object): boolean {
  const l = logger as { bindings?: unknown; child?: unknown; levels?: { values?: unknown } }
  return typeof l.bindings === 'function' && typeof l.child === 'function' && typeof l.levels?.values === 'object'
}

/** Calls a fields-first (pino-style) logger through hyperdelta's `(message, fields)` interface. */
export function fieldsFirstLogger(logger: FieldsFirstLogger): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void =>
      logger[level](fields ?? {}, message)
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * The logger hyperdelta calls: a pino logger is detected and called fields-first; anything else
 * (winston, console-like, {@link consoleLogger}) is called `(message, fields)`; none → silence.
 */
export function toLogger(logger: Logger | FieldsFirstLogger | undefined): Logger {
  if (logger === undefined) return silentLogger
  return isPino(logger) ? fieldsFirstLogger(logger as FieldsFirstLogger) : (logger as Logger)
}
