import type { ResourceRouteName } from '../core/routes.js'
import { signInError } from '../http/api-error.js'
import { objectAt, parseRequestDocument, readBody, stringAt } from '../http/body.js'
import { el, textEl } from '../http/document.js'
import { formatDuration } from '../runtime/auth.js'
import type { Handler } from '../runtime/state.js'

/** GET /api/{v}/serverinfo (no auth). */
export const serverInfo: Handler = async (state) => ({
  status: 200,
  body: [
    el('serverInfo', undefined, [
      textEl('productVersion', '2024.3.0', { build: '20243.24.1112.0956' }),
      textEl('restApiVersion', state.restApiVersion),
    ]),
  ],
})

/** POST /api/{v}/auth/signin: password, PAT, connected-app JWT or UAT (`isUat="true"`) (docs/protocol.md §4.1). */
export const signIn: Handler = async (state, ctx) => {
  const doc = parseRequestDocument(await readBody(ctx.req, 1024 * 1024), ctx.req.headers['content-type'])
  const credentials = objectAt(doc, 'credentials')
  if (!credentials) throw signInError()
  const contentUrl = stringAt(objectAt(credentials, 'site'), 'contentUrl') ?? ''
  const site = state.catalog.data.sites.find((s) => s.contentUrl.toLowerCase() === contentUrl.toLowerCase())
  if (!site) throw signInError()
  const session = state.sessions.signIn(
    {
      name: stringAt(credentials, 'name'),
      password: stringAt(credentials, 'password'),
      patName: stringAt(credentials, 'personalAccessTokenName'),
      patSecret: stringAt(credentials, 'personalAccessTokenSecret'),
      jwt: stringAt(credentials, 'jwt'),
      uat: stringAt(credentials, 'isUat')?.toLowerCase() === 'true',
    },
    site.id,
  )
  const user = state.catalog.ensureUser(session.userName)
  state.logger.info('emulator: signed in', { user: user.name, site: site.contentUrl })
  return {
    status: 200,
    body: [
      el('credentials', { token: session.token, estimatedTimeToExpiration: formatDuration(state.tokenTtlMs) }, [
        el('site', { id: site.id, contentUrl: site.contentUrl }),
        el('user', { id: user.id }),
      ]),
    ],
  }
}

/** POST /api/{v}/auth/signout → 204; the token is dead afterwards. */
export const signOut: Handler = async (state, ctx) => {
  ctx.req.resume()
  state.sessions.signOut(ctx.session!.token)
  return { status: 204 }
}

/** Every session endpoint of the protocol catalogue and its handler: one left out does not compile. */
export const SESSION_HANDLERS = { serverInfo, signIn, signOut } satisfies Record<ResourceRouteName<'session'>, Handler>
