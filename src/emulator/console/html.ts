/**
 * HTML for the console: every interpolated value is escaped unless it is already {@link Html}
 * (built by this tag). Names come from API callers (a data source called `<img src=x onerror=…>`
 * must render as text), so nothing reaches the page without passing through here.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** A value a template may hold: text (escaped), numbers, Html (kept), lists of them; null/undefined/false render nothing. */
export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!
  for (const [i, v] of values.entries()) out += render(v) + strings[i + 1]!
  return new Html(out)
}

/** A query-string link: `href('/console/jobs', { id })` with every parameter encoded. */
export function href(path: string, params: Readonly<Record<string, string | undefined>> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v)
  const s = q.toString()
  return s === '' ? path : `${path}?${s}`
}
