import { createHash, randomUUID } from 'node:crypto'

/** What a run's default id is made of: the plan's fingerprint and, when known, more about its inputs and history. */
export interface RunIdentity {
  /** The plan's fingerprint: the compiled batch (wire actions), every payload's sha256 and the byte limit. */
  fingerprint: string
  /** What else tells these inputs apart, e.g. the snapshot pair and the watermark of a CDC night. */
  inputs?: string | undefined
  /** The run finished before this one in the same journal or state dir (undefined: no state, or a fresh one). */
  after?: string | undefined
  /** Prefix of the id (default `run`), e.g. a pipeline's name. */
  name?: string | undefined
}

/**
 * The default run id, derived from what the run does, so that a rerun is safe without any state:
 *
 * - the same batch and payload bytes (and `inputs`) give the same id, hence the same RequestIDs
 *   (which add the target: site, data source, connection), so the server applies them at most once;
 * - any change of the batch, the payload, `inputs` or the target gives other RequestIDs;
 * - with a journal or state dir, a new run after a finished one also hashes that run's id (`after`),
 *   so inputs equal to an earlier night's (a value that flips back) are sent again, not ignored.
 *
 * The limit: the server forgets a RequestID after 24 h. Within that window, the same inputs pushed
 * twice without state are one request; beyond it, only a journal or state dir knows they were applied.
 */
export function deriveRunId(identity: RunIdentity): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(['hyperdelta-run/1', identity.fingerprint, identity.inputs ?? null, identity.after ?? null]))
    .digest('hex')
  return `${identity.name ?? 'run'}-${hash.slice(0, 24)}`
}

/** A run id that is new every time: for a run that must be sent even when the same inputs were applied. */
export function randomRunId(name = 'run'): string {
  return `${name}-${randomUUID()}`
}
