// The console's only script and stylesheet, served from /console/app.js and /console/app.css (the
// Content-Security-Policy allows no inline script or style). Plain text shipped with the package: no build step.

/**
 * Live updates: the server sends `change` events naming topics (datasources, jobs, requests, faults);
 * when one concerns this page, the page's `[data-live]` region is fetched again and swapped in. Forms
 * stay outside that region, so typing in a filter is never interrupted.
 */
export const APP_JS = `'use strict'
;(() => {
  const live = document.querySelector('[data-live]')
  const status = document.getElementById('live-status')
  const topics = (document.body.dataset.topics || '').split(' ').filter(Boolean)
  if (!live || topics.length === 0 || !('EventSource' in window)) return
  let busy = false
  let again = false
  let generation = 0
  async function refresh() {
    if (busy) {
      again = true
      return
    }
    busy = true
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      if (res.ok) {
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
        const next = doc.querySelector('[data-live]')
        if (next) {
          live.replaceChildren(...Array.from(next.childNodes))
          document.body.dataset.generation = String(++generation)
        }
      }
    } catch {
      // the emulator stopped or restarted: EventSource reconnects and the next change refreshes
    } finally {
      busy = false
      if (again) {
        again = false
        void refresh()
      }
    }
  }
  const events = new EventSource('/console/events')
  events.addEventListener('open', () => {
    if (status) status.textContent = 'live'
    document.body.dataset.live = 'open'
    // what changed between this page's rendering and now (or while reconnecting) was never announced
    void refresh()
  })
  events.addEventListener('error', () => {
    if (status) status.textContent = 'reconnecting'
  })
  events.addEventListener('change', (e) => {
    const changed = JSON.parse(e.data).topics
    if (changed.some((t) => topics.includes(t))) void refresh()
  })
})()
`

export const APP_CSS = `:root { color-scheme: light dark; --muted: #777; --line: #8884; --bad: #c0392b; --good: #218838; --warn: #b8860b; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); }
header b { font-size: 1.1em; }
header nav a { margin-right: 1em; }
header nav a.current { font-weight: bold; text-decoration: none; }
#live-status { margin-left: auto; color: var(--muted); font-size: .9em; }
main { padding: .5em 1em 2em; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; } h3 { font-size: 1em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid var(--line); padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #8881; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre, td.v { font-family: ui-monospace, monospace; font-size: 13px; }
pre { white-space: pre-wrap; word-break: break-all; background: #8881; padding: .5em; margin: 0; max-height: 20em; overflow: auto; }
.null { color: var(--muted); font-style: italic; }
.empty { color: var(--muted); }
.muted { color: var(--muted); }
.ok { color: var(--good); } .failed { color: var(--bad); } .cancelled, .running, .queued { color: var(--warn); }
.status-4, .status-5 { color: var(--bad); }
.flash { padding: .4em .8em; border: 1px solid var(--good); margin: .5em 0; }
.flash.error { border-color: var(--bad); }
form.inline { display: flex; flex-wrap: wrap; gap: .5em; align-items: end; margin: .5em 0; }
form.inline label { display: flex; flex-direction: column; font-size: .9em; }
fieldset { border: 1px solid var(--line); margin: 0; display: flex; flex-wrap: wrap; gap: .5em; align-items: end; }
fieldset small { display: block; max-width: 22em; }
.forms { display: grid; grid-template-columns: repeat(auto-fill, minmax(24em, 1fr)); gap: .6em; }
.forms form.inline { margin: 0; }
.forms form[data-action=personality] { grid-column: 1 / -1; }
.status { display: flex; flex-wrap: wrap; gap: 0 3em; }
td.id { word-break: break-all; max-width: 12em; }
table.jobs, table.requests { width: 100%; }
td.notes { overflow-wrap: anywhere; min-width: 14em; }
ol.timeline.short { flex-direction: column; }
ol.timeline.short li { white-space: nowrap; }
ol.timeline.short br { display: none; }
ol.timeline.short small { margin-left: .4em; }
td.v { overflow-wrap: anywhere; }
ol.timeline { display: flex; gap: 0; list-style: none; padding: 0; margin: 0; }
ol.timeline li { padding: 0 .6em; border-left: 3px solid var(--line); }
ol.timeline li.reached { border-left-color: var(--good); }
`

/** A small delta mark, so browsers do not ask for /favicon.ico (an API 404). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 15 15H1z" fill="#1f6feb"/></svg>'
