import { HyperdeltaError } from '../../errors.js'
import { compareApiVersions } from './api-version.js'

// Unified access tokens (UAT): a JWT variant of sign-in from REST 3.27 on (Tableau Cloud, December 2025; Tableau
// Server 2025.3), sent as TSC's `JWTAuth(isUat=True)` sends it: `<credentials jwt="…" isUat="true">` (docs/protocol.md §4.1).

/** The first REST API version that accepts a unified access token at sign-in. */
export const UAT_MIN_API_VERSION = '3.27'

/** A UAT: the token itself, or a function that returns a fresh one per sign-in. Never logged. */
export type UatSource = string | (() => string | Promise<string>)

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ESCAPES[c]!)

/**
 * The XML sign-in body of a UAT, in TSC's form (CONFIRMED there; the JSON spelling of `isUat` is not documented, so
 * this body is XML).
 */
export function uatSignInBody(jwt: string, contentUrl: string): string {
  return `<tsRequest><credentials jwt="${escapeXml(jwt)}" isUat="true"><site contentUrl="${escapeXml(contentUrl)}" /></credentials></tsRequest>`
}

/** The highest version a UAT session may use: the caller's cap, or at least {@link UAT_MIN_API_VERSION}. */
export function uatMaxApiVersion(defaultMax: string, callerMax: string | undefined): string {
  if (callerMax !== undefined) return callerMax
  return compareApiVersions(defaultMax, UAT_MIN_API_VERSION) < 0 ? UAT_MIN_API_VERSION : defaultMax
}

/** Refuses a UAT sign-in at a negotiated version below 3.27, before the token is sent. */
export function assertUatVersion(apiVersion: string, serverVersion: string, maxApiVersion: string): void {
  if (compareApiVersions(apiVersion, UAT_MIN_API_VERSION) >= 0) return
  const why =
    compareApiVersions(serverVersion, UAT_MIN_API_VERSION) < 0
      ? `the server offers REST API ${serverVersion}`
      : `maxApiVersion caps it at ${maxApiVersion}`
  throw new HyperdeltaError(
    'API_VERSION_UNSUPPORTED',
    `auth: a unified access token needs REST API ${UAT_MIN_API_VERSION} or later (Tableau Cloud, Tableau Server ` +
      `2025.3), but ${why}; sign in with a connected-app JWT, a personal access token or a password instead. ` +
      'Nothing was sent.',
    { details: { serverVersion, minApiVersion: UAT_MIN_API_VERSION, maxApiVersion } },
  )
}
