import type { EmulatorState } from '../runtime/state.js'
import type { JobRecord } from '../store/catalog.js'
import { type Html, href, html } from './html.js'
import { orDash, page } from './layout.js'

/** queued, running, succeeded, failed or cancelled (finishCode 0 / 1 / 2). */
export function jobState(job: JobRecord): string {
  if (job.status !== 'done') return job.status
  return job.finishCode === 0 ? 'succeeded' : job.finishCode === 2 ? 'cancelled' : 'failed'
}

const STATE_CLASS: Record<string, string> = { succeeded: 'ok', failed: 'failed', cancelled: 'cancelled' }

function duration(job: JobRecord): string {
  if (job.durationMs !== undefined) return `${job.durationMs} ms`
  if (job.startedAt && job.completedAt) {
    return `${Math.round((Date.parse(job.completedAt) - Date.parse(job.startedAt)) / 1000)} s`
  }
  return ''
}

/** queued → running → ended, each with its time (time of day only when `short`). */
function timeline(job: JobRecord, short = false): Html {
  const step = (label: string, at: string | undefined): Html =>
    html`<li class="${at ? 'reached' : ''}" title="${at ?? ''}">${label}<br><small>${at === undefined ? '…' : short ? at.slice(11, 19) : at}</small></li>`
  return html`<ol class="timeline${short ? ' short' : ''}">${step('queued', job.createdAt)}${step('running', job.startedAt)}${step(
    job.status === 'done' ? jobState(job) : 'ended',
    job.completedAt,
  )}</ol>`
}

/** The jobs, newest first, optionally only one data source's or one state's. */
export function jobsPage(state: EmulatorState, query: URLSearchParams): string {
  const datasource = query.get('datasource') ?? ''
  const wanted = query.get('state') ?? ''
  const jobs = [...state.catalog.data.jobs]
    .reverse()
    .filter((j) => (datasource === '' || j.datasourceId === datasource) && (wanted === '' || jobState(j) === wanted))
  const states = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled']
  const form = html`<form class="inline" method="get">
${datasource !== '' ? html`<input type="hidden" name="datasource" value="${datasource}">` : undefined}
<label>State <select name="state">${states.map((s) => html`<option value="${s}"${s === wanted ? html` selected` : undefined}>${s === '' ? 'any' : s}</option>`)}</select></label>
<button type="submit">Show</button> <a href="/console/jobs">all jobs</a></form>`
  const rows = jobs.map(
    (
      j,
    ) => html`<tr data-job="${j.id}"><td><a href="${href(`/console/jobs/${encodeURIComponent(j.id)}`)}"><code>${j.id.slice(0, 8)}</code></a></td>
<td>${j.type ?? 'UpdateUploadedFile'}</td>
<td><a href="${href(`/console/datasources/${encodeURIComponent(j.datasourceId)}`)}">${j.datasourceName}</a></td>
<td class="${STATE_CLASS[jobState(j)] ?? jobState(j)}">${jobState(j)}</td><td>${timeline(j, true)}</td>
<td class="num">${orDash(j.finishCode)}</td><td class="num">${orDash(duration(j))}</td><td class="num">${orDash(j.rowsChanged)}</td>
<td class="id"><code>${orDash(j.requestId)}</code></td><td class="notes">${orDash(j.notes)}</td></tr>`,
  )
  return page({
    title: 'Jobs',
    section: 'jobs',
    topics: ['jobs'],
    head: html`<h1>Jobs</h1>${form}`,
    live:
      jobs.length === 0
        ? html`<p class="muted">No jobs${wanted || datasource ? ' match' : ' yet'}.</p>`
        : html`<table class="jobs"><thead><tr><th>Job</th><th>Type</th><th>Data source</th><th>State</th><th>Timeline</th>
<th>Finish code</th><th>Duration</th><th>Rows changed</th><th>RequestID</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>`,
  })
}

/** One job: everything the list shows plus the upload session and the actions JSON it applied. */
export function jobPage(state: EmulatorState, id: string): string | undefined {
  const job = state.catalog.data.jobs.find((j) => j.id === id)
  if (!job) return undefined
  let actions = job.actionsJson
  try {
    actions = JSON.stringify(JSON.parse(job.actionsJson), null, 2)
  } catch {
    // shown as stored
  }
  const s = jobState(job)
  return page({
    title: `Job ${job.id}`,
    section: 'jobs',
    topics: ['jobs'],
    head: html`<h1>Job <code>${job.id}</code></h1>`,
    live: html`${timeline(job)}<table class="facts"><tbody>
<tr><th>Type</th><td>${job.type ?? 'UpdateUploadedFile'}</td></tr>
<tr><th>Data source</th><td><a href="${href(`/console/datasources/${encodeURIComponent(job.datasourceId)}`)}">${job.datasourceName}</a></td></tr>
<tr><th>State</th><td class="${STATE_CLASS[s] ?? s}" id="job-state">${s}</td></tr>
<tr><th>Progress</th><td><progress max="100" value="${job.progress}"></progress> ${job.progress}%</td></tr>
<tr><th>Finish code</th><td>${orDash(job.finishCode)}</td></tr>
<tr><th>Created / started / completed</th><td>${job.createdAt} / ${orDash(job.startedAt)} / ${orDash(job.completedAt)}</td></tr>
<tr><th>Duration</th><td>${orDash(duration(job))}</td></tr>
<tr><th>Rows changed</th><td>${orDash(job.rowsChanged)}</td></tr>
<tr><th>RequestID</th><td><code>${orDash(job.requestId)}</code></td></tr>
<tr><th>Upload session</th><td><code>${orDash(job.uploadSessionId)}</code></td></tr>
<tr><th>Connection</th><td><code>${orDash(job.connectionId)}</code></td></tr>
<tr><th>Notes</th><td class="notes" id="job-notes">${orDash(job.notes)}</td></tr>
</tbody></table>
<h2>Actions applied</h2><pre id="job-actions">${actions}</pre>`,
  })
}
