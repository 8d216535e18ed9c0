import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici'

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const

/**
 * The dispatcher a client uses unless it is given one. With a proxy variable set: undici's
 * EnvHttpProxyAgent, which reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself (so both spellings and
 * NO_PROXY's host, domain and port forms mean what they mean to curl). With `ca`: those certificates are
 * trusted for the server (and through the proxy). Neither: undefined, i.e. undici's global dispatcher.
 */
export function defaultDispatcher(options: {
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined
  env: Readonly<Record<string, string | undefined>>
}): Dispatcher | undefined {
  const tls = options.ca === undefined ? undefined : { ca: options.ca as string | Buffer | (string | Buffer)[] }
  const proxied = PROXY_VARIABLES.some((name) => options.env[name])
  if (proxied) {
    const pick = (upper: string, lower: string) => options.env[upper] || options.env[lower] || undefined
    return new EnvHttpProxyAgent({
      httpProxy: pick('HTTP_PROXY', 'http_proxy'),
      httpsProxy: pick('HTTPS_PROXY', 'https_proxy'),
      noProxy: pick('NO_PROXY', 'no_proxy'),
      ...(tls && { connect: tls, requestTls: tls }),
    } as ConstructorParameters<typeof EnvHttpProxyAgent>[0])
  }
  return tls ? new Agent({ connect: tls }) : undefined
}
