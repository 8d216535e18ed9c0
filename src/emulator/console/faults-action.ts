import { type FaultController, ROUTE_NAMES, type RouteName } from '../core/faults.js'
import type { ServerPersonality } from '../core/personality.js'
import { applyPersonality, personalityFromForm } from './personality-form.js'

/** What the faults form can do: one action per submit, named by its `action` field. */
export const FAULT_ACTIONS = [
  'respondWith',
  'resetAppend',
  'slowJobs',
  'failJobs',
  'cancelJobs',
  'expireTokensAfter',
  'clear',
  'personality',
] as const
export type FaultAction = (typeof FAULT_ACTIONS)[number]

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** A submitted form field that is not a whole number in range. */
class FormError extends Error {}

function whole(form: URLSearchParams, name: string, min: number, fallback?: number): number {
  const raw = (form.get(name) ?? '').trim()
  if (raw === '' && fallback !== undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new FormError(`${name}: must be a whole number of at least ${min} (got "${raw}")`)
  }
  return Number(raw)
}

/**
 * Arms a fault or switches the personality from a submitted form, exactly as the same call on
 * `emu.faults` would. Returns what was done (for the page), or `{ error }` naming the field refused.
 */
export function applyFaultForm(
  faults: FaultController,
  personality: ServerPersonality,
  form: URLSearchParams,
): { done: string } | { error: string } {
  const action = FAULT_ACTIONS.find((a) => a === form.get('action'))
  if (!action) return { error: `action: must be one of ${FAULT_ACTIONS.join(', ')}` }
  try {
    switch (action) {
      case 'respondWith': {
        const status = form.get('status') === '429' ? 429 : form.get('status') === '503' ? 503 : undefined
        if (status === undefined) return { error: 'status: must be 429 or 503' }
        const route = form.get('route') ?? ''
        if (route !== '' && !ROUTE_NAMES.includes(route as RouteName)) return { error: `route: no route "${route}"` }
        const method = form.get('method') ?? ''
        if (method !== '' && !METHODS.includes(method as (typeof METHODS)[number])) {
          return { error: `method: must be one of ${METHODS.join(', ')}` }
        }
        const times = whole(form, 'times', 1, 1)
        faults.respondWith({
          status,
          times,
          ...(route !== '' && { route: route as RouteName }),
          ...(method !== '' && { method }),
          ...(status === 429 && { retryAfterSeconds: whole(form, 'retryAfterSeconds', 0, 1) }),
        })
        return {
          done: `the next ${times} ${method || 'any-method'} request(s) to ${route || 'any route'} answer ${status}`,
        }
      }
      case 'resetAppend': {
        const afterBytes = whole(form, 'afterBytes', 0)
        const times = whole(form, 'times', 1, 1)
        faults.resetAppend({ afterBytes, times })
        return { done: `the next ${times} append(s) are reset after ${afterBytes} bytes` }
      }
      case 'slowJobs': {
        const extraDelayMs = whole(form, 'extraDelayMs', 0)
        const times = whole(form, 'times', 1, 1)
        faults.slowJobs({ extraDelayMs, times })
        return { done: `the next ${times} job(s) wait ${extraDelayMs} ms more` }
      }
      case 'failJobs': {
        const times = whole(form, 'times', 1, 1)
        const notes = (form.get('notes') ?? '').trim()
        faults.failJobs({ times, ...(notes !== '' && { notes }) })
        return { done: `the next ${times} job(s) fail` }
      }
      case 'cancelJobs': {
        const times = whole(form, 'times', 1, 1)
        faults.cancelJobs({ times })
        return { done: `the next ${times} job(s) end cancelled` }
      }
      case 'expireTokensAfter': {
        const requests = whole(form, 'requests', 0)
        faults.expireTokensAfter(requests)
        return { done: `every token expires after ${requests} more authenticated request(s)` }
      }
      case 'clear':
        faults.clear()
        return { done: 'every pending fault removed (counters kept)' }
      case 'personality': {
        const next = personalityFromForm(form)
        if (typeof next === 'string') return { error: next }
        applyPersonality(personality, next)
        const on = Object.keys(next)
        return { done: on.length === 0 ? 'personality: the default reading' : `personality: ${on.join(', ')}` }
      }
    }
  } catch (e) {
    if (e instanceof FormError) return { error: e.message }
    throw e
  }
}
