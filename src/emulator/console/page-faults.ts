import { ROUTE_NAMES } from '../core/faults.js'
import type { EmulatorState } from '../runtime/state.js'
import { METHODS } from './faults-action.js'
import { type Html, html } from './html.js'
import { page } from './layout.js'
import { personalityControls } from './personality-form.js'

/** A message shown once after a form was submitted. */
export interface Flash {
  readonly kind: 'done' | 'error'
  readonly text: string
}

function form(csrf: string, action: string, legend: string, fields: Html, button: string): Html {
  return html`<form method="post" action="/console/faults" class="inline" data-action="${action}">
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="action" value="${action}">
<fieldset><legend>${legend}</legend>${fields}<button type="submit">${button}</button></fieldset></form>`
}

const num = (name: string, label: string, value: string): Html =>
  html`<label>${label} <input name="${name}" value="${value}" inputmode="numeric" size="6"></label>`

/** Faults and personality: what is armed, what fired, and forms that arm more (POST, same origin, with a token). */
export function faultsPage(state: EmulatorState, csrf: string, flash: Flash | undefined): string {
  const pending = state.faults.pending()
  const counters = Object.entries(state.faults.counters)
  const on = Object.entries(state.personality).filter(([, v]) => v !== undefined)
  const head = html`<h1>Faults &amp; personality</h1>
<p class="muted">The same switches as <code>emu.faults</code> and the <code>personality</code> option, for this running emulator.</p>
${flash ? html`<p class="flash ${flash.kind === 'error' ? 'error' : ''}" id="flash">${flash.text}</p>` : undefined}`
  const forms = html`<h2>Switch</h2><div class="forms">${form(
    csrf,
    'respondWith',
    'Answer requests with 429 or 503',
    html`<label>Status <select name="status"><option>503</option><option>429</option></select></label>
<label>Route <select name="route"><option value="">any route</option>${ROUTE_NAMES.map((r) => html`<option>${r}</option>`)}</select></label>
<label>Method <select name="method"><option value="">any</option>${METHODS.map((m) => html`<option>${m}</option>`)}</select></label>
${num('times', 'Times', '1')}${num('retryAfterSeconds', 'Retry-After (429)', '1')}`,
    'Arm',
  )}
${form(csrf, 'failJobs', 'Fail the next jobs', html`${num('times', 'Times', '1')}<label>Notes <input name="notes" placeholder="emulator: injected job failure"></label>`, 'Arm')}
${form(csrf, 'cancelJobs', 'Cancel the next jobs', num('times', 'Times', '1'), 'Arm')}
${form(csrf, 'slowJobs', 'Delay the next jobs', html`${num('extraDelayMs', 'Extra ms', '2000')}${num('times', 'Times', '1')}`, 'Arm')}
${form(csrf, 'resetAppend', 'Reset append connections', html`${num('afterBytes', 'After bytes', '1024')}${num('times', 'Times', '1')}`, 'Arm')}
${form(csrf, 'expireTokensAfter', 'Expire every token', num('requests', 'After requests', '0'), 'Arm')}
${form(csrf, 'clear', 'Remove every pending fault', html``, 'Clear faults')}
${form(csrf, 'personality', 'Personality (applies to the next requests and jobs)', personalityControls(state.personality), 'Apply personality')}</div>`
  const live = html`<div class="status"><div><h2>Armed</h2>
<table class="pending"><tbody>
${pending.responses.map((r) => html`<tr><th>respondWith</th><td>${r.status} × ${r.left} on ${r.method} ${r.route}</td></tr>`)}
${pending.appendResets.map((r) => html`<tr><th>resetAppend</th><td>after ${r.afterBytes} bytes × ${r.left}</td></tr>`)}
${pending.slowJobs.left > 0 ? html`<tr><th>slowJobs</th><td>+${pending.slowJobs.extraDelayMs} ms × ${pending.slowJobs.left}</td></tr>` : undefined}
${pending.failJobs.left > 0 ? html`<tr><th>failJobs</th><td>× ${pending.failJobs.left}: ${pending.failJobs.notes}</td></tr>` : undefined}
${pending.cancelJobs > 0 ? html`<tr><th>cancelJobs</th><td>× ${pending.cancelJobs}</td></tr>` : undefined}
${pending.expireTokensAfter !== undefined ? html`<tr><th>expireTokensAfter</th><td>${pending.expireTokensAfter} request(s)</td></tr>` : undefined}
${pending.phaseHooks > 0 ? html`<tr><th>atJobPhase</th><td>${pending.phaseHooks} hook(s) set from code</td></tr>` : undefined}
</tbody></table>${pending.responses.length + pending.appendResets.length === 0 && pending.slowJobs.left + pending.failJobs.left + pending.cancelJobs + pending.phaseHooks === 0 && pending.expireTokensAfter === undefined ? html`<p class="muted">nothing</p>` : undefined}
<h2>Personality</h2><p id="personality">${on.length === 0 ? 'the default reading' : on.map(([k, v]) => `${k}=${String(v)}`).join(', ')}</p></div>
<div><h2>Fired</h2><table class="counters"><tbody>${counters.map(([k, v]) => html`<tr><th>${k}</th><td class="num" data-counter="${k}">${v}</td></tr>`)}</tbody></table></div></div>`
  return page({ title: 'Faults', section: 'faults', topics: ['faults'], head, live, foot: forms })
}
