import { stat } from 'node:fs/promises'
import { HyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { isAmbiguousFailure } from '../transport/retry-policy.js'
import { appendToUpload, initiateUpload } from './endpoints.js'
import { multipartPart } from './multipart.js'

/**
 * Largest part of one "Append to File Upload" request: Tableau rejects single chunks over 64 MB (docs/protocol.md §6.2,
 * CONFIRMED secondary: Tableau's own MCP client uses 64 × 2^20 bytes). INFERRED that the limit is 2^20-based.
 */
export const MAX_UPLOAD_PART_BYTES = 64 * 1024 * 1024

/** Options of {@link TableauClient.uploadFile}. */
export interface UploadFileOptions {
  /** Bytes per append request, 1 .. 64 MiB (default 64 MiB). */
  partSizeBytes?: number
  /** Called after each part is stored. */
  onProgress?: (p: { uploadedBytes: number; totalBytes: number; part: number; parts: number }) => void
  signal?: AbortSignal
}

/** The result of an upload: the session to reference from `updateData`. */
export interface UploadResult {
  uploadSessionId: string
  bytes: number
}

/**
 * Uploads a file: initiate a session (201), then append it in parts, each streamed from disk as a fresh
 * multipart/mixed body per attempt (never the whole file in memory).
 */
export async function uploadFile(send: Send, path: string, options: UploadFileOptions = {}): Promise<UploadResult> {
  const partSize = options.partSizeBytes ?? MAX_UPLOAD_PART_BYTES
  if (!Number.isInteger(partSize) || partSize < 1 || partSize > MAX_UPLOAD_PART_BYTES) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      `upload: partSizeBytes must be an integer in 1..${MAX_UPLOAD_PART_BYTES}`,
      {
        details: { field: 'partSizeBytes', value: partSize },
      },
    )
  }
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new Error('not a regular file')
    size = s.size
  } catch (cause) {
    throw new HyperdeltaError('UPLOAD_FILE_UNREADABLE', `upload: cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      details: { path },
    })
  }
  // An append that failed after the server may have stored its bytes (no answer, 500/502/504) is not repeated:
  // a repeated append could store the chunk twice. The whole upload restarts in a new session instead.
  for (let session = 1; ; session++) {
    try {
      return await uploadInSession(send, path, size, partSize, options)
    } catch (error) {
      if (!isAmbiguousFailure(error) || session >= MAX_UPLOAD_SESSIONS || options.signal?.aborted) throw error
    }
  }
}

/** Upload sessions tried before an upload fails (each restart follows an ambiguous append failure). */
export const MAX_UPLOAD_SESSIONS = 3

async function uploadInSession(
  send: Send,
  path: string,
  size: number,
  partSize: number,
  options: UploadFileOptions,
): Promise<UploadResult> {
  const initiated = await send(initiateUpload(options.signal))
  const uploadSessionId = initiated.fileUpload.uploadSessionId
  // An empty file still gets one (empty) part, so the session holds a file.
  const parts = Math.max(1, Math.ceil(size / partSize))
  for (let part = 1; part <= parts; part++) {
    const start = (part - 1) * partSize
    const length = Math.min(partSize, size - start)
    await send(appendToUpload(uploadSessionId, multipartPart(path, start, length), options.signal))
    options.onProgress?.({ uploadedBytes: start + length, totalBytes: size, part, parts })
  }
  return { uploadSessionId, bytes: size }
}
