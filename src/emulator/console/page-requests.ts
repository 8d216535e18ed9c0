import { type Html, html } from './html.js'
import { orDash, page } from './layout.js'
import type { RequestEntry, RequestLog } from './request-log.js'

/** How many matching requests one page shows (the log keeps more). */
const SHOWN = 300

/** `status` filter: an exact code (`503`) or a class (`4xx`). */
function statusMatches(filter: string, status: number): boolean {
  const m = /^([1-5])xx$/i.exec(filter)
  return m ? Math.floor(status / 100) === Number(m[1]) : String(status) === filter
}

/** The API requests, newest first, filtered by method, status, route, path or RequestID. */
export function requestsPage(log: RequestLog, query: URLSearchParams): string {
  const f = {
    method: (query.get('method') ?? '').trim().toUpperCase(),
    status: (query.get('status') ?? '').trim(),
    route: (query.get('route') ?? '').trim(),
    path: (query.get('path') ?? '').trim(),
    requestId: (query.get('requestId') ?? '').trim(),
  }
  const keep = (e: RequestEntry): boolean =>
    (f.method === '' || e.method === f.method) &&
    (f.status === '' || statusMatches(f.status, e.status)) &&
    (f.route === '' || e.route.toLowerCase() === f.route.toLowerCase()) &&
    (f.path === '' || e.path.includes(f.path)) &&
    (f.requestId === '' || e.requestId.includes(f.requestId))
  const all = log.newestFirst()
  const matching = all.filter(keep)
  const input = (name: keyof typeof f, label: string, hint: string): Html =>
    html`<label>${label} <input name="${name}" value="${f[name]}" placeholder="${hint}" size="12"></label>`
  const form = html`<form class="inline" method="get" id="requests-filter">
${input('method', 'Method', 'PATCH')}${input('status', 'Status', '4xx or 503')}${input('route', 'Route', 'updateData')}
${input('path', 'Path contains', '/datasources/')}${input('requestId', 'RequestID', '')}
<button type="submit">Filter</button> <a href="/console/requests">clear</a></form>`
  const rows = matching.slice(0, SHOWN).map(
    (
      e,
    ) => html`<tr data-seq="${e.seq}"><td title="${e.at}">${e.at.slice(11, 23)}</td><td>${e.method}</td><td class="v">${e.path}</td>
<td class="num status-${String(e.status).charAt(0)}">${e.status === 0 ? 'closed' : e.status}</td><td>${orDash(e.route)}</td>
<td class="num">${e.durationMs} ms</td><td class="id"><code>${orDash(e.requestId)}</code></td></tr>`,
  )
  return page({
    title: 'Requests',
    section: 'requests',
    topics: ['requests'],
    head: html`<h1>Requests</h1>${form}`,
    live: html`<p>${matching.length} of the last ${all.length} request(s)${matching.length > SHOWN ? html`, newest ${SHOWN} shown` : ''}.</p>
<table class="requests"><thead><tr><th>Time (UTC)</th><th>Method</th><th>Path</th><th>Status</th><th>Route</th><th>Took</th><th>RequestID</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  })
}
