import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

/**
 * Headers on every console response: scripts and styles only from the console itself (no inline
 * script or style, so an escaped name that slipped through still could not run), never framed,
 * never cached, no referrer to other sites (`no-referrer` would make Chromium send `Origin: null` on the form).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}

/** True for 127.0.0.0/8 and ::1 (also as IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const a = address.startsWith('::ffff:') ? address.slice(7) : address
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'))
}

/**
 * True when the Host header names a loopback host: a page from another site that rebinds its own
 * DNS name to 127.0.0.1 sends its own name here, and is refused.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  return name.toLowerCase() === 'localhost' || isLoopbackAddress(name)
}

/** Why a console request is refused before anything is read or shown, or undefined. */
export function refuseReason(req: IncomingMessage): string | undefined {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'the console answers loopback clients only'
  if (!isLoopbackHost(req.headers.host)) return 'the console answers only requests to localhost, 127.0.0.1 or [::1]'
  return undefined
}

/**
 * A state-changing POST must come from a console page: its Origin (and Sec-Fetch-Site) say same
 * origin, and it carries the token only console pages hold.
 */
export function postRefusal(req: IncomingMessage, form: URLSearchParams, token: string): string | undefined {
  const origin = req.headers.origin
  if (origin !== undefined && origin !== `http://${req.headers.host}`) return `origin ${origin} is not the console's`
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return `a ${site} request may not switch faults`
  const sent = Buffer.from(form.get('csrf') ?? '')
  const expected = Buffer.from(token)
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    return 'the form token is missing or stale: reload the page and submit again'
  }
  return undefined
}
