import { HyperdeltaError } from '../../errors.js'
import { type ConnectedAppJwtOptions, mintConnectedAppJwt } from './connected-app-jwt.js'
import { type UatSource, uatSignInBody } from './uat.js'

/**
 * How to sign in (docs/protocol.md §4.1): a personal access token, a username and password, a connected-app JWT — a string
 * you bring, a function that returns a fresh one per sign-in, or the app's secret to mint one locally (HS256) — or a
 * unified access token (`uat`, REST 3.27 and later: a string or a function that returns a fresh one).
 */
export type TableauAuth =
  | { personalAccessToken: { name: string; secret: string } }
  | { password: { username: string; password: string } }
  | { jwt: string | (() => string | Promise<string>) | ConnectedAppJwtOptions }
  | { uat: UatSource }

/** The kinds of sign-in, as logs, errors and the probe name them. */
export const SIGN_IN_KINDS = ['personalAccessToken', 'password', 'jwt', 'uat'] as const
export type SignInKind = (typeof SIGN_IN_KINDS)[number]

/** The sign-in body for `auth` on site `contentUrl` (JSON; XML for a UAT), plus the secrets it carries (to scrub from errors). */
export async function signInBody(
  auth: TableauAuth,
  contentUrl: string,
  now: () => number,
): Promise<{ body: string; secrets: string[]; contentType: string }> {
  const site = { contentUrl }
  const json = (credentials: object, secrets: string[]) => ({
    body: JSON.stringify({ credentials }),
    secrets,
    contentType: 'application/json',
  })
  if ('personalAccessToken' in auth) {
    const { name, secret } = auth.personalAccessToken
    required('personalAccessToken.name', name)
    required('personalAccessToken.secret', secret)
    return json({ personalAccessTokenName: name, personalAccessTokenSecret: secret, site }, [secret])
  }
  if ('password' in auth) {
    const { username, password } = auth.password
    required('password.username', username)
    required('password.password', password)
    return json({ name: username, password, site }, [password])
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
    return json({ jwt, site }, secrets)
  }
  if ('uat' in auth) {
    const jwt = typeof auth.uat === 'function' ? await auth.uat() : auth.uat
    required('uat', jwt)
    return { body: uatSignInBody(jwt, contentUrl), secrets: [jwt], contentType: 'application/xml' }
  }
  throw new HyperdeltaError('CONFIG_INVALID', 'auth: pass personalAccessToken, password, jwt or uat', {
    details: { field: 'auth' },
  })
}

function required(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new HyperdeltaError('CONFIG_INVALID', `auth: ${field} must be a non-empty string`, { details: { field } })
  }
}

/** Which kind of credentials, for logs (never the credentials themselves). */
export function authKind(auth: TableauAuth): SignInKind {
  if ('personalAccessToken' in auth) return 'personalAccessToken'
  if ('password' in auth) return 'password'
  return 'uat' in auth ? 'uat' : 'jwt'
}
