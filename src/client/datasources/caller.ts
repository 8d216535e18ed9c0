import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { HttpCall } from '../http.js'
import type { UploadFileOptions, UploadResult } from '../upload-file.js'

/** One request as the resource describes it; the client adds auth, retries and re-sign-in. */
export interface ResourceCall<S extends z.ZodType> {
  layer: string
  method: HttpCall<S>['method']
  path: string
  headers?: Record<string, string>
  body?: () => string | Readable
  expect: readonly number[]
  schema: S
  signal?: AbortSignal | undefined
  /** false for requests that must not be repeated after an ambiguous failure (non-idempotent). */
  retryAmbiguous?: boolean
  sink?: HttpCall<S>['sink']
}

/** What the Data Sources resource needs from the client. */
export interface ResourceCaller {
  call<S extends z.ZodType>(spec: ResourceCall<S>): Promise<z.output<S>>
  /** `/api/{v}/sites/{siteId}` + path. */
  sitePath(path: string): string
  uploadFile(path: string, options: UploadFileOptions): Promise<UploadResult>
}
