import { type ApiError, badRequest } from './api-error.js'

// How the emulator reads a request's target. It never resolves the path the way a URL parser does (`new URL`
// folds `..` and `%2e%2e` into the parent, which would turn `DELETE …/datasources/{id}/tags/..` into Delete Data
// Source): the raw path is split on `/` first, then each segment is percent-decoded on its own, so an encoded `/`
// stays inside its segment. A segment that is empty or a dot-segment (raw or encoded) is answered 400: no route is
// matched for it, parent or otherwise.

/** The path of a request, as its segments (decoded), its raw spelling and its query. */
export interface RequestTarget {
  /** Raw path, as sent (for messages and fault predicates). */
  readonly pathname: string
  /** Each segment percent-decoded after the split; undefined when an escape is malformed. */
  readonly segments: readonly string[] | undefined
  readonly query: URLSearchParams
}

/** Splits `rawUrl` (the request line's target); throws a 400 ApiError for an empty or dot segment. */
export function requestTarget(rawUrl: string): RequestTarget {
  const cut = rawUrl.search(/[?#]/)
  const pathname = cut === -1 ? rawUrl : rawUrl.slice(0, cut)
  const rawQuery = cut === -1 || rawUrl[cut] === '#' ? '' : rawUrl.slice(cut + 1).split('#')[0]!
  const query = new URLSearchParams(rawQuery)
  if (!pathname.startsWith('/')) return { pathname, segments: undefined, query }
  const raw = pathname.slice(1).split('/')
  const segments: string[] = []
  for (const [i, segment] of raw.entries()) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return { pathname, segments: undefined, query }
    }
    if (decoded === '.' || decoded === '..') throw refused(pathname, `segment ${i + 1} is a dot-segment`)
    if (segment === '' && !(raw.length === 1 && i === 0)) throw refused(pathname, `segment ${i + 1} is empty`)
    segments.push(decoded)
  }
  return { pathname, segments: segments.filter((s) => s !== ''), query }
}

function refused(pathname: string, why: string): ApiError {
  return badRequest(`The URI '${pathname}' cannot be routed: ${why}.`)
}
