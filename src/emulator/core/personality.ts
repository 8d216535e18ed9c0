import type { SignInKind } from '../../index.js'
import { type WireAction, wireConditionNodes } from '../../wire.js'

/**
 * How this emulator departs from our default reading of the protocol, so that `probe` and
 * `verify` can be tested against every answer a real server might give. Every field is off by
 * default: the default emulator follows the choices in inferred.ts.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ personality: { rejectParquetPayloads: true } })
 * ```
 */
export interface ServerPersonality {
  /** Update jobs whose payload is a Parquet file fail (a server that reads only `.hyper` payloads). */
  rejectParquetPayloads?: boolean
  /** A PATCH whose conditions use an `or` junction is refused with 400008. */
  noOrOperator?: boolean
  /** `'other'`: boolean constants spelled `"true"` / `"false"` fail the job. Default `'true/false'`. */
  booleanSpelling?: 'true/false' | 'other'
  /** A DATE column compared with a `string` constant fails the job. */
  noDateStringConst?: boolean
  /** A `datetime` constant with fractional seconds fails the job. */
  noDatetimeFraction?: boolean
  /** Where a repeated RequestID is recognised: per site (default) or per data source. */
  requestIdScope?: 'site' | 'datasource'
  /** The VizQL Data Service is not available (its endpoints answer 404). */
  noVizqlDataService?: boolean
  /** Each update job silently loses the first row of its payload (a lossy server, to test `verify`). */
  dropOneRow?: boolean
  /**
   * An upload part (one append's file bytes) above this many bytes is refused with 413 and stores nothing
   * (default: no limit below the request body itself). E.g. `64 * 10 ** 6` for a server that counts MB as 10^6.
   */
  uploadPartLimitBytes?: number
  /** A PATCH using the native `ne` or `not` operators is refused with 400 (the default emulator understands both). */
  noNativeOps?: boolean
  /** The VizQL Data Service's per-site cap: more queries per hour are answered 429000 with Retry-After (see vds-limits.ts). */
  vdsQueriesPerHour?: number
  /** Requests each site serves at once; more are answered 429000 with Retry-After (see http/site-concurrency.ts). */
  maxConcurrentRequestsPerSite?: number
  /** Every VizQL Data Service query is answered 403800: the user lacks the API Access capability. */
  vdsAccessDenied?: boolean
  /**
   * Answers in the shapes real servers send instead of the reference pages' (real-server-variants.ts): database
   * connections with a lower-case `username` (`'username'`), or also `connectionId` / `server` / `port` for `id` /
   * `serverAddress` / `serverPort` (`'connectionId'`); with either, Update Virtual Connection Database Connections
   * answers a bare `<connection>`, and Update Virtual Connection answers without the id.
   */
  realServerVariants?: 'username' | 'connectionId'
  /** Refresh jobs stay queued until cancelled (a busy backgrounder): a second refresh meets 409093 and Query Jobs lists the first. */
  refreshJobsStayQueued?: boolean
  /** The sign-in kinds whose sessions the update PATCH accepts (default every kind); others are refused (update-sign-in.ts). */
  updateDataSignInKinds?: readonly SignInKind[]
}

/** True when any action's condition uses an `or` junction. */
export function usesOr(actions: readonly WireAction[]): boolean {
  for (const a of actions)
    for (const c of wireConditionNodes(a.condition)) if ('args' in c && c.op === 'or') return true
  return false
}

/**
 * Why this personality fails a job before it runs, or undefined. `dateColumns` tells which
 * target columns are DATE (for the string-constant rule); `parquetPayload` whether the payload
 * is Parquet.
 */
export function personalityJobFailure(
  p: ServerPersonality,
  actions: readonly WireAction[],
  parquetPayload: boolean,
  dateColumns: ReadonlySet<string>,
): string | undefined {
  if (p.rejectParquetPayloads && parquetPayload) {
    return 'emulator (personality rejectParquetPayloads): the payload is not a Hyper file; only .hyper payloads are read'
  }
  for (const [index, action] of actions.entries()) {
    for (const c of wireConditionNodes(action.condition)) {
      if ('args' in c || !('const' in c) || c.const === undefined) continue
      const { type, v } = c.const
      if (p.booleanSpelling === 'other' && type === 'boolean') {
        return `emulator (personality booleanSpelling): action ${index}: boolean constant "${v}" is not understood`
      }
      if (p.noDatetimeFraction && type === 'datetime' && /\.\d/.test(v)) {
        return `emulator (personality noDatetimeFraction): action ${index}: datetime constant "${v}" has fractional seconds`
      }
      if (p.noDateStringConst && type === 'string' && dateColumns.has(c['target-col'])) {
        return `emulator (personality noDateStringConst): action ${index}: DATE column "${c['target-col']}" compared with a string`
      }
    }
  }
  return undefined
}

/** A personality's reason to fail a job before it runs, or undefined (see {@link personalityJobFailure}). */
export type PersonalityCheck = (
  actions: readonly WireAction[],
  parquetPayload: boolean,
  dateColumns: ReadonlySet<string>,
) => string | undefined

/** The DATE columns of every target table (schema → table → column → DuckDB type). */
export function dateColumnsOf(
  targets: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, string>>>,
): Set<string> {
  const out = new Set<string>()
  for (const tables of targets.values())
    for (const columns of tables.values()) for (const [name, type] of columns) if (type === 'DATE') out.add(name)
  return out
}
