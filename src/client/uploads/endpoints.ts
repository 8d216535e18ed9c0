import type { Readable } from 'node:stream'
import { z } from 'zod'
import type { ApiRequest } from '../transport/api-request.js'
import { documentedErrors } from '../transport/client-errors.js'
import { endpoint } from '../transport/endpoint.js'
import { int } from '../transport/responses.js'

// Endpoints of file-upload sessions. The upload operation (parts, restarts) is in upload-file.ts.

/** Initiate and Append answer the upload session. */
export const fileUploadResponseSchema = z.object({
  fileUpload: z.object({ uploadSessionId: z.string().min(1), fileSize: int.optional() }).loose(),
})

/** `POST …/fileUploads`: opens an upload session (201 is documented; 200 tolerated). */
export function initiateUpload(signal?: AbortSignal): ApiRequest<typeof fileUploadResponseSchema> {
  return {
    label: 'upload',
    ...endpoint('initiateUpload', {}),
    expect: [201, 200],
    schema: fileUploadResponseSchema,
    signal,
  }
}

/**
 * `PUT …/fileUploads/{sessionId}` with one multipart/mixed part. Not repeated after an ambiguous failure: a
 * repeated append could store the chunk twice (the uploader restarts the session instead).
 */
export function appendToUpload(
  uploadSessionId: string,
  part: { contentType: string; contentLength: number; body: () => Readable },
  signal?: AbortSignal,
): ApiRequest<typeof fileUploadResponseSchema> {
  return {
    label: 'upload',
    // Session ids contain colons: percent-encoded like every segment.
    ...endpoint('appendUpload', { upload: uploadSessionId }),
    headers: { 'Content-Type': part.contentType, 'Content-Length': String(part.contentLength) },
    body: part.body,
    expect: [200],
    schema: fileUploadResponseSchema,
    signal,
    retryAmbiguous: false,
    // 404015 (the session expired or never was) is UPLOAD_SESSION_NOT_FOUND, as on Publish Data Source.
    mapError: documentedErrors('appendUpload'),
  }
}
