import { HyperdeltaError } from '../../errors.js'

// The one way a request path is built. A path's literal text is the route; every value interpolated into it (an id,
// a tag, a revision, a job or upload session id...) is one segment of its own, percent-encoded, and refused when a
// URL resolver could read it as something else than that segment: `.`, `..` and their percent-encoded spellings
// would send the request to a parent resource (`DELETE …/datasources/{id}/tags/..` is Delete Data Source). A `/` or
// `\` is sent encoded (tags may hold one), unless a piece between them is a dot-segment (`a/..`): a server or proxy
// that decodes `%2F` before routing would fold that one too. `RequestPath` is branded,
// so an `ApiRequest` whose path was assembled by hand does not type-check; `checkRequestPath` repeats the check on
// the final path before it is sent, for a path forged with a cast.

declare const requestPathBrand: unique symbol
/** A path (and query) under a request's scope, made by {@link apiPath}: every caller value is one segment. */
export type RequestPath = string & { readonly [requestPathBrand]: true }

/** A value in the path part of {@link apiPath}: one whole segment. */
export type PathValue = string | number
/** A value in the query part of {@link apiPath}: one percent-encoded value, or parameters serialized whole. */
export type QueryValue = string | number | boolean | URLSearchParams

/** Caps the percent-decoding rounds: a value still changing after this many is refused. */
const MAX_DECODE_ROUNDS = 8

/**
 * The value and its decodings, `%XX` escapes read byte by byte (enough to see dots and slashes), again until
 * nothing changes; undefined when it still changes after MAX_DECODE_ROUNDS.
 */
function decodedForms(value: string): string[] | undefined {
  const forms = [value]
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    const current = forms.at(-1)!
    const next = current.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
    if (next === current) return forms
    forms.push(next)
  }
  return undefined
}

/** Why `value` cannot be a path segment, or undefined when it can. */
export function pathValueProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'is not a finite number'
  if (typeof value !== 'string') return `is a ${value === null ? 'null' : typeof value}, not a string`
  if (value === '') return 'is empty'
  const forms = decodedForms(value)
  if (forms === undefined) return 'is percent-encoded too many times over'
  for (const form of forms) {
    if (form === '.' || form === '..') return 'is a dot-segment (it would name the parent resource)'
    if (form.split(/[/\\]/).some((piece) => piece === '.' || piece === '..')) {
      return 'holds a dot-segment between slashes (a server decoding %2F would name a parent resource)'
    }
  }
  if (/[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    return 'contains an unpaired surrogate'
  }
  return undefined
}

/** The segment name a value follows (`tags` for `/datasources/{}/tags/{}`), to say which value was refused. */
function fieldOf(before: string): string {
  const literal = before.split('/').filter((s) => s !== '' && s !== '{}')
  return literal.at(-1) ?? 'path'
}

/**
 * Refuses a value that cannot be a path segment with `PATH_SEGMENT_INVALID` (bad input: nothing was sent). Use it
 * to check arguments before any request (the CLI does); {@link apiPath} applies it to every value.
 */
export function checkPathValue(value: unknown, field: string, route?: string): void {
  const problem = pathValueProblem(value)
  if (problem === undefined) return
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value)
  const where = route === undefined ? '' : ` in ${route}`
  throw new HyperdeltaError('PATH_SEGMENT_INVALID', `request: ${field} ${shown}${where} ${problem}; nothing was sent`, {
    details: {
      field,
      value: typeof value === 'string' ? value : shown,
      reason: problem,
      ...(route !== undefined && { route }),
    },
  })
}

function querySerialized(value: QueryValue): string {
  return value instanceof URLSearchParams ? value.toString() : encodeURIComponent(String(value))
}

/**
 * Builds a {@link RequestPath}: `apiPath\`/datasources/${id}/tags/${tag}\``. Before the first `?` of the literal
 * text, each value must fill a whole segment (the literal before it ends with `/`, the one after starts with `/`
 * or `?` or is the end) and is checked with {@link checkPathValue}, then percent-encoded. After the `?`, values are
 * percent-encoded query values, and `URLSearchParams` are serialized whole; a query left empty drops its `?`.
 */
export function apiPath(strings: TemplateStringsArray, ...values: readonly QueryValue[]): RequestPath {
  const route = strings.join('{}').split('?')[0] ?? ''
  let out = strings[0] ?? ''
  let inQuery = out.includes('?')
  for (const [i, value] of values.entries()) {
    const next = strings[i + 1] ?? ''
    if (inQuery) out += querySerialized(value)
    else {
      const whole = out.endsWith('/') && (next === '' || next.startsWith('/') || next.startsWith('?'))
      if (!whole || value instanceof URLSearchParams || typeof value === 'boolean') {
        // A route written against the rule above is a bug in this library, not bad input.
        throw new Error(`apiPath: value ${i + 1} of ${route} is not a whole path segment`)
      }
      checkPathValue(value, fieldOf(strings.slice(0, i + 1).join('{}')), route)
      out += encodeURIComponent(String(value))
    }
    out += next
    if (next.includes('?')) inQuery = true
  }
  return (out.endsWith('?') ? out.slice(0, -1) : out) as RequestPath
}

/** `prefix` followed by `rest`, both built by {@link apiPath} (the endpoints layer roots a request's path). */
export function joinPaths(prefix: RequestPath, rest: RequestPath): RequestPath {
  return (prefix + rest) as RequestPath
}

/**
 * Refuses a final path (before its `?`) holding an empty, `.` or `..` segment, spelled raw or percent-encoded, or a
 * raw `\` (read as `/` by URL parsers, undici's included): such a path would be resolved to another resource.
 */
export function checkRequestPath(method: string, path: string): void {
  const pathname = path.split(/[?#]/)[0] ?? ''
  const bad = pathname.includes('\\')
    ? '\\'
    : pathname
        .split('/')
        .slice(1)
        .find((s) => s === '' || /^(\.|%2e){1,2}$/i.test(s))
  if (bad === undefined) return
  throw new HyperdeltaError(
    'PATH_SEGMENT_INVALID',
    `request: ${method} ${pathname} holds the segment ${JSON.stringify(bad)}, which a URL resolver would not keep ` +
      'as it is (nothing was sent)',
    { details: { field: 'path', value: bad, reason: 'dot, empty or backslash segment', route: pathname } },
  )
}
