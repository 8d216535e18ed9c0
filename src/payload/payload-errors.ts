import { ERROR_CATALOG, ERROR_CODES, type ErrorCode, type ErrorDetails } from '../error-catalog.js'
import { HyperdeltaError } from '../errors.js'

/** The codes of the payload layer: the catalog's `payload` area. Messages start with "payload:". */
export type PayloadErrorCode = {
  [C in ErrorCode]: (typeof ERROR_CATALOG)[C] extends 'payload' ? C : never
}[ErrorCode]

/** Every error code the payload layer throws (derived from the catalog, so there is one list). */
export const PAYLOAD_ERROR_CODES: readonly PayloadErrorCode[] = ERROR_CODES.filter(
  (code): code is PayloadErrorCode => ERROR_CATALOG[code] === 'payload',
)

/** A payload-layer error: `payload: <message>`, never retryable except for I/O. */
export function payloadError<C extends PayloadErrorCode>(
  code: C,
  message: string,
  details: ErrorDetails<C>,
  cause?: unknown,
): HyperdeltaError<PayloadErrorCode> {
  const payloadCode: PayloadErrorCode = code
  const payloadDetails: ErrorDetails<PayloadErrorCode> = details
  return new HyperdeltaError(payloadCode, `payload: ${message}`, {
    details: payloadDetails,
    retryable: code === 'PAYLOAD_IO',
    ...(cause !== undefined && { cause }),
  })
}

/** The error for an aborted signal, keeping the signal's reason as the cause. */
export function abortedError(signal: AbortSignal): HyperdeltaError {
  return payloadError('PAYLOAD_ABORTED', 'packaging aborted', {}, signal.reason)
}
