import { z } from 'zod'

// zod schemas for every response body the client reads (docs/protocol.md §3–§8), in the JSON mapping of §2.5 (XML bodies are
// mapped to it first, see xml-response.ts). Tolerant where the spec says real servers vary (INFERRED for numbers
// and the single-object form, so the tolerance lives in the `int`, `list` and `collection` helpers): numbers and
// booleans as strings, a single object where an array is expected, `{}` for an empty collection, `{value}` for text.
// Objects are `loose`: unknown attributes are ignored, so a newer server does not break the client.

/** A text value: a string, `{ value }` (element with attributes and text), or `{}` (empty element). */
export const text = z.union([
  z.string(),
  z.number().transform(String),
  z.object({ value: z.union([z.string(), z.number().transform(String)]) }).transform((o) => o.value),
  z.strictObject({}).transform(() => ''),
])

/** An integer sent as a number or a numeric string. */
export const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
])

/** A list that may arrive as an array, a single object, or nothing at all. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(item),
  )
}

/**
 * A collection element: `{ [key]: item | item[] }`, or `{}` / `""` / `[]` when empty (the reference pages' JSON
 * samples show `"tags": []`; docs/protocol.md §12).
 */
export function collection<T extends z.ZodType>(key: string, item: T) {
  return z
    .preprocess(
      (v) => (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ? {} : v),
      z.object({ [key]: list(item).optional() }),
    )
    .transform((o) => (o[key] ?? []) as z.output<T>[])
}

export const errorBodySchema = z.object({
  error: z
    .object({
      code: z.union([z.string(), z.number().transform(String)]).optional(),
      summary: text.optional(),
      detail: text.optional(),
    })
    .loose(),
})

/** Bodies the client reads nothing from (sign-out 204). */
export const emptyResponseSchema = z.unknown()
