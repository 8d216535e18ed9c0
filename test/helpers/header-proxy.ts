import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback reverse proxy in front of the emulator that counts the requests matching `path` and can replace one
 * response header on them: a server that names its downloads oddly (long, Unicode, hostile names) without a
 * second copy of the emulator. Header values are sent as Latin-1, i.e. raw bytes.
 */
export interface HeaderProxy {
  url: string
  /** Requests seen whose path matched. */
  readonly hits: number
  /** The value `header` gets on matching responses (undefined: the emulator's own; null: removed). */
  rewrite: string | null | undefined
  close(): Promise<void>
}

export async function startHeaderProxy(target: string, path: RegExp, header: string): Promise<HeaderProxy> {
  const upstream = new URL(target)
  const state = { hits: 0, rewrite: undefined as string | null | undefined }
  const server = createServer((req, res) => {
    const matched = path.test(req.url ?? '')
    if (matched) state.hits++
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers }
        if (matched && state.rewrite !== undefined) {
          delete headers[header]
          if (state.rewrite !== null) headers[header] = state.rewrite
        }
        res.writeHead(answer.statusCode ?? 502, headers)
        answer.pipe(res)
      },
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get hits() {
      return state.hits
    },
    get rewrite() {
      return state.rewrite
    },
    set rewrite(v) {
      state.rewrite = v
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((ok) => server.close(ok))
    },
  }
}
