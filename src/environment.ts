import { setTimeout as delay } from 'node:timers/promises'
import { type Logger, silentLogger } from './logger.js'

/**
 * The one injected environment: time, sleeping, randomness and logging. The client, its retry policy and job
 * waiter, the push planner and the pipelines all read the clock and sleep through it, so a test can drive a whole
 * run on a fake clock and nothing in the library calls `Date.now()` or `Math.random()` behind the caller's back.
 *
 * @example
 * ```ts
 * import { consoleLogger, environment } from 'hyperdelta'
 * const env = environment({ logger: consoleLogger('debug') })
 * ```
 */
export interface Environment {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms`; must reject when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1): jitter for backoffs and polls. */
  random(): number
  logger: Logger
}

const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined)

/** The real clock, timers and `Math.random`, with a silent logger. */
export const defaultEnvironment: Readonly<Environment> = Object.freeze({
  now: () => Date.now(),
  sleep: realSleep,
  random: () => Math.random(),
  logger: silentLogger,
})

/** An environment with some parts replaced; `undefined` entries keep the default. */
export function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    now: overrides.now ?? defaultEnvironment.now,
    sleep: overrides.sleep ?? defaultEnvironment.sleep,
    random: overrides.random ?? defaultEnvironment.random,
    logger: overrides.logger ?? defaultEnvironment.logger,
  }
}
