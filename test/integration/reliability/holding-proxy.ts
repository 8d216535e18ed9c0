import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback HTTP proxy in front of the emulator that can freeze one request at a chosen point, so a
 * test can kill the client process at an exact stage of the protocol:
 * - `before`: the request never reaches the emulator;
 * - `mid-body`: the emulator gets the headers and `afterBytes` of the body, then nothing more;
 * - `after-response`: the emulator handles the request fully, the client never sees the answer.
 * It also records every request line as received (`requests`: method and the raw target, never normalized) and
 * forwards that raw target as it is, so a test sees exactly which resource a client asked for.
 */
export type HoldPoint = { at: 'before' } | { at: 'mid-body'; afterBytes: number } | { at: 'after-response' }

export interface Hold {
  method: string
  /** Matched against the request path (after the /api/{version} prefix too). */
  path: RegExp
  /** Skip this many matching requests first. Default 0. */
  skip?: number
  point: HoldPoint
}

export interface HeldRequest {
  method: string
  url: string
  /** With `after-response`: the emulator's status and body the client never got. */
  status?: number
  body?: string
}

export interface HoldingProxy {
  url: string
  /** Arms one hold; resolves when a request is frozen at the point. */
  holdNext(hold: Hold): Promise<HeldRequest>
  /** Every request seen so far, in order: method and raw `req.url`. */
  readonly requests: readonly { method: string; url: string }[]
  close(): Promise<void>
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const holds: { hold: Hold; skipped: number; resolve: (h: HeldRequest) => void }[] = []
  const take = (req: IncomingMessage) => {
    const i = holds.findIndex((h) => h.hold.method === req.method && h.hold.path.test(req.url ?? ''))
    if (i < 0) return undefined
    const h = holds[i]!
    if (h.skipped < (h.hold.skip ?? 0)) {
      h.skipped++
      return undefined
    }
    holds.splice(i, 1)
    return h
  }
  const requests: { method: string; url: string }[] = []
  const upstreamUrl = new URL(target)
  const server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url! })
    const held = take(req)
    const point = held?.hold.point
    const info = { method: req.method!, url: req.url! }
    if (point?.at === 'before') {
      held!.resolve(info)
      return // never answered: the client waits until it is killed
    }
    // The raw target as the path option: a URL string would be resolved (dot-segments folded) on the way.
    const upstream = httpRequest(
      {
        host: upstreamUrl.hostname,
        port: upstreamUrl.port,
        path: `${upstreamUrl.pathname.replace(/\/$/, '')}${req.url}`,
        method: req.method,
        headers: req.headers,
      },
      (upRes: IncomingMessage) => {
        if (point?.at === 'after-response') {
          const chunks: Buffer[] = []
          upRes.on('data', (c: Buffer) => chunks.push(c))
          upRes.on('end', () =>
            held!.resolve({ ...info, status: upRes.statusCode!, body: Buffer.concat(chunks).toString('utf8') }),
          )
          return
        }
        res.writeHead(upRes.statusCode!, upRes.headers)
        upRes.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    // The client went away (killed): abandon the upstream request too, as a dropped connection would.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    if (point?.at === 'mid-body') {
      let sent = 0
      req.on('data', (chunk: Buffer) => {
        if (sent >= point.afterBytes) return
        const part = chunk.subarray(0, point.afterBytes - sent)
        upstream.write(part)
        sent += part.length
        if (sent >= point.afterBytes) held!.resolve(info)
      })
    } else {
      req.pipe(upstream)
    }
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNext: (hold) => new Promise((resolve) => holds.push({ hold, skipped: 0, resolve })),
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      }),
  }
}
