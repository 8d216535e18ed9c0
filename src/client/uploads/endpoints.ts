import type { Readable } from 'node:stream'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { fileUploadResponseSchema } from '../transport/responses.js'

// Endpoints of file-upload sessions. The upload operation (parts, restarts) is in ../upload-file.ts.

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
  }
}
