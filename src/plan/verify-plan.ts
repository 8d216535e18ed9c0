import type { CheckedValue, CheckedVerifySpec, PresentRow } from './verify-spec.js'

// `verify` plans every VizQL Data Service query before it sends one: the row count first (one aggregate), then the
// key checks in batches — bounded key lists, each sized so its answer stays under the response cap. The service has
// no paging (VDS_FACTS.noPaging): a large answer is split by asking for fewer keys.

/** One planned query. `present` / `absent` carry their share of the keys. */
export type VerifyQuery =
  /** `read-metadata`: a field to count, when no key column is named. */
  | { kind: 'metadata' }
  /** `COUNT` of the key column (or the first field). */
  | { kind: 'rowCount' }
  /** The rows of these keys, with `columns` (the key column first). */
  | { kind: 'present'; rows: readonly PresentRow[]; columns: readonly string[] }
  /** The key column of these keys (each one found is still present). */
  | { kind: 'absent'; keys: readonly CheckedValue[] }

/** An answer is planned at most this share of the response cap: the server may spell values longer than we do. */
const SAFETY = 2
/** JSON object punctuation of one answer row: `{`, `}`, `,` between rows. */
const ROW_OVERHEAD = 3
/** What a non-text value may take in the answer (the longest: an ISO datetime with microseconds and an offset). */
const SCALAR_BYTES = 34

/** The bytes a value may take in the answer's JSON (text as given, escaped; anything else at most SCALAR_BYTES). */
export function valueBytes(given: unknown): number {
  if (given === null || given === undefined) return 4
  if (typeof given === 'string') return Buffer.byteLength(JSON.stringify(given))
  return SCALAR_BYTES
}

/** One answer row: `"name":value` per column, the value's bytes taken from `bytesOf`. */
function rowBytes(columns: readonly string[], bytesOf: (column: string) => number): number {
  let bytes = ROW_OVERHEAD
  for (const c of columns) bytes += Buffer.byteLength(JSON.stringify(c)) + 2 + bytesOf(c)
  return bytes
}

/**
 * Items in consecutive batches of at most `perBatch` items and `maxBytes` (estimated by `bytesOf`, times SAFETY)
 * each; an item larger than that on its own is a batch of one (the capped read then says so).
 */
export function batches<T>(
  items: readonly T[],
  perBatch: number,
  maxBytes: number,
  bytesOf: (item: T) => number,
): T[][] {
  const out: T[][] = []
  let current: T[] = []
  let bytes = 0
  for (const item of items) {
    const size = bytesOf(item) * SAFETY
    if (current.length > 0 && (current.length >= perBatch || bytes + size > maxBytes)) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += size
  }
  if (current.length > 0) out.push(current)
  return out
}

/** The columns a present check reads back: the key first, then every column any expected row gives. */
export function presentColumns(spec: CheckedVerifySpec): string[] {
  const key = spec.key?.name
  const names = new Set(spec.present.flatMap((r) => r.columns.map(([name]) => name)))
  if (key === undefined) return [...names]
  names.delete(key)
  return [key, ...names]
}

/** The queries `spec` needs, in the order they are sent: counts first, then present rows, then absent keys. */
export function planVerify(spec: CheckedVerifySpec): VerifyQuery[] {
  const { keysPerQuery, maxResponseBytes } = spec.limits
  const queries: VerifyQuery[] = []
  if (spec.rowCount !== undefined) {
    if (spec.countField === undefined) queries.push({ kind: 'metadata' })
    queries.push({ kind: 'rowCount' })
  }
  const key = spec.key
  if (key === undefined) return queries
  if (spec.present.length > 0) {
    const columns = presentColumns(spec)
    // A column a row does not give still comes back: count it at the longest value any row gives for it.
    const longest = new Map<string, number>()
    for (const row of spec.present)
      for (const [name, , value] of row.columns)
        longest.set(name, Math.max(longest.get(name) ?? 0, valueBytes(value.given)))
    const bytesOf = (row: PresentRow) => {
      const given = new Map(row.columns.map(([name, , value]) => [name, valueBytes(value.given)]))
      return rowBytes(columns, (c) => given.get(c) ?? longest.get(c) ?? SCALAR_BYTES)
    }
    for (const rows of batches(spec.present, keysPerQuery, maxResponseBytes, bytesOf))
      queries.push({ kind: 'present', rows, columns })
  }
  if (spec.absent.length > 0) {
    const bytesOf = (k: CheckedValue) => rowBytes([key.name], () => valueBytes(k.given))
    for (const keys of batches(spec.absent, keysPerQuery, maxResponseBytes, bytesOf))
      queries.push({ kind: 'absent', keys })
  }
  return queries
}

/** A key check in two halves (for an answer over the cap), or undefined for a single key or a count. */
export function splitQuery(query: VerifyQuery): [VerifyQuery, VerifyQuery] | undefined {
  if (query.kind === 'present' && query.rows.length > 1) {
    const half = Math.ceil(query.rows.length / 2)
    return [
      { ...query, rows: query.rows.slice(0, half) },
      { ...query, rows: query.rows.slice(half) },
    ]
  }
  if (query.kind === 'absent' && query.keys.length > 1) {
    const half = Math.ceil(query.keys.length / 2)
    return [
      { kind: 'absent', keys: query.keys.slice(0, half) },
      { kind: 'absent', keys: query.keys.slice(half) },
    ]
  }
  return undefined
}
