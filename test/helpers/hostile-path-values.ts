// Values a caller could pass where a request path takes an id, a tag, a name, a revision or a job / upload session
// id. A URL resolver (undici's, a proxy's, a server's) reads the first group as `.` or `..` or as extra segments: each
// must be refused before sending. The second group is harmless once percent-encoded: each must arrive as exactly one
// segment, unchanged after decoding.

/** Dot-segments in every spelling, alone or between slashes, and the empty value. */
export const REFUSED_PATH_VALUES = [
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2e',
  '%2E%2e',
  '.%2E',
  '%2e.',
  '%252e%252e',
  '..%2f',
  '../..',
  'a/../..',
  '..\\',
  'a%5c..',
  '',
] as const

/** Harmless values a careless encoder would still get wrong (slashes, query and fragment marks, colons, dots). */
export const KEPT_PATH_VALUES = [
  'a/b',
  'a b/c',
  'a\\b',
  '%2F',
  '%5c',
  '/',
  'a?b',
  'a#b',
  '?',
  '#',
  '...',
  '.a.',
  ' x ',
  'up:load:1',
  'ü&=+',
] as const

export const HOSTILE_PATH_VALUES: readonly string[] = [...REFUSED_PATH_VALUES, ...KEPT_PATH_VALUES]

/** The path of a raw request target (before `?`), split on `/` after the leading one. */
export function rawSegments(target: string): string[] {
  return (target.split('?')[0] ?? '').split('/').slice(1)
}

/** True when a raw segment is one a URL resolver would fold or drop. */
export function collapsible(segment: string): boolean {
  return segment === '' || /^(\.|%2e){1,2}$/i.test(segment) || segment.includes('\\')
}
