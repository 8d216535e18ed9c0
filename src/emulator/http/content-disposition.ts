/** RFC 5987 attr-char: the bytes a `filename*` value may carry unencoded. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/

/**
 * The Content-Disposition of a download, as the page shows it (`name="tableau_datasource"; filename="…"`).
 * A header carries Latin-1 only, so a name beyond printable ASCII (or with `"` or `\`) also gets RFC 6266's
 * `filename*=UTF-8''…` (percent-encoded UTF-8) after an ASCII fallback; clients that read `filename*` get the
 * name exactly.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  const head = `name="tableau_datasource"; filename="${fallback}"`
  if (fallback === filename) return head
  let encoded = ''
  for (const byte of Buffer.from(filename, 'utf8')) {
    const c = String.fromCharCode(byte)
    encoded += ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return `${head}; filename*=UTF-8''${encoded}`
}
