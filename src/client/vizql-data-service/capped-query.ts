import type { Readable } from 'node:stream'
import { HyperdeltaError } from '../../errors.js'
import type { ApiRequest, Send } from '../transport/api-request.js'
import { invalidResponseError, truncateBody } from '../transport/client-errors.js'
import { VDS_ROOT } from '../transport/pipeline.js'
import { joinPaths } from '../transport/request-path.js'
import { vdsQueryOutputSchema } from './vds.js'

// A `query-datasource` answer read under a byte cap: the body is counted as it arrives and the read stops at the
// cap, so an answer larger than the caller allows is never held in memory whole (the service's own limit is far
// above what a nightly check should read, see VDS_FACTS.maxResponseBytes).

function tooLarge(call: ApiRequest, maxBytes: number, bytes: number): HyperdeltaError<'RESPONSE_TOO_LARGE'> {
  return new HyperdeltaError(
    'RESPONSE_TOO_LARGE',
    `${call.label}: ${call.method} ${urlOf(call)} answered more than ${maxBytes} bytes (the cap of this read); ask for less (fewer keys per query)`,
    { details: { maxBytes, bytes, method: call.method, url: urlOf(call) } },
  )
}

/** The body as text, or RESPONSE_TOO_LARGE once it passes `maxBytes` (or announces more in Content-Length). */
async function readCapped(
  call: ApiRequest,
  body: Readable,
  headers: Record<string, string | string[] | undefined>,
  maxBytes: number,
): Promise<string> {
  // The rest of a refused answer is dropped with the socket; its abort is expected, not an error to report.
  body.on('error', () => {})
  const announced = Number(headers['content-length'])
  if (Number.isFinite(announced) && announced > maxBytes) {
    body.destroy()
    throw tooLarge(call, maxBytes, announced)
  }
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of body) {
    bytes += (chunk as Buffer).length
    if (bytes > maxBytes) throw tooLarge(call, maxBytes, bytes) // leaving the loop destroys the body
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Sends a `query-datasource` request and returns its rows, reading at most `maxBytes` of the answer. */
export async function cappedQuery(
  send: Send,
  call: ApiRequest<typeof vdsQueryOutputSchema>,
  maxBytes: number,
): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = []
  await send({
    ...call,
    sink: async (body, headers) => {
      const text = await readCapped(call, body, headers, maxBytes)
      const ctx = { method: call.method, url: urlOf(call) }
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        throw invalidResponseError(call.label, ctx, 200, 'body is not JSON', truncateBody(text))
      }
      const parsed = vdsQueryOutputSchema.safeParse(value)
      if (!parsed.success) {
        throw invalidResponseError(
          call.label,
          ctx,
          200,
          parsed.error.issues[0]?.message ?? 'bad body',
          truncateBody(text),
        )
      }
      rows = parsed.data.data
    },
  })
  return rows
}

/** The path as sent (the catalogue's `vds` scope rooted), for messages and details. */
function urlOf(call: ApiRequest): string {
  return call.scope === 'vds' ? joinPaths(VDS_ROOT, call.path) : call.path
}
