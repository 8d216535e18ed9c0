import { invalidResponseError } from '../transport/client-errors.js'
import type { VirtualConnectionSummary } from './types.js'

/**
 * The id of a virtual connection just published when the 201 answer carries none (the page shows `id`; Tableau's
 * own client parses a publish answer without it, docs/protocol.md §12). Names are unique per project, not per
 * site: exactly one virtual connection of that name is ours; none (e.g. an unlisted draft) or several is
 * RESPONSE_INVALID naming `virtualConnection.id` — the id is never guessed.
 */
export async function publishedIdByName(
  name: string,
  listed: AsyncIterable<VirtualConnectionSummary>,
  request: { method: string; url: string },
): Promise<string> {
  const ids: string[] = []
  for await (const v of listed) if (v.name === name) ids.push(v.id)
  if (ids.length === 1) return ids[0]!
  const problem =
    `virtualConnection.id: the publish answer has no id, and ${ids.length === 0 ? 'no' : ids.length} virtual ` +
    `connections are named "${name}" on the site`
  throw invalidResponseError('virtual connection', request, 201, problem, '')
}
