import { basename } from 'node:path'

// The file name a download is saved under when the server names it (Content-Disposition): decoded, reduced to one
// safe path component, and cut to what a file system takes. A server's name is data, never a path.

/** A file name component's limit on the common file systems (ext4, XFS, APFS, NTFS): bytes of UTF-8. */
export const MAX_NAME_BYTES = 255

/** Why a saved name is not the server's name as sent. */
export type DownloadRename =
  /** Characters no file name may hold (controls, `<>:"|?*`, bidi overrides) were replaced by `_`, or a path was cut to its last part. */
  | 'unsafe'
  /** Longer than {@link MAX_NAME_BYTES} bytes: the stem was cut, the extension kept. */
  | 'shortened'
  /** Another entry already had the name and was left alone: ` (n)` was added before the extension. */
  | 'taken'

/** A server-sent name and the name it is saved under. */
export interface ServerFileName {
  /** As the server sent it (decoded). */
  sent: string
  /** One safe path component that fits {@link MAX_NAME_BYTES}. */
  name: string
  renamed: DownloadRename[]
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

/** A parameter of a Content-Disposition header (`filename`, `filename*`), raw; quoted strings unescaped. */
function parameter(header: string, key: string): string | undefined {
  const escaped = key.replace('*', '\\*')
  const m = new RegExp(`(?:^|;)\\s*${escaped}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(header)
  if (!m) return undefined
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim()
}

/** RFC 8187 `charset'lang'pct-encoded` (UTF-8 or ISO-8859-1); undefined when it cannot be decoded. */
function extendedValue(value: string): string | undefined {
  const m = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value)
  if (!m) return undefined
  const charset = m[1]!.toLowerCase()
  if (charset !== 'utf-8' && charset !== 'iso-8859-1') return undefined
  const octets: number[] = []
  const text = m[2]!
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      octets.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else octets.push(...Buffer.from(text[i]!, 'utf8'))
  }
  try {
    return new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true }).decode(Uint8Array.from(octets))
  } catch {
    return undefined
  }
}

/** The file name of a Content-Disposition header, as sent (`filename*` preferred over `filename`). */
export function dispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined
  const star = parameter(header, 'filename*')
  const name = (star === undefined ? undefined : extendedValue(star)) ?? rawUtf8(parameter(header, 'filename'))
  return name === '' ? undefined : name
}

/**
 * Header bytes arrive as Latin-1 characters; many servers put UTF-8 bytes in a plain `filename="…"`. Where those
 * bytes are valid UTF-8, that is what was meant; otherwise the Latin-1 reading stands.
 */
function rawUtf8(value: string | undefined): string | undefined {
  if (value === undefined || !/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'))
  } catch {
    return value
  }
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i

/** Code points no file name may hold on one of the common systems, or that disguise a name (bidi overrides). */
function unsafeChar(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    '<>:"|?*'.includes(String.fromCodePoint(cp)) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  )
}

/** `name` split before its extension (a last `.` that is not the first character, extension ≤ 32 bytes). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || bytes(name.slice(dot)) > 32) return { stem: name, ext: '' }
  return { stem: name.slice(0, dot), ext: name.slice(dot) }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** `stem` cut at a character (grapheme) boundary to at most `max` UTF-8 bytes. */
function cutToBytes(stem: string, max: number): string {
  let out = ''
  let used = 0
  for (const { segment } of graphemes.segment(stem)) {
    const n = bytes(segment)
    if (used + n > max) break
    out += segment
    used += n
  }
  return out
}

/** `stem + suffix + ext` within `max` bytes: the stem is cut, never the extension or the suffix. */
export function fitName(stem: string, suffix: string, ext: string, max = MAX_NAME_BYTES): string {
  const room = max - bytes(suffix) - bytes(ext)
  const cut = bytes(stem) > room ? cutToBytes(stem, room).replace(/[. ]+$/, '') : stem
  return `${cut || '_'}${suffix}${ext}`
}

/** `name (n).ext`, cut to fit. */
export function numberedName(name: string, n: number, max = MAX_NAME_BYTES): string {
  const { stem, ext } = splitExtension(name)
  return fitName(stem, ` (${n})`, ext, max)
}

/**
 * The server's name as one safe file name: its last path part (so `../x` and `a\b` cannot leave the directory),
 * unsafe characters replaced, trailing dots and spaces dropped (Windows drops them), device names (`CON`, `NUL`…)
 * prefixed, and cut to {@link MAX_NAME_BYTES} bytes keeping the extension. Undefined when nothing usable is left.
 */
export function serverFileName(sent: string | undefined): ServerFileName | undefined {
  if (sent === undefined) return undefined
  const renamed = new Set<DownloadRename>()
  const last = basename(sent.replace(/\\/g, '/'))
  if (last !== sent.replace(/[/\\]+$/, '')) renamed.add('unsafe')
  let safe = ''
  for (const ch of last) safe += unsafeChar(ch.codePointAt(0)!) ? '_' : ch
  safe = safe.replace(/[. ]+$/, '')
  if (WINDOWS_RESERVED.test(safe.split('.')[0]!)) safe = `_${safe}`
  if (safe !== last) renamed.add('unsafe')
  if (safe === '' || /^\.+$/.test(safe)) return undefined
  let name = safe
  if (bytes(name) > MAX_NAME_BYTES) {
    const { stem, ext } = splitExtension(name)
    name = fitName(stem, '', ext)
    renamed.add('shortened')
  }
  return { sent, name, renamed: [...renamed] }
}
