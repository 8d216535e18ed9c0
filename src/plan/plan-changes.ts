import { createHash, randomUUID } from 'node:crypto'
import type { Batch } from '../actions/batch.js'
import type { WireAction, WireBatch } from '../actions/wire-schema.js'
import { HyperdeltaError } from '../errors.js'
import { DEFAULT_MAX_SIZE_IN_MB, payloadByteLimit } from '../payload/byte-limit.js'
import { type ChangeFile, type ChangeFiles, writeChangeFiles } from '../payload/write-change-files.js'
import type { Table } from '../schema/define-table.js'
import { groupActions, plannedActions } from './group-actions.js'
import { deriveRequestId } from './request-id.js'

/** Any input writeChangeFiles accepts: row arrays, (async) iterables, Arrow tables, Parquet files. */
export type ChangeRows = Parameters<typeof writeChangeFiles>[1]

/** One request of a plan: at most one payload file (one source table), its wire actions, its RequestID. */
export interface PlannedRequest {
  readonly index: number
  readonly actions: readonly WireAction[]
  readonly payload: ChangeFile | undefined
  /** RequestID of the first attempt; a request retried after a failed job gets a new one (see pushChanges). */
  readonly requestId: string
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
  /** Identifies the run in RequestIDs; give a stable one (e.g. `orders-2026-11-22`) to make reruns idempotent. */
  runId?: string
  /** Where change files are written (default: a temp dir). */
  dir?: string
  duplicateKeys?: 'error' | 'keep-last'
  onPackaging?: (p: { table: string; rows: number; bytes: number; files: number }) => void
  signal?: AbortSignal
}

function anyTableSplit(filesByTable: Map<string, readonly ChangeFile[]>): boolean {
  return [...filesByTable.values()].some((files) => files.length > 1)
}

function planError(code: string, message: string, details: Record<string, unknown> = {}): HyperdeltaError {
  return new HyperdeltaError(code, `plan: ${message}`, { details })
}

/**
 * Turns a batch and its change rows into an ordered list of requests, packaging the rows into
 * change files under the size limit. No server call is made: this is the dry run of pushChanges.
 *
 * Actions on different source tables go to separate requests, in batch order. A source table cut
 * into several files repeats its actions per file, except `replace`, which becomes `replace` on the
 * first file and `insert` on the rest. One request is all-or-nothing on the server; several are not,
 * and the plan says so in `warnings`.
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
  const actions = plannedActions(options.batch, options.sources)
  const runId = options.runId ?? randomUUID()
  const maxBytes = options.maxBytes ?? payloadByteLimit(options.maxSizeInMb ?? DEFAULT_MAX_SIZE_IN_MB)
  const rows = options.rows ?? {}
  const groups = groupActions(actions)
  const sources = new Map<string, Table>()
  for (const group of groups) {
    if (!group.source) continue
    const seen = sources.get(group.source.name)
    if (seen && seen !== group.source && JSON.stringify(seen.columns) !== JSON.stringify(group.source.columns)) {
      throw planError('PLAN_INPUT_INVALID', `two different source tables are named "${group.source.name}"`)
    }
    sources.set(group.source.name, group.source)
  }
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

    const warnings: string[] = []
    const requestParts: { actions: WireAction[]; payload: ChangeFile | undefined }[] = []
    for (const group of groups) {
      const isSourced = (i: number) => actions[i]!.source !== undefined
      const files = group.source ? filesByTable.get(group.source.name)! : []
      const sourced = group.actionIndexes.filter(isSourced)
      const first = group.actionIndexes.indexOf(sourced[0] ?? -1)
      const last = group.actionIndexes.indexOf(sourced.at(-1) ?? -1)
      const constOnly = (pos: number) => !isSourced(group.actionIndexes[pos]!)
      if (group.source && files.length === 0) {
        if (sourced.some((i) => actions[i]!.wire.action === 'replace')) {
          throw planError(
            'PLAN_EMPTY_REPLACE',
            `replace from "${group.source.name}" has no rows: it would empty the target table; use a delete if that is meant`,
            { table: group.source.name },
          )
        }
        warnings.push(`no rows for source table "${group.source.name}": its ${sourced.length} action(s) are skipped`)
        const rest = group.actionIndexes.filter((i) => !isSourced(i)).map((i) => actions[i]!.wire)
        if (rest.length > 0) requestParts.push({ actions: rest, payload: undefined })
        continue
      }
      if (files.length > 1 && group.actionIndexes.some((_, pos) => constOnly(pos) && pos > first && pos < last)) {
        throw planError(
          'PLAN_UNSPLITTABLE',
          `a constant-only action sits between actions on "${group.source!.name}", whose rows need ${files.length} files; ` +
            'move it before or after them, or raise maxSizeInMb',
          { table: group.source!.name, files: files.length },
        )
      }
      const parts = group.source ? files : [undefined]
      parts.forEach((payload, k) => {
        const requestActions: WireAction[] = []
        group.actionIndexes.forEach((i, pos) => {
          const action = actions[i]!.wire
          if (!isSourced(i)) {
            // Constant-only actions run once: leading ones with the first file, trailing ones with the last.
            if (parts.length === 1 || (pos < first && k === 0) || (pos > last && k === parts.length - 1)) {
              requestActions.push(action)
            }
          } else {
            requestActions.push(action.action === 'replace' && k > 0 ? { ...action, action: 'insert' } : action)
          }
        })
        requestParts.push({ actions: requestActions, payload })
      })
      if (files.length > 1) {
        const replace = sourced.some((i) => actions[i]!.wire.action === 'replace')
        warnings.push(
          `rows of "${group.source!.name}" need ${files.length} files, so its actions run as ${files.length} requests; ` +
            'each request is all-or-nothing, the requests together are not' +
            (replace
              ? '; replace runs on the first file and insert on the rest, so readers may see a partly loaded table'
              : ''),
        )
      }
    }
    if (requestParts.length > 1 && !anyTableSplit(filesByTable)) {
      warnings.push(`the batch runs as ${requestParts.length} requests: each is all-or-nothing, together they are not`)
    }

    const requests: PlannedRequest[] = requestParts.map((part, index) => ({
      index,
      actions: part.actions,
      payload: part.payload,
      requestId: deriveRequestId({
        runId,
        index,
        payloadSha256: part.payload?.sha256,
        actions: part.actions,
        attempt: 0,
      }),
    }))
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
      runId,
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
