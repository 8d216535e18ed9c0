import type { ServerResponse } from 'node:http'
import type { EmulatorState } from './state.js'

// The listener's hook into the per-site concurrency limit (site-concurrency.ts): apart from it, so that the limit
// (held by the fault controller) does not depend on the emulator's state.

/** Counts a request under the site its path names (and refuses it over the site's limit); others pass. */
export function holdSiteSlot(
  state: EmulatorState,
  params: Readonly<Record<string, string>>,
  res: ServerResponse,
): void {
  const id = params['site']
  const site = id === undefined ? undefined : state.catalog.site(id)
  if (site === undefined) return
  state.faults.concurrency.enter(site.contentUrl, state.personality.maxConcurrentRequestsPerSite, res)
}
