import { SIGN_IN_KINDS } from '../../wire.js'
import type { ServerPersonality } from '../core/personality.js'
import { type Html, html } from './html.js'

type Field =
  | { kind: 'flag'; help: string }
  | { kind: 'choice'; options: readonly string[]; help: string }
  | { kind: 'number'; unit: string; help: string }
  | { kind: 'set'; options: readonly string[]; help: string }

/** Every personality setting (a key missing here is a compile error), with what it does. */
const FIELDS: { readonly [K in keyof Required<ServerPersonality>]: Field } = {
  rejectParquetPayloads: { kind: 'flag', help: 'update jobs with a Parquet payload fail' },
  noOrOperator: { kind: 'flag', help: 'a PATCH whose conditions use "or" is refused (400008)' },
  booleanSpelling: {
    kind: 'choice',
    options: ['true/false', 'other'],
    help: '"other": true/false constants fail the job',
  },
  noDateStringConst: { kind: 'flag', help: 'a DATE column compared with a string constant fails the job' },
  noDatetimeFraction: { kind: 'flag', help: 'a datetime constant with fractional seconds fails the job' },
  requestIdScope: { kind: 'choice', options: ['site', 'datasource'], help: 'where a repeated RequestID is recognised' },
  noVizqlDataService: { kind: 'flag', help: 'the VizQL Data Service answers 404' },
  dropOneRow: { kind: 'flag', help: 'each update job silently loses its first payload row' },
  uploadPartLimitBytes: {
    kind: 'number',
    unit: 'bytes',
    help: 'an upload part above this many bytes is refused (413); empty: no limit',
  },
  noNativeOps: { kind: 'flag', help: 'a PATCH using "ne" or "not" is refused (400)' },
  vdsQueriesPerHour: {
    kind: 'number',
    unit: 'queries',
    help: 'the VizQL Data Service answers 429000 beyond this many queries an hour per site; empty: no cap',
  },
  maxConcurrentRequestsPerSite: {
    kind: 'number',
    unit: 'requests',
    help: 'more requests in flight for one site are answered 429000 with Retry-After; empty: no limit',
  },
  vdsAccessDenied: { kind: 'flag', help: 'every VizQL Data Service query is answered 403800 (no API access)' },
  refreshJobsStayQueued: {
    kind: 'flag',
    help: 'refresh jobs stay queued until cancelled: a second refresh meets 409093',
  },
  updateDataSignInKinds: {
    kind: 'set',
    options: SIGN_IN_KINDS,
    help: 'the sign-in kinds whose sessions the update PATCH accepts; none ticked: every kind',
  },
  realServerVariants: {
    kind: 'choice',
    options: ['documented', 'username', 'connectionId'],
    help: 'answer virtual connection database connections in the shapes real servers send',
  },
}

/** The personality's fields as form controls showing the current values. */
export function personalityControls(p: ServerPersonality): Html {
  return html`${Object.entries(FIELDS).map(([key, field]) => {
    const current = (p as Record<string, unknown>)[key]
    if (field.kind === 'flag') {
      return html`<label><span><input type="checkbox" name="${key}" value="on"${current === true ? html` checked` : undefined}> ${key}</span><small class="muted">${field.help}</small></label>`
    }
    if (field.kind === 'choice') {
      return html`<label>${key} <select name="${key}">${field.options.map(
        (o, i) =>
          html`<option value="${o}"${(current ?? field.options[0]) === o ? html` selected` : undefined}>${o}${i === 0 ? ' (default)' : ''}</option>`,
      )}</select><small class="muted">${field.help}</small></label>`
    }
    if (field.kind === 'set') {
      const held = Array.isArray(current) ? (current as string[]) : []
      return html`<fieldset><legend>${key}</legend>${field.options.map(
        (o) =>
          html`<label><input type="checkbox" name="${key}" value="${o}"${held.includes(o) ? html` checked` : undefined}> ${o}</label>`,
      )}<small class="muted">${field.help}</small></fieldset>`
    }
    return html`<label>${key} <input name="${key}" inputmode="numeric" value="${current === undefined ? '' : String(current)}"><small class="muted">${field.help}</small></label>`
  })}`
}

/**
 * The personality a submitted form asks for (every field: an unchecked box is off), or the reason it is refused.
 * Applied in place by the caller: the emulator's handlers and job runner read the same object.
 */
export function personalityFromForm(form: URLSearchParams): ServerPersonality | string {
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = form.get(key)
    if (field.kind === 'flag') {
      if (value === 'on') out[key] = true
    } else if (field.kind === 'choice') {
      if (value === null || value === field.options[0]) continue
      if (!field.options.includes(value)) return `${key}: must be one of ${field.options.join(', ')}`
      out[key] = value
    } else if (field.kind === 'set') {
      const picked = form.getAll(key)
      const unknown = picked.find((v) => !field.options.includes(v))
      if (unknown !== undefined) return `${key}: must be among ${field.options.join(', ')}`
      if (picked.length > 0) out[key] = picked
    } else if (value !== null && value.trim() !== '') {
      if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
        return `${key}: must be a whole number of ${field.unit} above 0`
      out[key] = Number(value)
    }
  }
  return out as ServerPersonality
}

/** Replaces every field of `target` by those of `next`. */
export function applyPersonality(target: ServerPersonality, next: ServerPersonality): void {
  const t = target as Record<string, unknown>
  for (const key of Object.keys(FIELDS)) delete t[key]
  Object.assign(t, next)
}
