import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'

// The body of one "Append to File Upload" request (docs/protocol.md §6.2), built by hand because the documented form is
// `multipart/mixed` with `Content-Disposition: name="…"` (no `form-data;`), which FormData cannot produce:
//
//   --B\r\n Content-Disposition: name="request_payload"\r\n Content-Type: text/xml\r\n \r\n (empty) \r\n
//   --B\r\n Content-Disposition: name="tableau_file"; filename="F"\r\n Content-Type: application/octet-stream\r\n
//   \r\n <bytes start..start+length> \r\n --B--\r\n

/** A fresh random boundary (32 hex chars, like TSC's); never occurs in the fixed text parts. */
export function newBoundary(): string {
  return randomBytes(16).toString('hex')
}

/** A filename safe inside a quoted header parameter: the base name, other characters replaced by `_`. */
export function safeFilename(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? ''
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_')
  return clean === '' || /^\.+$/.test(clean) ? 'file' : clean
}

/** One part of a file as a multipart/mixed body: exact length, and a factory for a fresh stream per attempt. */
export interface MultipartPart {
  contentType: string
  contentLength: number
  /** Streams the body from disk; call once per attempt. */
  body: () => Readable
}

/**
 * Describes bytes `[start, start + length)` of `path` as the documented two-part body.
 *
 * @example
 * ```ts
 * const part = multipartPart('/tmp/changes.parquet', 0, 1024)
 * await request(url, { method: 'PUT', body: part.body(),
 *   headers: { 'content-type': part.contentType, 'content-length': String(part.contentLength) } })
 * ```
 */
export function multipartPart(
  path: string,
  start: number,
  length: number,
  boundary: string = newBoundary(),
): MultipartPart {
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: name="request_payload"\r\n` +
      `Content-Type: text/xml\r\n\r\n\r\n` +
      `--${boundary}\r\n` +
      `Content-Disposition: name="tableau_file"; filename="${safeFilename(path)}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
    'latin1',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')
  return {
    contentType: `multipart/mixed; boundary=${boundary}`,
    contentLength: head.length + length + tail.length,
    body: () => {
      async function* chunks() {
        yield head
        if (length > 0) {
          yield* createReadStream(path, { start, end: start + length - 1, highWaterMark: 1 << 20 })
        }
        yield tail
      }
      return Readable.from(chunks(), { objectMode: false })
    },
  }
}
