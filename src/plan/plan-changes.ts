import { createHash } from 'node:crypto'
import type { Batch } from '../actions/batch.js'
import type { WireAction, WireBatch } from '../actions/wire-schema.js'
import type { ErrorDetails } from '../error-catalog.js'
import { HyperdeltaError } from '../errors.js'
import type { NativeOp } from '../model/wire-vocabulary.js'
import { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from '../payload/byte-limit.js'
import { type ChangeFile, type ChangeFiles, writeChangeFiles } from '../payload/write-change-files.js'
import type { Table } from '../schema/define-table.js'
import { plannedActions } from './group-actions.js'
import { planRequests, sourceTables, tablesByName } from './plan-requests.js'
import { deriveRunId } from './run-identity.js'

/** Any input writeChangeFiles accepts: row arrays, (async) iterables, Arrow tables, Parquet files. */
export type ChangeRows = Parameters<typeof writeChangeFiles>[1]

/**
 * One request of a plan: at most one payload file (one source table) and its wire actions. Its
 * RequestID depends on where it is sent (site, data source, connection), so pushChanges derives it.
 */
export interface PlannedRequest {
  readonly index: number
  readonly actions: readonly WireAction[]
  readonly payload: ChangeFile | undefined
}

export interface ChangePlan extends AsyncDisposable {
  readonly runId: string
  readonly requests: readonly PlannedRequest[]
  /** Things the caller must know, e.g. a batch split into several requests is not atomic. */
  readonly warnings: readonly string[]
  readonly files: readonly ChangeFile[]
  readonly rows: number
  readonly bytes: number
  /** Hash of the compiled batch, every payload's sha256 and the byte limit: what a journal must match. */
  readonly fingerprint: string
  /** Removes the change files. */
  dispose(): Promise<void>
}

export interface PlanOptions {
  /** A typed batch, or raw wire JSON (then `sources` gives the source tables' definitions). */
  batch: Batch | WireBatch
  /** Source table definitions for a wire-JSON batch (e.g. from tableFromParquet); ignored for a typed batch. */
  sources?: readonly Table[]
  /** Change rows per source table name (the `name` of the table passed as `source`). */
  rows?: Record<string, ChangeRows>
  /** The server's `max_size_in_mb` (default 100); the byte budget per file comes from payloadByteLimit(). */
  maxSizeInMb?: number
  /** Exact byte budget per payload file; overrides maxSizeInMb. */
  maxBytes?: number
  /**
   * Identifies the run in RequestIDs. Default: derived from the compiled batch and the payload bytes
   * (deriveRunId), so the same inputs planned twice are the same run.
   */
  runId?: string
  /** Where change files are written (default: a temp dir). */
  dir?: string
  duplicateKeys?: 'error' | 'keep-last'
  onPackaging?: (p: { table: string; rows: number; bytes: number; files: number }) => void
  signal?: AbortSignal
  /**
   * Unconfirmed operators the target server understands (`ne`, `not`; see Batch.compile). pushChanges fills it from
   * the client's capabilities; default none.
   */
  nativeOps?: readonly NativeOp[]
}

function planError<C extends 'PLAN_INPUT_INVALID' | 'PLAN_INPUT_MISSING'>(
  code: C,
  message: string,
  details: ErrorDetails<C>,
): HyperdeltaError<C> {
  return new HyperdeltaError(code, `plan: ${message}`, { details })
}

/**
 * Turns a batch and its change rows into an ordered list of requests, packaging the rows into
 * change files under the size limit. No server call is made: this is the dry run of pushChanges.
 * The split rules are those of {@link planRequests}; one request is all-or-nothing on the server,
 * several are not, and the plan says so in `warnings`.
 *
 * @example
 * ```ts
 * import { batch, planChanges } from 'hyperdelta'
 * const plan = await planChanges({ batch: batch().upsert({ source: changes, target: orders, on: ['id'] }), rows: { changes: rows } })
 * for (const r of plan.requests) console.log(r.index, r.payload?.rows, r.actions.map((a) => a.action))
 * await plan.dispose()
 * ```
 */
export async function planChanges(options: PlanOptions): Promise<ChangePlan> {
  if (!('compile' in options.batch)) tablesByName(options.sources ?? [], (i) => `sources[${i}]`)
  const actions = plannedActions(options.batch, options.sources, options.nativeOps)
  const maxBytes = options.maxBytes ?? payloadByteLimit(options.maxSizeInMb ?? DEFAULT_MAX_SIZE_IN_MB)
  const rows = options.rows ?? {}
  const sources = sourceTables(actions)
  for (const name of Object.keys(rows)) {
    if (!sources.has(name)) {
      throw planError('PLAN_INPUT_INVALID', `rows given for "${name}", which no action uses as its source table`, {
        table: name,
        sourceTables: [...sources.keys()],
      })
    }
  }
  for (const name of sources.keys()) {
    if (!(name in rows)) {
      throw planError('PLAN_INPUT_MISSING', `no rows given for source table "${name}"`, { table: name })
    }
  }

  const packaged: ChangeFiles[] = []
  const filesByTable = new Map<string, readonly ChangeFile[]>()
  const dispose = async () => {
    await Promise.all(packaged.map((p) => p.dispose()))
  }
  try {
    for (const [name, table] of sources) {
      // Duplicate source keys change the result only where a key picks the values written (update /
      // upsert: several source rows would match one target row). A delete's key list may repeat.
      const keys = actions.find(
        (a) =>
          a.source?.name === name && a.keys.length > 0 && (a.wire.action === 'update' || a.wire.action === 'upsert'),
      )?.keys
      const files = await writeChangeFiles(table, rows[name]!, {
        maxBytes,
        ...(options.dir !== undefined && { dir: options.dir }),
        ...(keys && { keys }),
        ...(options.duplicateKeys !== undefined && { duplicateKeys: options.duplicateKeys }),
        ...(options.signal !== undefined && { signal: options.signal }),
        onProgress: (p) => options.onPackaging?.({ table: name, ...p }),
      })
      packaged.push(files)
      filesByTable.set(name, files.files)
    }
    const { requests, warnings } = planRequests(actions, filesByTable)
    const files = packaged.flatMap((p) => p.files)
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({
          wire: actions.map((a) => a.wire),
          files: files.map((f) => [f.table.name, f.sha256, f.rows]),
          maxBytes,
        }),
      )
      .digest('hex')
    return {
      runId: options.runId ?? deriveRunId({ fingerprint }),
      requests,
      warnings,
      files,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      fingerprint,
      dispose,
      [Symbol.asyncDispose]: dispose,
    }
  } catch (error) {
    await dispose()
    throw error
  }
}
