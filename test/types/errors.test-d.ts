// Compile-time guarantees of the error catalog: narrowing gives typed details, codes are checked.
import { describe, expectTypeOf, it } from 'vitest'
import { type ErrorCode, type HttpErrorDetails, HyperdeltaError, isHyperdeltaError, type Job } from '../../src/index.js'
import type { DocumentedErrorKind, EndpointName, EndpointResource } from '../../src/wire.js'

describe('HyperdeltaError', () => {
  it('isHyperdeltaError(e, code) narrows details to that code', () => {
    const e: unknown = undefined
    if (isHyperdeltaError(e, 'API_ERROR')) {
      expectTypeOf(e.details.status).toEqualTypeOf<number>()
      expectTypeOf(e.details).toEqualTypeOf<Readonly<HttpErrorDetails>>()
    }
    if (isHyperdeltaError(e, 'JOB_FAILED')) expectTypeOf(e.details.job).toEqualTypeOf<Job>()
  })

  it('a documented kind narrows to the HTTP details plus resource, endpoint and tableauCode', () => {
    const e: unknown = undefined
    if (isHyperdeltaError(e, 'PERMISSION_DENIED')) {
      expectTypeOf(e.details.resource).toEqualTypeOf<EndpointResource>()
      expectTypeOf(e.details.endpoint).toEqualTypeOf<EndpointName>()
      expectTypeOf(e.details.tableauCode).toEqualTypeOf<string>()
      expectTypeOf(e.details.status).toEqualTypeOf<number>()
    }
    expectTypeOf<DocumentedErrorKind>().toExtend<ErrorCode>()
  })

  it('comparing code narrows an error of any code', () => {
    const e: unknown = undefined
    if (isHyperdeltaError(e) && e.code === 'DATASOURCE_AMBIGUOUS') {
      expectTypeOf(e.details.candidates).toBeArray()
    }
  })

  it('refuses unknown codes and wrong details', () => {
    // @ts-expect-error not a catalog code
    new HyperdeltaError('MADE_UP', 'x')
    // @ts-expect-error CONFIG_INVALID needs details.field
    new HyperdeltaError('CONFIG_INVALID', 'x')
    // @ts-expect-error not a detail of CONFIG_INVALID
    new HyperdeltaError('CONFIG_INVALID', 'x', { details: { field: 'a', status: 1 } })
    expectTypeOf<'API_ERROR'>().toExtend<ErrorCode>()
  })
})
