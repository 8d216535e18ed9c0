import type { ErrorCode, ErrorDetails } from './error-catalog.js'

/** Options of a {@link HyperdeltaError}; `details` is required when the code's details have required fields. */
export type HyperdeltaErrorOptions<C extends ErrorCode> = { cause?: unknown; retryable?: boolean } & (Record<
  string,
  never
> extends ErrorDetails<C>
  ? { details?: ErrorDetails<C> }
  : { details: ErrorDetails<C> })

type ErrorOptionsArg<C extends ErrorCode> =
  Record<string, never> extends ErrorDetails<C>
    ? [options?: HyperdeltaErrorOptions<C>]
    : [options: HyperdeltaErrorOptions<C>]

/**
 * One error class for the whole library. Switch on the stable string `code`, never on class chains: every code and
 * the shape of its `details` are listed in `error-catalog.ts`, and {@link isHyperdeltaError} narrows both.
 * `retryable` says whether repeating the same operation may succeed. `details` never holds secrets.
 *
 * @example
 * ```ts
 * import { isHyperdeltaError, batch } from 'hyperdelta'
 * try { await client.updateData(request) } catch (e) {
 *   if (isHyperdeltaError(e, 'API_ERROR')) console.error(e.details.status, e.details.tableauCode)
 * }
 * ```
 */
export class HyperdeltaError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name: string = 'HyperdeltaError'
  readonly code: C
  readonly retryable: boolean
  readonly details: Readonly<ErrorDetails<C>>

  constructor(code: C, message: string, ...[options]: ErrorOptionsArg<C>) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retryable = options?.retryable ?? false
    this.details = Object.freeze({ ...options?.details }) as Readonly<ErrorDetails<C>>
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, details: this.details }
  }
}

/** A HyperdeltaError of any code, as a union over the codes: testing `error.code` narrows `error.details`. */
export type AnyHyperdeltaError = { [C in ErrorCode]: HyperdeltaError<C> }[ErrorCode]

/**
 * True when `error` is a {@link HyperdeltaError}, optionally with the given code; with a code, `error.details`
 * gets that code's shape (without one, comparing `error.code` narrows it).
 *
 * @example
 * ```ts
 * if (isHyperdeltaError(e, 'JOB_FAILED')) console.error(e.details.notes)
 * if (isHyperdeltaError(e) && e.code === 'API_ERROR') console.error(e.details.status)
 * ```
 */
export function isHyperdeltaError(error: unknown): error is AnyHyperdeltaError
export function isHyperdeltaError<C extends ErrorCode>(error: unknown, code: C): error is HyperdeltaError<C>
export function isHyperdeltaError(error: unknown, code?: ErrorCode): boolean {
  return error instanceof HyperdeltaError && (code === undefined || error.code === code)
}
