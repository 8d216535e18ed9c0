import { z } from 'zod'

/**
 * The response shapes real Tableau servers send that differ from the reference pages, in one place
 * (docs/protocol.md §12 lists each with its public evidence). Each
 * schema applies its element's table before validating, so the rest of the client sees one spelling;
 * a shape that is neither documented nor listed here is refused with RESPONSE_INVALID naming the
 * element or attribute, never read as a partial result.
 */

/** Per element: the documented attribute name → the other names real servers send for it. */
export type Aliases = Readonly<Record<string, readonly string[]>>

/**
 * A `<connection>` (data source connections and virtual connection database connections): Tableau's
 * own client reads every `connection` element through one parser that accepts these names
 * (server-client-python PRs #1566 and #1628, after users met them on real servers).
 */
export const CONNECTION_ALIASES: Aliases = {
  id: ['connectionId'],
  serverAddress: ['server'],
  serverPort: ['port'],
  userName: ['username'],
}

/** How a required attribute's absence is reported: the names that would have been read. */
export function missingMessage(name: string, aliases: Aliases): string {
  const also = aliases[name] ?? []
  return also.length === 0 ? `attribute "${name}" is missing` : `attribute "${name}" (or ${also.join(', ')}) is missing`
}

/** A required string attribute whose absence names every spelling that was looked for. */
export function requiredAttribute(name: string, aliases: Aliases) {
  return z.string({ error: (issue) => (issue.input === undefined ? missingMessage(name, aliases) : undefined) })
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/**
 * Maps one element's alternative attribute names onto the documented one, then validates it with
 * `schema`. Refused (RESPONSE_INVALID, naming the attribute): the documented name and an alternative
 * both present with different values (we would not know which one is right), and an attribute that
 * differs from a known spelling only by letter case (a variant nobody has reported: we do not guess).
 */
export function aliased<T extends z.ZodType>(aliases: Aliases, schema: T) {
  const known = new Set(Object.entries(aliases).flatMap(([k, alts]) => [k, ...alts]))
  const byLowerCase = new Map([...known].map((k) => [k.toLowerCase(), k]))
  return z.preprocess((value, ctx) => {
    if (!isRecord(value)) return value
    const out: Record<string, unknown> = { ...value }
    for (const key of Object.keys(value)) {
      const near = byLowerCase.get(key.toLowerCase())
      if (near !== undefined && !known.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `attribute "${key}" is not a spelling we know (known: ${[...known].filter((k) => k.toLowerCase() === key.toLowerCase()).join(', ')})`,
          input: value,
        })
      }
    }
    for (const [name, alternatives] of Object.entries(aliases)) {
      for (const alt of alternatives) {
        if (!(alt in out)) continue
        if (name in out && out[name] !== out[alt]) {
          ctx.addIssue({
            code: 'custom',
            path: [alt],
            message: `attributes "${name}" and "${alt}" disagree (${String(out[name])} vs ${String(out[alt])})`,
            input: value,
          })
        }
        if (!(name in out)) out[name] = out[alt]
        delete out[alt]
      }
    }
    return out
  }, schema)
}

/**
 * Update Virtual Connection Database Connections: the page answers
 * `<virtualConnectionConnections><connection/></virtualConnectionConnections>`; Tableau's own client
 * parses (and its test asset carries) a bare `<connection>` under the root. Both are read as the first
 * form; anything else is left as is for the schema to refuse.
 */
export function wrapBareConnection(value: unknown): unknown {
  if (!isRecord(value) || 'virtualConnectionConnections' in value || !('connection' in value)) return value
  const { connection, ...rest } = value
  return { ...rest, virtualConnectionConnections: { connection } }
}

/**
 * Booleans: Tableau's XML sends `true`/`false` (the JSON rendering booleans or those strings). Any
 * other text is refused rather than read as false.
 */
export const flag = z.union(
  [
    z.boolean(),
    z
      .string()
      .regex(/^(true|false)$/i)
      .transform((s) => s.toLowerCase() === 'true'),
  ],
  { error: 'expected "true" or "false"' },
)
