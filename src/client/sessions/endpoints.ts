import { z } from 'zod'
import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { emptyResponseSchema, text } from '../transport/responses.js'
import { SERVER_INFO_API_VERSION } from './api-version.js'

// Endpoints of the sign-in flow. None carries the session token or is answered by signing in again.

export const serverInfoResponseSchema = z.object({
  serverInfo: z
    .object({
      restApiVersion: text,
      productVersion: z
        .union([text, z.object({ value: z.string().optional(), build: z.string().optional() }).loose()])
        .optional(),
    })
    .loose(),
})

export const signInResponseSchema = z.object({
  credentials: z
    .object({
      token: z.string().min(1),
      estimatedTimeToExpiration: z.string().optional(),
      site: z.object({ id: z.string().min(1), contentUrl: z.string().optional() }).loose(),
      user: z.object({ id: z.string().optional() }).loose().optional(),
    })
    .loose(),
})

/** `GET /api/2.4/serverinfo`: unauthenticated, at a fixed old version every server still answers. */
export function serverInfo(): ApiRequest<typeof serverInfoResponseSchema> {
  return {
    label: 'client',
    ...endpoint('serverInfo', {}, { apiVersion: SERVER_INFO_API_VERSION }),
    expect: [200],
    schema: serverInfoResponseSchema,
    auth: false,
  }
}

/** `POST /api/{v}/auth/signin` with a credentials body (JSON; XML for a UAT, see auth.ts); a 401 is `AUTH_FAILED`. */
export function signIn(
  body: string,
  who: { server: string; site: string; auth: string },
  contentType = 'application/json',
): ApiRequest<typeof signInResponseSchema> {
  return {
    label: 'auth',
    ...endpoint('signIn', {}),
    headers: { 'Content-Type': contentType },
    body: () => body,
    expect: [200],
    schema: signInResponseSchema,
    auth: false,
    mapError: (error) => {
      if (!(isHyperdeltaError(error, 'API_ERROR') && error.details.status === 401)) {
        return error
      }
      const d = error.details
      return new HyperdeltaError(
        'AUTH_FAILED',
        `auth: sign-in to ${who.server} (site "${who.site}") rejected: ${d.tableauCode ?? 401} ` +
          `${d.detail ?? d.summary ?? ''}`.trimEnd(),
        { cause: error, details: { ...d, auth: who.auth } },
      )
    },
  }
}

/** `POST /api/{v}/auth/signout` with the session token; tried twice at most, a 401 is not answered. */
export function signOut(): ApiRequest<typeof emptyResponseSchema> {
  return {
    label: 'auth',
    ...endpoint('signOut', {}),
    expect: [204, 200],
    schema: emptyResponseSchema,
    reauth: false,
    maxAttempts: 2,
  }
}
