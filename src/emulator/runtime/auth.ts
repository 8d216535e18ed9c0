import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SignInKind } from '../../index.js'
import { JWT_ALGORITHM } from '../core/inferred.js'
import { invalidCredentials, noCredentials, signInError } from '../http/api-error.js'

/** A configured user (see EmulatorOptions.users). */
export interface EmulatorUser {
  name: string
  password?: string
  pat?: { name: string; secret: string }
  connectedApp?: { clientId: string; secretId: string; secretValue: string }
  /** Site role (default SiteAdministratorCreator); virtual-connection permissions are checked against it. */
  siteRole?: string
}

/** The site role of a user configured without one. */
export const DEFAULT_SITE_ROLE = 'SiteAdministratorCreator'

/** What a sign-in request carried (XML or JSON, already parsed). */
export interface SignInCredentials {
  name?: string | undefined
  password?: string | undefined
  patName?: string | undefined
  patSecret?: string | undefined
  jwt?: string | undefined
  /** `isUat="true"`: the JWT is a unified access token (REST 3.27), verified as a connected-app JWT is here. */
  uat?: boolean | undefined
}

export interface Session {
  readonly token: string
  readonly userName: string
  readonly siteId: string
  readonly expiresAt: number
  readonly patKey: string | undefined
  /** How the session signed in (a personality may refuse some kinds on the update PATCH). */
  readonly kind: SignInKind
}

const b64url = (n: number): string => randomBytes(n).toString('base64url')
const alnum = (n: number): string =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
    .padEnd(n, 'x')

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Verifies an HS256 connected-app JWT against the configured users; returns the user name. */
function verifyJwt(jwt: string, users: readonly EmulatorUser[], now: number): string | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3) return undefined
  const [h, p, sig] = parts as [string, string, string]
  let header: { alg?: string; kid?: string }
  let payload: { iss?: string; sub?: string; exp?: number }
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (header.alg !== JWT_ALGORITHM) return undefined
  const user = users.find(
    (u) =>
      u.name === payload.sub &&
      u.connectedApp !== undefined &&
      u.connectedApp.secretId === header.kid &&
      u.connectedApp.clientId === payload.iss,
  )
  if (!user?.connectedApp) return undefined
  const expected = createHmac('sha256', user.connectedApp.secretValue).update(`${h}.${p}`).digest('base64url')
  if (!sameSecret(expected, sig)) return undefined
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now) return undefined
  return user.name
}

/**
 * Sessions of one emulator (in memory only; tokens do not survive a restart). Tokens have the
 * documented 3-part shape `random|random|site-luid` (docs/protocol.md §2.2).
 */
export class Sessions {
  private readonly byToken = new Map<string, Session>()
  constructor(
    private readonly users: readonly EmulatorUser[],
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks credentials and opens a session; throws 401001 on failure. */
  signIn(c: SignInCredentials, siteId: string): Session {
    let userName: string | undefined
    let patKey: string | undefined
    let kind: SignInKind = 'password'
    if (c.jwt !== undefined) {
      userName = verifyJwt(c.jwt, this.users, this.now())
      kind = c.uat ? 'uat' : 'jwt'
    } else if (c.patName !== undefined) {
      kind = 'personalAccessToken'
      const user = this.users.find((u) => u.pat?.name === c.patName && sameSecret(u.pat!.secret, c.patSecret ?? ''))
      userName = user?.name
      patKey = user ? `${user.name}\u0000${c.patName}` : undefined
    } else if (c.name !== undefined) {
      const user = this.users.find((u) => u.name === c.name && u.password !== undefined)
      userName = user && sameSecret(user.password!, c.password ?? '') ? user.name : undefined
    }
    if (userName === undefined) throw signInError()
    // A PAT supports one session at a time: the earlier token dies (docs/protocol.md §4.3, 401002 afterwards).
    if (patKey !== undefined) for (const [t, s] of this.byToken) if (s.patKey === patKey) this.byToken.delete(t)
    const session: Session = {
      token: `${b64url(16)}|${alnum(32)}|${siteId}`,
      userName,
      siteId,
      expiresAt: this.now() + this.ttlMs,
      patKey,
      kind,
    }
    this.byToken.set(session.token, session)
    return session
  }

  /** The session for a header value; 401000 when missing, 401002 when unknown or expired. */
  authenticate(token: string | undefined): Session {
    if (token === undefined || token === '') throw noCredentials()
    const session = this.byToken.get(token)
    if (!session) throw invalidCredentials()
    if (session.expiresAt <= this.now()) {
      this.byToken.delete(token)
      throw invalidCredentials()
    }
    return session
  }

  signOut(token: string): void {
    this.byToken.delete(token)
  }

  /** Expires every live token (fault injection). Returns how many. */
  expireAll(): number {
    const n = this.byToken.size
    this.byToken.clear()
    return n
  }
}

/** `H+:MM:SS` as in `estimatedTimeToExpiration`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}
