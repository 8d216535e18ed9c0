import { createHmac, randomUUID } from 'node:crypto'
import { HyperdeltaError } from '../../errors.js'

/**
 * Scopes a locally minted connected-app JWT asks for: what the update flow calls (find the data source and its
 * connections, upload a file, PATCH …/data, read and cancel jobs). INFERRED: Tableau documents
 * `tableau:file_uploads:create` for uploads (docs/protocol.md §6.1) but not the scope of Update Data in Hyper (docs/protocol.md §13.13);
 * `tableau:datasources:update` is the documented scope of the data-source update methods. Override with
 * `scopes` when a server wants others.
 */
export const CONNECTED_APP_DEFAULT_SCOPES: readonly string[] = Object.freeze([
  'tableau:content:read',
  'tableau:datasources:read',
  'tableau:datasources:update',
  'tableau:file_uploads:create',
  'tableau:jobs:read',
  'tableau:jobs:update',
])

/** Tableau accepts connected-app JWTs that expire at most 10 minutes out. */
const MAX_EXPIRY_SECONDS = 600

/** Options to mint a connected-app (direct trust) JWT locally with HS256. */
export interface ConnectedAppJwtOptions {
  /** The connected app's client id (JWT `iss` and header `iss`). */
  clientId: string
  /** The secret's id (JWT header `kid`). */
  secretId: string
  /** The secret's value (HMAC key). Never logged. */
  secretValue: string
  /** The Tableau user to sign in as (JWT `sub`). */
  username: string
  /** JWT `scp`; defaults to {@link CONNECTED_APP_DEFAULT_SCOPES}. */
  scopes?: readonly string[]
  /** Lifetime in seconds (default 300, at most 600). */
  expiresInSeconds?: number
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url')

/**
 * Mints a short-lived HS256 JWT for Tableau connected apps (direct trust), with `node:crypto` only.
 * A fresh `jti` each call: Tableau rejects a replayed token, so every sign-in needs a new one.
 *
 * @example
 * ```ts
 * const jwt = mintConnectedAppJwt({ clientId, secretId, secretValue, username: 'etl@example.com' })
 * const client = await TableauClient.signIn({ server, site, auth: { jwt } })
 * ```
 */
export function mintConnectedAppJwt(options: ConnectedAppJwtOptions, now: () => number = Date.now): string {
  for (const key of ['clientId', 'secretId', 'secretValue', 'username'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') {
      throw new HyperdeltaError('CONFIG_INVALID', `auth: connected-app JWT needs a non-empty ${key}`, {
        details: { field: key },
      })
    }
  }
  const lifetime = options.expiresInSeconds ?? 300
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_EXPIRY_SECONDS) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      `auth: expiresInSeconds must be an integer in 1..${MAX_EXPIRY_SECONDS}`,
      {
        details: { field: 'expiresInSeconds', value: lifetime },
      },
    )
  }
  const header = { alg: 'HS256', typ: 'JWT', kid: options.secretId, iss: options.clientId }
  const payload = {
    iss: options.clientId,
    aud: 'tableau',
    sub: options.username,
    jti: randomUUID(),
    exp: Math.floor(now() / 1000) + lifetime,
    scp: [...(options.scopes ?? CONNECTED_APP_DEFAULT_SCOPES)],
  }
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  const signature = createHmac('sha256', options.secretValue).update(signingInput).digest('base64url')
  return `${signingInput}.${signature}`
}
