import { z } from 'zod'
import type { WireBatch, WireCondition, WireJunction } from '../model/wire-types.js'
import {
  ACTION_KINDS,
  BOOLEAN_CONST_SPELLING,
  COMPARISON_OPS,
  CONST_TYPES,
  JUNCTION_OPS,
  MAX_CONDITION_DEPTH,
} from '../model/wire-vocabulary.js'
import { parseIsoTimestampMicros } from '../schema/temporal.js'
import { boundWireCondition } from './wire-depth.js'

export type {
  WireAction,
  WireBatch,
  WireComparison,
  WireCondition,
  WireConst,
  WireJunction,
} from '../model/wire-types.js'

const name = z.string().min(1, 'must be a non-empty string')
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const DOUBLE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

const wireConst = z
  .strictObject({
    type: z.enum(CONST_TYPES),
    v: z.string({ error: 'must be a JSON string (const.v is always a string)' }),
  })
  .superRefine((c, ctx) => {
    const bad = (why: string) => ctx.addIssue({ code: 'custom', path: ['v'], message: why })
    switch (c.type) {
      case 'integer':
        if (!/^-?\d+$/.test(c.v)) bad(`"${c.v}" is not an integer`)
        else if (BigInt(c.v) < INT64_MIN || BigInt(c.v) > INT64_MAX) bad(`"${c.v}" is outside int64`)
        break
      case 'double':
        if (!DOUBLE.test(c.v) || !Number.isFinite(Number(c.v))) bad(`"${c.v}" is not a finite number`)
        break
      case 'boolean':
        if (c.v !== BOOLEAN_CONST_SPELLING.true && c.v !== BOOLEAN_CONST_SPELLING.false) {
          bad(`"${c.v}" is not ${BOOLEAN_CONST_SPELLING.true} or ${BOOLEAN_CONST_SPELLING.false}`)
        }
        break
      case 'datetime':
        if (parseIsoTimestampMicros(c.v) === undefined) bad(`"${c.v}" is not ISO-8601 with Z or an offset`)
        break
      case 'string':
        break
    }
  })

/**
 * A key holding `undefined` is a key left out, as in JSON: objects built in code (`{ 'source-col': maybe }`) parse
 * like their JSON text, and the parsed value never carries the key (optional fields are exact: absent or set).
 */
const withoutUndefinedKeys = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).includes(undefined)
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
    : value

const wireComparisonShape = z
  .strictObject({
    op: z.enum([...COMPARISON_OPS, 'ne']),
    'target-col': name,
    'source-col': name.exactOptional(),
    const: wireConst.exactOptional(),
  })
  .superRefine((c, ctx) => {
    if ((c['source-col'] === undefined) === (c.const === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a comparison needs exactly one of "source-col" or "const"' })
    }
  })
const wireComparison = z.preprocess(withoutUndefinedKeys, wireComparisonShape)

const wireJunction: z.ZodType<WireJunction> = z
  .strictObject({
    op: z.enum([...JUNCTION_OPS, 'not']),
    get args() {
      return z.array(wireCondition).min(1, `"args" needs at least one condition`)
    },
  })
  .superRefine((j, ctx) => {
    if (j.op === 'not' && j.args.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['args'], message: '"not" takes exactly one condition' })
    }
  })

const wireCondition: z.ZodType<WireCondition> = z.lazy(() =>
  z.unknown().transform((value, ctx): WireCondition => {
    // Dispatch on `op` so an error points into the right shape instead of a union summary.
    const op = (value as { op?: unknown } | null)?.op
    const schema = op === 'not' || (JUNCTION_OPS as readonly unknown[]).includes(op) ? wireJunction : wireComparison
    const result = schema.safeParse(value)
    // Return the parsed value (not the input) so keys come out in the canonical order compile() uses.
    if (result.success) return result.data
    for (const issue of result.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0])
    return z.NEVER
  }),
)

/** Depth is checked (and same-op junctions flattened) before the recursive schema runs. */
const boundedCondition = z.preprocess((value, ctx) => {
  const { condition, depth } = boundWireCondition(value)
  if (depth > MAX_CONDITION_DEPTH) {
    ctx.addIssue({
      code: 'custom',
      message: `and/or junctions nest ${depth} levels deep after flattening same-operator junctions; the limit is ${MAX_CONDITION_DEPTH}`,
      params: { limit: MAX_CONDITION_DEPTH, depth },
    })
    return undefined
  }
  return condition
}, wireCondition)

const wireActionShape = z
  .strictObject({
    action: z.enum(ACTION_KINDS),
    'source-schema': name.exactOptional(),
    'source-table': name.exactOptional(),
    'target-schema': name.exactOptional(),
    'target-table': name,
    condition: boundedCondition.exactOptional(),
  })
  .superRefine((a, ctx) => {
    const needsCondition = a.action === 'update' || a.action === 'upsert' || a.action === 'delete'
    if (needsCondition && a.condition === undefined) {
      ctx.addIssue({ code: 'custom', path: ['condition'], message: `"${a.action}" requires a condition` })
    }
    if (!needsCondition && a.condition !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['condition'], message: `"${a.action}" takes no condition` })
    }
    if (a.action !== 'delete' && a['source-table'] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['source-table'], message: `"${a.action}" requires a source-table` })
    }
    if (a['source-table'] === undefined && a['source-schema'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['source-schema'], message: '"source-schema" needs a "source-table"' })
    }
    if (a['source-table'] === undefined && a.condition !== undefined) {
      for (const path of sourceColumnPaths(a.condition, ['condition'])) {
        ctx.addIssue({ code: 'custom', path, message: '"source-col" needs a "source-table" in the action' })
      }
    }
  })

const wireAction = z.preprocess(withoutUndefinedKeys, wireActionShape)

function sourceColumnPaths(condition: unknown, root: (string | number)[]): (string | number)[][] {
  // Runs even when the condition itself is malformed (its issues are already reported): walk
  // defensively, and iteratively (the input may nest arbitrarily deep).
  const out: (string | number)[][] = []
  const stack: [unknown, (string | number)[]][] = [[condition, root]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [c, path] = item
    // Beyond the depth limit the condition is refused anyway; don't copy ever longer paths.
    if (typeof c !== 'object' || c === null || path.length > 2 * MAX_CONDITION_DEPTH + 2) continue
    if ('args' in c) {
      if (Array.isArray(c.args))
        for (let i = c.args.length - 1; i >= 0; i--) stack.push([c.args[i], [...path, 'args', i]])
    } else if ('source-col' in c && c['source-col'] !== undefined) out.push([...path, 'source-col'])
  }
  return out
}

/** zod schema of a whole request body; the single validator used by parseActions, compile and the emulator. */
export const wireBatchSchema: z.ZodType<WireBatch> = z.strictObject({
  actions: z.array(wireAction).min(1, 'a batch needs at least one action'),
})
