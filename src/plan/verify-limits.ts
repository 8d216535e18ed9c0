import { VDS_FACTS } from '../client/vizql-data-service/facts.js'

/** How much `verify` may ask of the VizQL Data Service in one check. */
export interface VerifyLimits {
  /** Queries (read-metadata included) one check may send. */
  maxQueries: number
  /** Largest answer read, in bytes; key lists are sized to stay under it, and a larger answer is split. */
  maxResponseBytes: number
  /** Most keys in one query's SET filter. */
  keysPerQuery: number
}

/**
 * Defaults chosen to be a small share of the smallest site's cap: a site with one Creator licence has about
 * `VDS_FACTS.queriesPerCreatorPerHour` queries an hour for everyone on it, so one nightly check takes a fifth at
 * most; answers are held in memory, so they stay far below the service's own response limit.
 */
export const DEFAULT_VERIFY_LIMITS: Readonly<VerifyLimits> = Object.freeze({
  maxQueries: VDS_FACTS.queriesPerCreatorPerHour.value / 5,
  maxResponseBytes: 64 * 2 ** 20,
  keysPerQuery: VDS_FACTS.keysPerSetFilter.value,
})
