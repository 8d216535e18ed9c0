// Corporate networks: the client through an HTTP proxy on loopback (HTTP_PROXY / HTTPS_PROXY / NO_PROXY),
// a server whose certificate only a given `ca` vouches for, `await using`, and pino / winston loggers.
import { readFile } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import winston from 'winston'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { TableauClient } from '../../../src/index.js'

const PAT = { name: 'ci', secret: 'network-pat-secret' }
const tlsDir = join(import.meta.dirname, '../../fixtures/tls')
let emu: Emulator
let proxy: Server
/** host:port of every CONNECT the proxy saw. */
const tunnels: string[] = []

const listen = (server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))

beforeAll(async () => {
  emu = await startEmulator({ port: 0, jobDelayMs: 5, users: [{ name: 'admin', pat: PAT }] })
  // A forward proxy as corporate networks run them: CONNECT tunnels (undici tunnels http and https alike).
  proxy = createHttpServer((_req, res) => res.writeHead(405).end())
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url!)
    const [host, port] = req.url!.split(':')
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket).pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await listen(proxy)
})
afterAll(async () => {
  proxy?.closeAllConnections?.()
  await new Promise((resolve) => proxy?.close(resolve))
  await emu?.close()
})

const auth = { personalAccessToken: PAT }
const proxyUrl = () => `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`

describe('proxy', () => {
  it('HTTP_PROXY: every request goes through the proxy; the data source is found', async () => {
    tunnels.length = 0
    await using client = await TableauClient.signIn({ server: emu.url, auth, env: { HTTP_PROXY: proxyUrl() } })
    expect(client.siteId).toBeTruthy()
    expect(tunnels.length).toBeGreaterThan(0)
    expect(new Set(tunnels)).toEqual(new Set([new URL(emu.url).host]))
  })

  it('NO_PROXY naming the server: no request goes through the proxy', async () => {
    tunnels.length = 0
    await using client = await TableauClient.signIn({
      server: emu.url,
      auth,
      env: { HTTP_PROXY: proxyUrl(), NO_PROXY: '127.0.0.1' },
    })
    expect(client.siteId).toBeTruthy()
    expect(tunnels).toEqual([])
  })

  it('HTTPS_PROXY + ca: an https server behind the proxy, trusted only through `ca`', async () => {
    const [key, cert] = await Promise.all([readFile(join(tlsDir, 'key.pem')), readFile(join(tlsDir, 'cert.pem'))])
    // TLS in front of the emulator: the certificate is self-signed, so only `ca` makes it trusted.
    const front = createTlsServer({ key, cert }, (socket) => {
      const upstream = connect(emu.port, '127.0.0.1')
      socket.pipe(upstream).pipe(socket)
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    const port = await listen(front)
    try {
      tunnels.length = 0
      const server = `https://127.0.0.1:${port}`
      const env = { HTTPS_PROXY: proxyUrl() }
      await expect(TableauClient.signIn({ server, auth, env, retry: { maxAttempts: 1 } })).rejects.toThrow()
      await using client = await TableauClient.signIn({ server, auth, env, ca: cert })
      expect(client.siteId).toBeTruthy()
      expect(tunnels).toContain(`127.0.0.1:${port}`)
      await using direct = await TableauClient.signIn({ server, auth, ca: cert })
      expect(direct.siteId).toBeTruthy()
    } finally {
      await new Promise((resolve) => front.close(resolve))
    }
  })
})

describe('loggers', () => {
  function lines() {
    const out: Record<string, unknown>[] = []
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) out.push(JSON.parse(line))
        done()
      },
    })
    return { out, stream }
  }

  it('pino (fields, message): messages and fields both arrive', async () => {
    const { out, stream } = lines()
    const logger = pino({ level: 'debug' }, stream)
    const client = await TableauClient.signIn({ server: emu.url, auth, logger })
    await client.close()
    const signedIn = out.find((l) => l.msg === 'auth: signed in')
    expect(signedIn).toMatchObject({ server: emu.url, auth: 'personalAccessToken', apiVersion: expect.any(String) })
    expect(JSON.stringify(out)).not.toContain(PAT.secret)
  })

  it('winston (message, meta): messages and fields both arrive', async () => {
    const { out, stream } = lines()
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    })
    const client = await TableauClient.signIn({ server: emu.url, auth, logger })
    await client.close()
    await new Promise((resolve) => setImmediate(resolve))
    expect(out.find((l) => l.message === 'auth: signed in')).toMatchObject({
      server: emu.url,
      auth: 'personalAccessToken',
    })
  })
})

describe('await using', () => {
  it('signs the client out and closes the emulator when the block ends', async () => {
    let client: TableauClient | undefined
    let url = ''
    {
      await using emulator = await startEmulator({ port: 0, users: [{ name: 'admin', pat: PAT }] })
      url = emulator.url
      {
        await using c = await TableauClient.signIn({ server: emulator.url, auth })
        client = c
      }
      // Signed out: the token no longer works.
      await expect(client.findDatasource({ name: 'nothing' })).rejects.toThrow()
    }
    // Closed: nothing listens there any more.
    await expect(fetch(`${url}/api/3.24/serverinfo`)).rejects.toThrow()
  })
})
