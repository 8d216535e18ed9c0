// What Tableau publishes about the VizQL Data Service's limits and errors, and what hyperdelta infers beyond it:
// the one place. `verify` plans within these limits and the emulator plays them; when a real server disagrees,
// edit the fact here.

/** A fact and how we know it: CONFIRMED (a Tableau source says so) or INFERRED (our reading; where it may differ). */
export interface VdsFact<T> {
  readonly value: T
  readonly evidence: 'CONFIRMED' | 'INFERRED'
  readonly source: string
}

const LIMITATIONS =
  'help.tableau.com VizQL Data Service docs, "Limitations" (licensing and data transfer; response size)'
const ERROR_CODES = 'help.tableau.com VizQL Data Service docs, "Error codes" (as mapped by tableau/tableau-mcp)'

export const VDS_FACTS = {
  /** Each Creator licence on a site raises the site's VDS query cap by this many queries per hour. */
  queriesPerCreatorPerHour: { value: 100, evidence: 'CONFIRMED', source: LIMITATIONS } as VdsFact<number>,
  /**
   * The largest answer the service sends; larger ones are an error. The page says "1 GB": read as 10^9 bytes
   * (the stricter of 10^9 and 2^30).
   */
  maxResponseBytes: {
    value: 10 ** 9,
    evidence: 'INFERRED',
    source: `${LIMITATIONS}; 10^9 is our reading`,
  } as VdsFact<number>,
  /** `errorCode` when the user lacks the API Access capability on the data source (HTTP 403). */
  accessDeniedCode: { value: '403800', evidence: 'CONFIRMED', source: ERROR_CODES } as VdsFact<string>,
  /** `errorCode` when the site's query cap is spent (HTTP 429). */
  quotaExceededCode: { value: '429000', evidence: 'CONFIRMED', source: ERROR_CODES } as VdsFact<string>,
  /** `errorCode` when an answer would exceed the response limit (apply a filter). */
  responseTooLargeCode: { value: '400804', evidence: 'CONFIRMED', source: ERROR_CODES } as VdsFact<string>,
  /** Errors come as `{ errorCode, message, datetime }`, not the REST API's `{ error: { code, … } }`. */
  errorEnvelope: {
    value: ['errorCode', 'message', 'datetime'],
    evidence: 'CONFIRMED',
    source: 'the VDS OpenAPI description (TableauError schema, as in tableau/tableau-mcp)',
  } as VdsFact<readonly string[]>,
  /** `query-datasource` has no offset or page size: a large answer is split by filtering (here: by key lists). */
  noPaging: {
    value: true,
    evidence: 'CONFIRMED',
    source: 'the VDS OpenAPI description: the query has fields and filters, the options no offset or limit',
  } as VdsFact<boolean>,
  /** Whether a 429000 carries `Retry-After`: not documented. The client honours it when sent, backs off otherwise. */
  retryAfterOnQuota: { value: 'when sent', evidence: 'INFERRED', source: 'not documented' } as VdsFact<string>,
  /** Whether `read-metadata` counts against the cap: not documented; counted, to stay under it either way. */
  metadataCounts: {
    value: true,
    evidence: 'INFERRED',
    source: 'not documented; the conservative reading',
  } as VdsFact<boolean>,
  /** Values in one SET filter: no documented limit; `verify` sends at most this many keys per query by default. */
  keysPerSetFilter: {
    value: 1000,
    evidence: 'INFERRED',
    source: 'not documented; a bound of our own',
  } as VdsFact<number>,
} as const
