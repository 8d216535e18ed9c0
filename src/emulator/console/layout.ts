import { Html, html } from './html.js'

export type Section = 'datasources' | 'jobs' | 'requests' | 'faults'
/** What the server's `change` events name; a page lists the ones it refreshes on. */
export type Topic = 'datasources' | 'jobs' | 'requests' | 'faults'

const NAV: readonly [Section, string, string][] = [
  ['datasources', 'Data sources', '/console'],
  ['jobs', 'Jobs', '/console/jobs'],
  ['requests', 'Requests', '/console/requests'],
  ['faults', 'Faults & personality', '/console/faults'],
]

export interface PageParts {
  readonly title: string
  readonly section: Section
  /** Topics whose changes re-fetch the live region. */
  readonly topics: readonly Topic[]
  /** Above the live region: forms, headings (never swapped while the user types). */
  readonly head?: Html
  /** The region live updates replace. */
  readonly live: Html
  /** Below the live region (never swapped). */
  readonly foot?: Html
}

/** A whole console page: no inline script or style (the CSP forbids both). */
export function page(p: PageParts): string {
  const nav = NAV.map(
    ([id, label, to]) => html`<a href="${to}"${id === p.section ? new Html(' class="current"') : ''}>${label}</a>`,
  )
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · hyperdelta emulator</title>
<link rel="icon" href="/console/favicon.svg">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head><body data-topics="${p.topics.join(' ')}">
<header><b>hyperdelta emulator</b><nav>${nav}</nav><span id="live-status">static</span></header>
<main>${p.head}<div data-live>${p.live}</div>${p.foot}</main>
</body></html>`}`
}

/** NULL and '' look different, and neither looks like the text "NULL". */
export function cell(value: string | null): Html {
  if (value === null) return html`<td class="v" data-null><span class="null">NULL</span></td>`
  if (value === '') return html`<td class="v" data-empty><span class="empty">''</span></td>`
  return html`<td class="v">${value}</td>`
}

/** `value` or a muted dash. */
export function orDash(value: string | number | undefined): Html {
  return value === undefined || value === '' ? html`<span class="muted">—</span>` : html`${value}`
}
