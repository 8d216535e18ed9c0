import type { Environment } from '../../environment.js'
import type { Send } from '../transport/api-request.js'
import type { SessionHandle } from '../transport/reauth-layer.js'
import { authKind, type SignInKind, signInBody, type TableauAuth } from './auth.js'
import { signIn } from './endpoints.js'

// The signed-in session: it owns the token and the secrets to scrub from errors, and signs in again when the
// transport's re-auth layer asks (serialized: a PAT allows one session at a time, so concurrent sign-ins would
// invalidate each other).

/** Where the session signs in; `send` is the whole transport (sign-in is a request like any other). */
export interface SessionConfig {
  server: string
  site: string
  auth: TableauAuth
  env: Environment
}

/** Token, site and user of a signed-in session; mutated only by sign-in. */
export class Session implements SessionHandle {
  /** Negotiated REST API version (set before the first sign-in). */
  apiVersion: string | undefined
  siteId: string | undefined
  userId: string | undefined
  #token: string | undefined
  #secrets: readonly string[] = []
  /** Secrets of a sign-in in flight (the body's PAT secret, password or JWT). */
  #pending: readonly string[] = []
  #reauthing: Promise<void> | undefined
  readonly #config: SessionConfig

  constructor(config: SessionConfig) {
    this.#config = config
  }

  /** Which kind of credentials it signs in with (never the credentials). */
  get kind(): SignInKind {
    return authKind(this.#config.auth)
  }

  get token(): string | undefined {
    return this.#token
  }

  /** Everything to scrub from text that ends up in an error: the token and the credentials' secrets. */
  secrets(): readonly string[] {
    return [...(this.#token === undefined ? [] : [this.#token]), ...this.#secrets, ...this.#pending]
  }

  /** Signs in through `send`; a 401 becomes `AUTH_FAILED` (the sign-in endpoint's error mapping). */
  async signIn(send: Send): Promise<void> {
    const { server, site, auth, env } = this.#config
    const { body, secrets, contentType } = await signInBody(auth, site, env.now)
    this.#pending = secrets
    try {
      const res = await send(signIn(body, { server, site, auth: authKind(auth) }, contentType))
      if (this.siteId !== undefined && res.credentials.site.id !== this.siteId) {
        env.logger.warn('auth: site id changed on re-sign-in', { siteId: res.credentials.site.id })
      } else {
        this.siteId = res.credentials.site.id
        this.userId = res.credentials.user?.id
      }
      this.#token = res.credentials.token
      this.#secrets = secrets
    } finally {
      this.#pending = []
    }
  }

  /** Signs in again unless another call already replaced `staleToken`; concurrent callers share one sign-in. */
  async reauth(staleToken: string | undefined, send: Send): Promise<void> {
    if (this.#token !== staleToken) return
    this.#reauthing ??= this.signIn(send).finally(() => {
      this.#reauthing = undefined
    })
    await this.#reauthing
  }

  /** Resolves once a re-sign-in in flight has ended (either way). */
  async settled(): Promise<void> {
    await this.#reauthing?.catch(() => {})
  }
}
