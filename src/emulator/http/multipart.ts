/**
 * A streaming multipart parser for `multipart/mixed` bodies (Append to File Upload, Publish).
 * Part bodies go straight to a sink chunk by chunk; only a delimiter-sized tail is kept in memory.
 * Accepts every variant real servers accept (docs/protocol.md §6.2): `form-data;` prefix or none, quoted or
 * unquoted names, headers in any order, `filename=""`, and a closing delimiter without a CRLF.
 */

export interface PartHeaders {
  readonly name: string | undefined
  readonly filename: string | undefined
  readonly contentType: string | undefined
}

/** Receives one part's bytes. `write` may return a promise (backpressure): parsing waits for it. */
export interface PartSink {
  write(chunk: Buffer): void | Promise<void>
  end(): void | Promise<void>
}

export class MultipartError extends Error {
  override readonly name = 'MultipartError'
}

/** The boundary of a `multipart/*` Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/(mixed|form-data)\b/i.test(contentType)) return undefined
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return m ? (m[1] ?? m[2]) : undefined
}

/** Parameters of a header value such as `form-data; name="x"; filename=y`. */
function headerParams(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const piece of value.split(';')) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const key = piece.slice(0, eq).trim().toLowerCase()
    let v = piece.slice(eq + 1).trim()
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1)
    out[key] = v
  }
  return out
}

function parseHeaders(block: string): PartHeaders {
  let disposition = ''
  let contentType: string | undefined
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'content-disposition') disposition = value
    else if (key === 'content-type') contentType = value
  }
  const params = headerParams(disposition)
  return { name: params['name'], filename: params['filename'], contentType }
}

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')
const MAX_HEADER_BYTES = 16 * 1024

/**
 * Parses `source` and calls `onPart` for each part; returns the number of parts.
 * Throws MultipartError on a malformed body (missing boundary, unterminated part).
 */
export async function parseMultipart(
  source: AsyncIterable<Buffer | string>,
  boundary: string,
  onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>,
): Promise<number> {
  const opening = Buffer.from(`--${boundary}`)
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done'
  let state = 'preamble' as State
  let buf: Buffer = Buffer.alloc(0)
  let sink: PartSink | undefined
  let parts = 0

  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        // The first delimiter may start the body (no leading CRLF) or follow a preamble.
        const at = buf.indexOf(opening)
        if (at < 0) {
          if (buf.length > opening.length) buf = buf.subarray(buf.length - opening.length)
          return false
        }
        buf = buf.subarray(at + opening.length)
        state = 'after-delimiter'
        return true
      }
      case 'after-delimiter': {
        // `--` closes the body (CRLF optional); otherwise optional whitespace, then CRLF.
        if (buf.length < 2) return false
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done'
          return false
        }
        const eol = buf.indexOf(CRLF)
        if (eol < 0) {
          if (buf.length > 256) throw new MultipartError('malformed delimiter line')
          return false
        }
        if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw new MultipartError('malformed delimiter line')
        buf = buf.subarray(eol + 2)
        state = 'headers'
        return true
      }
      case 'headers': {
        let block: string
        if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          block = '' // a part without headers
          buf = buf.subarray(2)
        } else {
          const end = buf.indexOf(HEADER_END)
          if (end < 0) {
            if (buf.length > MAX_HEADER_BYTES) throw new MultipartError('part headers too long')
            return false
          }
          block = buf.subarray(0, end).toString('utf8')
          buf = buf.subarray(end + 4)
        }
        sink = await onPart(parseHeaders(block))
        parts++
        state = 'body'
        return true
      }
      case 'body': {
        const at = buf.indexOf(delimiter)
        if (at >= 0) {
          if (at > 0) await sink!.write(buf.subarray(0, at))
          await sink!.end()
          sink = undefined
          buf = buf.subarray(at + delimiter.length)
          state = 'after-delimiter'
          return true
        }
        // Keep a tail that may hold the start of the delimiter; hand the rest on.
        const keep = Math.min(buf.length, delimiter.length - 1)
        if (buf.length > keep) {
          await sink!.write(buf.subarray(0, buf.length - keep))
          buf = buf.subarray(buf.length - keep)
        }
        return false
      }
      case 'done':
        return false
    }
  }

  for await (const chunk of source) {
    // After the closing delimiter keep reading (the epilogue is ignored): breaking out would destroy the request.
    if (state === 'done') continue
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    buf = buf.length === 0 ? data : Buffer.concat([buf, data])
    while (await step()) {}
  }
  if (state !== 'done') throw new MultipartError(`body ended inside the multipart stream (${state})`)
  return parts
}
