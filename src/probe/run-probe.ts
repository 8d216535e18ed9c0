import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CAPABILITIES_VERSION, type Capabilities, PROBED_FACTS, type ProbedFact } from '../client/capabilities.js'
import { HyperdeltaError } from '../errors.js'
import { payloadByteLimit } from '../payload/byte-limit.js'
import { writeChangeFiles } from '../payload/write-change-files.js'
import type { ProbeClient, ProbeContext } from './probe-context.js'
import { payloadSizeStep, uploadPartStep } from './probe-limits.js'
import { nativeOpSteps } from './probe-native-ops.js'
import { requestIdSteps } from './probe-request-id.js'
import { type ScratchDatasource, ScratchDatasources } from './probe-scratch.js'
import { signInKindStep } from './probe-sign-in.js'
import { constantSteps, failureEvidence, type ProbeFinding, parquetPayloadStep, throwIfAborted } from './probe-steps.js'
import { differences, ExpectedTable, initialRows, probeTable } from './probe-table.js'

/** Options of {@link probe}. */
export interface ProbeOptions {
  /** Project LUID the scratch data sources are published to (default: the site's default project). They are deleted at the end. */
  projectId?: string
  /** Ctrl-C: stops after the current request; the scratch data sources are still deleted. */
  signal?: AbortSignal
  /**
   * Called as each scratch data source is named, before its publish is sent. The entry is updated in place (its
   * id, then `deleted` or `error`), so a caller whose probe throws can still name one that was not deleted.
   */
  onScratch?: (scratch: ScratchDatasource) => void
  /** Called as each fact is settled (for live output). */
  onFinding?: (finding: ProbeFinding) => void
  /** `now` for the capabilities' date (default: the clock). */
  now?: () => Date
  /**
   * The upload part size to confirm (default the client's 64 MiB; a part one MiB larger is sent too).
   * `false` skips the step (it uploads about twice this many bytes).
   */
  uploadPartBytes?: number | false
  /**
   * The server's `max_size_in_mb`, to confirm that a payload as large as hyperdelta's byte budget for it is
   * accepted (uploads that much). Not probed unless given.
   */
  sizeMb?: number
  /**
   * Also try the native `ne` and `not` operators (unconfirmed; off by default). Where confirmed, a client
   * loading the capabilities sends them instead of the compiled forms.
   */
  nativeOps?: boolean
}

export interface ProbeResult {
  capabilities: Capabilities
  findings: ProbeFinding[]
  /** The scratch data sources, and whether each was deleted (a failed delete is named so it can be removed by hand). */
  scratch: ScratchDatasource[]
}

/**
 * Finds out, on the user's own server, every protocol fact hyperdelta could only infer: publishes a
 * small scratch data source from Parquet, runs one short request per fact, reads the rows back
 * through the VizQL Data Service where it answers, and always deletes the scratch data sources —
 * on failure and on abort too. Touches no other data source.
 *
 * @example
 * ```ts
 * import { TableauClient, probe } from 'hyperdelta'
 * const client = await TableauClient.signIn({ server, site, auth })
 * const { capabilities, findings } = await probe(client, { projectId })
 * console.table(findings)
 * ```
 */
export async function probe(client: ProbeClient, options: ProbeOptions): Promise<ProbeResult> {
  // Bad sizes fail before anything is published.
  if (options.sizeMb !== undefined) payloadByteLimit(options.sizeMb)
  const part = options.uploadPartBytes
  if (part !== undefined && part !== false && !(Number.isInteger(part) && part > 0)) {
    throw new HyperdeltaError('CONFIG_INVALID', `probe: uploadPartBytes must be a positive integer, got ${part}`, {
      details: { field: 'uploadPartBytes' },
    })
  }
  const dir = await mkdtemp(join(tmpdir(), 'hyperdelta-probe-'))
  const scratch = new ScratchDatasources(client, options.projectId, options.onScratch)
  const findings: ProbeFinding[] = []
  const limits: NonNullable<Capabilities['limits']> = {}
  const record = (f: ProbeFinding) => {
    findings.push(f)
    options.onFinding?.(f)
  }
  const stamp = (options.now?.() ?? new Date()).toISOString().slice(0, 10)
  const publishScratch = async (): Promise<string> => {
    const files = await writeChangeFiles(probeTable, initialRows(), { dir })
    try {
      return await scratch.publish(files.files[0]!.path, stamp, options.signal)
    } finally {
      await files.dispose()
    }
  }
  try {
    const datasource = await publishScratch()
    const expected = new ExpectedTable(initialRows())
    let canReadBack = false
    try {
      const diff = await differences(client.vizql, datasource, expected)
      canReadBack = diff.length === 0
      record({
        fact: 'vizqlDataService',
        outcome: canReadBack ? 'confirmed' : 'rejected',
        expected: 'the published rows read back through the VizQL Data Service',
        observed: canReadBack ? 'rows read back as published' : `rows differ: ${diff.slice(0, 5).join('; ')}`,
        evidence: `data source ${datasource}`,
      })
    } catch (e) {
      throwIfAborted({ signal: options.signal }, e)
      record({
        fact: 'vizqlDataService',
        outcome: 'rejected',
        expected: 'the published rows read back through the VizQL Data Service',
        observed: 'not available: later facts rely on job outcomes only',
        evidence: failureEvidence(e),
      })
    }
    const ctx: ProbeContext = { client, datasource, expected, canReadBack, dir, signal: options.signal, publishScratch }
    const signIn = client.signInKind === undefined ? undefined : await signInKindStep(ctx, client.signInKind)
    if (signIn) record(signIn)
    // Every later fact is an update PATCH: with this sign-in refused they would all read as rejected.
    if (signIn?.outcome !== 'rejected') await patchSteps(ctx, options, record, limits)
  } finally {
    await scratch.deleteAll()
    await rm(dir, { recursive: true, force: true })
  }
  const capabilities = capabilitiesOf(client, findings, options.now?.() ?? new Date())
  return {
    capabilities: Object.keys(limits).length ? { ...capabilities, limits } : capabilities,
    findings,
    scratch: scratch.all,
  }
}

/** The facts that each need an update PATCH (skipped when the PATCH refuses the probe's sign-in kind). */
async function patchSteps(
  ctx: ProbeContext,
  options: ProbeOptions,
  record: (f: ProbeFinding) => void,
  limits: NonNullable<Capabilities['limits']>,
): Promise<void> {
  const parquet = await parquetPayloadStep(ctx)
  record(parquet)
  for (const step of constantSteps()) record(await step(ctx))
  throwIfAborted(ctx)
  for (const f of await requestIdSteps(ctx, parquet.outcome === 'confirmed')) record(f)
  if (options.nativeOps) for (const f of await nativeOpSteps(ctx)) record(f)
  else
    for (const fact of ['nativeNe', 'nativeNot'] as const) {
      record({
        fact,
        outcome: 'unknown',
        expected: PROBED_FACTS[fact],
        observed:
          'not tested (opt-in: nativeOps / --probe-native-ops): ne() and not() compile into confirmed operators',
        evidence: '',
      })
    }
  if (options.uploadPartBytes !== false) {
    const part = await uploadPartStep(ctx, options.uploadPartBytes)
    record(part.finding)
    if (part.uploadPartBytes !== undefined) limits.uploadPartBytes = part.uploadPartBytes
  }
  if (options.sizeMb !== undefined) {
    const size = await payloadSizeStep(ctx, options.sizeMb)
    record(size.finding)
    if (size.payloadBytes !== undefined) limits.payloadBytes = size.payloadBytes
  }
}

function capabilitiesOf(client: ProbeClient, findings: readonly ProbeFinding[], at: Date): Capabilities {
  const facts: Capabilities['facts'] = {}
  for (const f of findings) {
    facts[f.fact as ProbedFact] = {
      outcome: f.outcome,
      observed: f.observed,
      ...(f.evidence && { evidence: f.evidence }),
    }
  }
  return {
    version: CAPABILITIES_VERSION,
    server: { url: client.server, restApiVersion: client.apiVersion },
    probedAt: at.toISOString(),
    facts,
  }
}

/** The findings as a plain-text table: fact, outcome, expected, observed, evidence. */
export function formatProbeTable(findings: readonly ProbeFinding[]): string {
  const rows = [
    ['fact', 'outcome', 'expected', 'observed', 'evidence'],
    ...findings.map((f) => [f.fact, f.outcome, f.expected, f.observed, f.evidence]),
  ]
  const widths = rows[0]!.map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i]!.length))))
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w))
  return rows
    .map((r) =>
      r
        .map((c, i) => cut(c, widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
