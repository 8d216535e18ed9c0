import { describe, expect, it } from 'vitest'
import { EXIT, exitCodeFor } from '../../../src/cli/exit-codes.js'
import { type ErrorCode, HyperdeltaError } from '../../../src/index.js'

const err = (code: ErrorCode, options: { retryable?: boolean; cause?: unknown } = {}) =>
  new HyperdeltaError(code, code, options)

describe('exitCodeFor', () => {
  it.each([
    [new Error('boom'), EXIT.internal],
    [err('USAGE'), EXIT.usage],
    [err('ACTION_INVALID'), EXIT.input],
    [err('WIRE_INVALID'), EXIT.input],
    [err('JOURNAL_MISMATCH'), EXIT.input],
    [err('JOB_FAILED'), EXIT.failed],
    [err('PUSH_FAILED', { cause: err('JOB_CANCELLED') }), EXIT.failed],
    [err('PUSH_FAILED', { cause: err('NETWORK_ERROR', { retryable: true }) }), EXIT.interrupted],
    [err('PUSH_FAILED', { cause: err('JOB_NOT_FOUND') }), EXIT.failed],
    [err('PUSH_FAILED', { cause: err('REQUEST_ATTEMPTS_EXHAUSTED') }), EXIT.failed],
    [err('PUSH_FAILED', { cause: err('JOB_ABORTED', { retryable: true }) }), EXIT.interrupted],
    [err('JOURNAL_LOCKED'), EXIT.input],
    [err('JOB_TIMEOUT'), EXIT.interrupted],
    [err('AUTH_FAILED'), EXIT.server],
    // a local file that cannot be written: rerunning as is fails again (not 6), and it is not the server's (not 4)
    [err('DOWNLOAD_WRITE_FAILED'), EXIT.input],
    [err('EMULATOR_STATE_INVALID'), EXIT.server],
    // refused before sending: bad input; a documented Tableau code's kind is the server's answer, whatever its name
    [err('CONTENT_INVALID'), EXIT.input],
    [err('CONFIG_INVALID'), EXIT.input],
    [err('CAPABILITIES_INVALID'), EXIT.input],
    [err('CAPABILITY_REJECTED'), EXIT.input],
    [err('CAPABILITY_INVALID'), EXIT.server],
    [err('CAPABILITY_NOT_FOUND'), EXIT.server],
    [err('REQUEST_INVALID'), EXIT.server],
    [err('PAGE_INVALID'), EXIT.server],
  ])('%s → %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code)
  })
})
