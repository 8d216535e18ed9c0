import type { Readable } from 'node:stream'
import type { ApiRequest } from '../api-request.js'
import { documentedErrors } from '../client-errors.js'
import { apiPath } from '../request-path.js'
import { fileUploadResponseSchema } from '../responses.js'

// Endpoints of file-upload sessions. The upload operation (parts, restarts) is in ../upload-file.ts.

/** `POST …/fileUploads`: opens an upload session (201 is documented; 200 tolerated). */
export function initiateUpload(signal?: AbortSignal): ApiRequest<typeof fileUploadResponseSchema> {
  return {
    label: 'upload',
    method: 'POST',
    path: apiPath`/fileUploads`,
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
    method: 'PUT',
    // Session ids contain colons: percent-encoded like every segment.
    path: apiPath`/fileUploads/${uploadSessionId}`,
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
