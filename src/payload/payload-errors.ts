import { HyperdeltaError } from '../errors.js'

/**
 * Every error code the payload layer throws, in one place (the README table mirrors this list).
 * Messages start with "payload:" and name the table, column and row index where one applies.
 */
export const PAYLOAD_ERROR_CODES = [
  'PAYLOAD_OPTIONS_INVALID',
  'PAYLOAD_INPUT_INVALID',
  'PAYLOAD_ROW_INVALID',
  'PAYLOAD_COLUMN_UNKNOWN',
  'PAYLOAD_VALUE_INVALID',
  'PAYLOAD_ROW_TOO_LARGE',
  'PAYLOAD_DUPLICATE_KEYS',
  'PAYLOAD_PARQUET_INPUT',
  'PAYLOAD_ABORTED',
  'PAYLOAD_IO',
] as const
export type PayloadErrorCode = (typeof PAYLOAD_ERROR_CODES)[number]

/** A payload-layer error: `payload: <message>`, never retryable except for I/O. */
export function payloadError(
  code: PayloadErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): HyperdeltaError {
  return new HyperdeltaError(code, `payload: ${message}`, {
    details,
    retryable: code === 'PAYLOAD_IO',
    ...(cause !== undefined && { cause }),
  })
}

/** The error for an aborted signal, keeping the signal's reason as the cause. */
export function abortedError(signal: AbortSignal): HyperdeltaError {
  return payloadError('PAYLOAD_ABORTED', 'packaging aborted', {}, signal.reason)
}
