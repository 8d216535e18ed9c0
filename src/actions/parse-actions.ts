import { HyperdeltaError } from '../errors.js'
import { type WireBatch, wireBatchSchema } from './wire-schema.js'

/** `actions[1].condition.args[0].const.v` for a zod issue path. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else
      out += /^[A-Za-z_$][\w$]*$/.test(String(key))
        ? `${out ? '.' : ''}${String(key)}`
        : `[${JSON.stringify(String(key))}]`
  }
  return out || '(root)'
}

/**
 * Validates raw wire JSON (a string or an already parsed value) and returns it as a typed
 * {@link WireBatch}. Errors carry code `WIRE_INVALID`, the JSON path of the first problem
 * in `details.path`, and every problem in `details.issues`.
 *
 * @example
 * ```ts
 * import { parseActions } from 'hyperdelta'
 * const wire = parseActions('{"actions":[{"action":"delete","target-table":"Extract","target-schema":"Extract",' +
 *   '"condition":{"op":"eq","target-col":"Region","const":{"type":"string","v":"Europe"}}}]}')
 * ```
 */
export function parseActions(json: unknown): WireBatch {
  let value = json
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json)
    } catch (cause) {
      throw new HyperdeltaError('WIRE_INVALID', `actions: not valid JSON (${(cause as Error).message})`, {
        cause,
        details: { path: '(root)' },
      })
    }
  }
  const result = wireBatchSchema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map((i) => {
    // An extra key is reported on its object; point at the key itself when there is exactly one.
    const keys = (i as { keys?: unknown }).keys
    const path = Array.isArray(keys) && keys.length === 1 ? [...i.path, String(keys[0])] : i.path
    return { path: formatJsonPath(path), message: i.message }
  })
  const first = issues[0]!
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  throw new HyperdeltaError('WIRE_INVALID', `actions: ${first.path}: ${first.message}${more}`, {
    details: { path: first.path, issues },
  })
}
