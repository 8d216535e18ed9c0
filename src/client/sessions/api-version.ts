import { HyperdeltaError } from '../../errors.js'

/**
 * The lowest REST API version that has "Update Data in Hyper Data Source" (`PATCH …/data`).
 * The docs say "2021.2 and later"; Tableau's own client (TSC) gates `update_hyper_data` on 3.13.
 * docs/protocol.md §2.1, CONFIRMED.
 */
export const MIN_API_VERSION = '3.13'

/**
 * The highest REST API version this client speaks. INFERRED: the newest schema the spec's samples cite
 * (ts-api_3_24.xsd); nothing in the update flow changed after 3.13, so raising it only changes URLs.
 */
export const MAX_API_VERSION = '3.24'

/** Where version negotiation reads `restApiVersion`: the 2.4 path answers on every server since 2.4 (docs/protocol.md §3). */
export const SERVER_INFO_API_VERSION = '2.4'

/** Parses "3.13" into [3, 13]; undefined when it is not `major.minor[.patch]`. */
function parts(version: string): number[] | undefined {
  if (!/^\d+(\.\d+){0,2}$/.test(version.trim())) return undefined
  return version.trim().split('.').map(Number)
}

/** Compares two REST API versions numerically ("3.9" < "3.13"). */
export function compareApiVersions(a: string, b: string): number {
  const pa = parts(a) ?? [0]
  const pb = parts(b) ?? [0]
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/**
 * The version to use: the highest both sides support, i.e. min(server, ours). Refuses a server below
 * `min` with `API_VERSION_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * negotiateApiVersion('3.27') // '3.24'
 * negotiateApiVersion('3.19') // '3.19'
 * ```
 */
export function negotiateApiVersion(serverVersion: string, options: { min?: string; max?: string } = {}): string {
  const min = options.min ?? MIN_API_VERSION
  const max = options.max ?? MAX_API_VERSION
  if (!parts(serverVersion)) {
    throw new HyperdeltaError('API_VERSION_UNSUPPORTED', `client: server reports an unreadable REST API version`, {
      details: { serverVersion: serverVersion.slice(0, 40) },
    })
  }
  const chosen = compareApiVersions(serverVersion, max) < 0 ? serverVersion.trim() : max
  if (compareApiVersions(chosen, min) < 0) {
    throw new HyperdeltaError(
      'API_VERSION_UNSUPPORTED',
      `client: server REST API ${serverVersion} is below ${min}, the first version with Update Data in Hyper ` +
        `(Tableau 2021.2); upgrade the server`,
      { details: { serverVersion, minApiVersion: min, maxApiVersion: max } },
    )
  }
  return chosen
}
