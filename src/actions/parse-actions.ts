import { HyperdeltaError } from '../errors.js'
import { COMPARISON_OPS, JUNCTION_OPS, type NativeOp } from '../model/wire-vocabulary.js'
import { type WireBatch, type WireCondition, wireBatchSchema } from './wire-schema.js'

export interface ParseActionsOptions {
  /**
   * Unconfirmed operators to accept (`ne`, `not`): only those `hyperdelta probe` confirmed on the server the batch
   * goes to (the client passes them from its capabilities). Default none.
   */
  nativeOps?: readonly NativeOp[]
}

/** The path of the first `ne` / `not` not in `allowed`, or undefined. Iterative, like every condition walk. */
function unconfirmedOp(batch: WireBatch, allowed: readonly NativeOp[]): { path: string; op: NativeOp } | undefined {
  for (const [i, action] of batch.actions.entries()) {
    const stack: [WireCondition, string][] = action.condition ? [[action.condition, `actions[${i}].condition`]] : []
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const [node, path] = item
      if ((node.op === 'ne' || node.op === 'not') && !allowed.includes(node.op))
        return { path: `${path}.op`, op: node.op }
      if ('args' in node)
        for (let j = node.args.length - 1; j >= 0; j--) stack.push([node.args[j]!, `${path}.args[${j}]`])
    }
  }
  return undefined
}

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
export function parseActions(json: unknown, options: ParseActionsOptions = {}): WireBatch {
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
  if (result.success) {
    const native = unconfirmedOp(result.data, options.nativeOps ?? [])
    if (native === undefined) return result.data
    const message =
      `"${native.op}" is unconfirmed on Tableau's servers: expected one of ${[...COMPARISON_OPS, ...JUNCTION_OPS].join(', ')}; ` +
      `it is sent only where \`hyperdelta probe --probe-native-ops\` confirmed it (capabilities)`
    throw new HyperdeltaError('WIRE_INVALID', `actions: ${native.path}: ${message}`, {
      details: { path: native.path, issues: [{ path: native.path, message }] },
    })
  }
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
