/**
 * One error class for the whole library. Switch on the stable string `code`, never on class chains.
 * `retryable` says whether repeating the same operation may succeed. `details` carries structured
 * context (action index, column, row, HTTP status, ...) and never holds secrets.
 *
 * @example
 * ```ts
 * import { HyperdeltaError, batch } from 'hyperdelta'
 * try { batch().compile() } catch (e) {
 *   if (e instanceof HyperdeltaError && e.code === 'BATCH_EMPTY') console.error(e.message)
 * }
 * ```
 */
export class HyperdeltaError extends Error {
  override readonly name: string = 'HyperdeltaError'
  readonly code: string
  readonly retryable: boolean
  readonly details: Readonly<Record<string, unknown>>

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retryable = options.retryable ?? false
    this.details = Object.freeze({ ...options.details })
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, details: this.details }
  }
}

/** True when `error` is a {@link HyperdeltaError}, optionally with the given code. */
export function isHyperdeltaError(error: unknown, code?: string): error is HyperdeltaError {
  return error instanceof HyperdeltaError && (code === undefined || error.code === code)
}
