import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { WireAction } from '../actions/wire-schema.js'
import { wireConditionNodes } from '../actions/wire-walk.js'
import { HyperdeltaError } from '../errors.js'
import type { NativeOp } from '../model/wire-vocabulary.js'
import { MAX_UPLOAD_PART_BYTES } from './uploads/upload-file.js'

/**
 * What `hyperdelta probe` found out about one server: each protocol fact we could only infer,
 * observed on that server. Loaded with `TableauClient.signIn({ capabilities })`, it is the one
 * place the client consults before sending something a server may not understand.
 */

/** `confirmed`: the server did what we infer. `rejected`: it refused or misbehaved. `unknown`: not tested. */
export const FACT_OUTCOMES = ['confirmed', 'rejected', 'unknown'] as const
export type FactOutcome = (typeof FACT_OUTCOMES)[number]

/** The facts a probe records, with what hyperdelta assumes when nothing was probed. */
export const PROBED_FACTS = {
  parquetPayload: 'A Parquet file is accepted as the update payload (insert, upsert, delete by source)',
  orJunction: 'An `or` junction with `args` is understood in conditions',
  booleanSpelling: 'Boolean constants are spelled "true" / "false"',
  dateStringConst: 'A DATE column may be compared with a `string` constant',
  datetimeMicroseconds: '`datetime` constants keep microseconds',
  nativeNe: 'The `ne` operator is understood (hyperdelta sends lt/gt instead unless confirmed)',
  nativeNot: 'The `not` junction is understood (hyperdelta pushes negation down unless confirmed)',
  requestIdReplay: 'A repeated RequestID answers with the first job and applies nothing twice',
  requestIdPerDatasource: 'A RequestID repeated on another data source is a new request',
  vizqlDataService: 'The VizQL Data Service answers for published data sources (rows can be read back)',
  uploadPartSize: "An upload part of 64 MiB (the client's part size) is accepted",
  payloadSize: 'A payload as large as the byte budget for max_size_in_mb is accepted (probe --size)',
  updateSignInPersonalAccessToken: 'The update PATCH accepts a session signed in with a personal access token',
  updateSignInPassword: 'The update PATCH accepts a session signed in with a username and password',
  updateSignInJwt: 'The update PATCH accepts a session signed in with a connected-app JWT',
  updateSignInUat: 'The update PATCH accepts a session signed in with a unified access token (REST 3.27)',
} as const
export type ProbedFact = keyof typeof PROBED_FACTS

const outcome = z.enum(FACT_OUTCOMES)
const evidence = z.object({ outcome, observed: z.string(), evidence: z.string().optional() })

export const CAPABILITIES_VERSION = 1

/** The capabilities file, versioned (see {@link CAPABILITIES_VERSION}). */
export const capabilitiesSchema = z.object({
  version: z.literal(CAPABILITIES_VERSION),
  server: z.object({
    url: z.string(),
    productVersion: z.string().optional(),
    restApiVersion: z.string().optional(),
  }),
  probedAt: z.string(),
  facts: z.partialRecord(z.enum(Object.keys(PROBED_FACTS) as [ProbedFact, ...ProbedFact[]]), evidence),
  limits: z
    .object({
      uploadPartBytes: z.number().int().positive().optional(),
      payloadBytes: z.number().int().positive().optional(),
    })
    .optional(),
})
export type Capabilities = z.infer<typeof capabilitiesSchema>

/**
 * The upload part size to use: the one the probe confirmed where it is below the client's (a server that counts
 * MB as 10^6), else the client's 64 MiB.
 */
export function probedPartSize(capabilities: Capabilities | undefined): number {
  return Math.min(capabilities?.limits?.uploadPartBytes ?? MAX_UPLOAD_PART_BYTES, MAX_UPLOAD_PART_BYTES)
}

/** The unconfirmed operators (`ne`, `not`) a probe confirmed on this server: the only ones parsed and sent. */
export function confirmedNativeOps(capabilities: Capabilities | undefined): NativeOp[] {
  const ops: NativeOp[] = []
  if (factOutcome(capabilities, 'nativeNe') === 'confirmed') ops.push('ne')
  if (factOutcome(capabilities, 'nativeNot') === 'confirmed') ops.push('not')
  return ops
}

/** The outcome recorded for `fact`, or `unknown`. */
export function factOutcome(capabilities: Capabilities | undefined, fact: ProbedFact): FactOutcome {
  return capabilities?.facts[fact]?.outcome ?? 'unknown'
}

/** Reads and validates a capabilities file; `CAPABILITIES_INVALID` names the file and the field. */
export async function readCapabilities(path: string): Promise<Capabilities> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new HyperdeltaError('CAPABILITIES_INVALID', `capabilities: cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
      details: { file: path },
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new HyperdeltaError('CAPABILITIES_INVALID', `capabilities: ${path} is not JSON: ${(e as Error).message}`, {
      details: { file: path },
    })
  }
  return parseCapabilities(json, path)
}

/** Validates a capabilities object (e.g. one a probe returned). */
export function parseCapabilities(json: unknown, source = 'capabilities'): Capabilities {
  const parsed = capabilitiesSchema.safeParse(json)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const field = issue.path.join('.') || '(root)'
  throw new HyperdeltaError('CAPABILITIES_INVALID', `capabilities: ${source}: field "${field}": ${issue.message}`, {
    details: { file: source, field },
  })
}

const ALTERNATIVES =
  'run `hyperdelta probe` again after a server upgrade, or use `fallback: "publish-overwrite"` (pipelines) to publish the full state instead'

/**
 * Refuses, before anything is uploaded or sent, a request that uses a fact this server was
 * probed to reject. Facts never probed pass: without a capabilities file nothing changes.
 */
export function assertSupported(
  capabilities: Capabilities | undefined,
  request: { actions: readonly WireAction[]; hasPayload: boolean },
): void {
  if (!capabilities) return
  const refuse = (fact: ProbedFact, what: string): never => {
    throw new HyperdeltaError(
      'CAPABILITY_REJECTED',
      `update: this server was probed to reject ${what} (${PROBED_FACTS[fact]}: rejected on ${capabilities.probedAt}); ${ALTERNATIVES}`,
      { details: { fact, probedAt: capabilities.probedAt } },
    )
  }
  if (request.hasPayload && factOutcome(capabilities, 'parquetPayload') === 'rejected') {
    refuse('parquetPayload', 'Parquet update payloads')
  }
  for (const action of request.actions) {
    for (const c of wireConditionNodes(action.condition)) {
      if ('args' in c) {
        if (c.op === 'or' && factOutcome(capabilities, 'orJunction') === 'rejected')
          refuse('orJunction', '`or` conditions')
        continue
      }
      const type = c.const?.type
      if (type === 'boolean' && factOutcome(capabilities, 'booleanSpelling') === 'rejected') {
        refuse('booleanSpelling', 'boolean constants')
      }
      if (
        type === 'datetime' &&
        /\.\d/.test(c.const!.v) &&
        factOutcome(capabilities, 'datetimeMicroseconds') === 'rejected'
      ) {
        refuse('datetimeMicroseconds', 'datetime constants with fractional seconds')
      }
    }
  }
}
