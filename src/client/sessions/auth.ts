import { HyperdeltaError } from '../../errors.js'
import { type ConnectedAppJwtOptions, mintConnectedAppJwt } from './connected-app-jwt.js'

/**
 * How to sign in (docs/protocol.md §4.1): a personal access token, a username and password, or a connected-app JWT — a string
 * you bring, a function that returns a fresh one per sign-in, or the app's secret to mint one locally (HS256).
 */
export type TableauAuth =
  | { personalAccessToken: { name: string; secret: string } }
  | { password: { username: string; password: string } }
  | { jwt: string | (() => string | Promise<string>) | ConnectedAppJwtOptions }

/** The JSON sign-in body for `auth` on site `contentUrl`, plus the secrets it carries (to scrub from errors). */
export async function signInBody(
  auth: TableauAuth,
  contentUrl: string,
  now: () => number,
): Promise<{ body: string; secrets: string[] }> {
  const site = { contentUrl }
  if ('personalAccessToken' in auth) {
    const { name, secret } = auth.personalAccessToken
    required('personalAccessToken.name', name)
    required('personalAccessToken.secret', secret)
    const credentials = { personalAccessTokenName: name, personalAccessTokenSecret: secret, site }
    return { body: JSON.stringify({ credentials }), secrets: [secret] }
  }
  if ('password' in auth) {
    const { username, password } = auth.password
    required('password.username', username)
    required('password.password', password)
    return { body: JSON.stringify({ credentials: { name: username, password, site } }), secrets: [password] }
  }
  if ('jwt' in auth) {
    const source = auth.jwt
    const jwt =
      typeof source === 'string'
        ? source
        : typeof source === 'function'
          ? await source()
          : mintConnectedAppJwt(source, now)
    required('jwt', jwt)
    const secrets = typeof source === 'object' ? [jwt, source.secretValue] : [jwt]
    return { body: JSON.stringify({ credentials: { jwt, site } }), secrets }
  }
  throw new HyperdeltaError('CONFIG_INVALID', 'auth: pass personalAccessToken, password or jwt', {
    details: { field: 'auth' },
  })
}

function required(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new HyperdeltaError('CONFIG_INVALID', `auth: ${field} must be a non-empty string`, { details: { field } })
  }
}

/** Which kind of credentials, for logs (never the credentials themselves). */
export function authKind(auth: TableauAuth): 'personalAccessToken' | 'password' | 'jwt' {
  return 'personalAccessToken' in auth ? 'personalAccessToken' : 'password' in auth ? 'password' : 'jwt'
}
