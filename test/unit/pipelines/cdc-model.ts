/**
 * An independent JS model of the nightly CDC set work, for the property tests: plain Maps and
 * comparisons, nothing from DuckDB or from the pipeline's code. Values are canonical here
 * (int64 and timestamps as bigint, floats as numbers), and the generators render them in the many
 * shapes a user may pass (a bigint as a number, an instant as a Date or an ISO string with an offset).
 */
import fc from 'fast-check'
import { defineTable, float64, int64, text, timestamp } from '../../../src/index.js'

export const cdcTable = defineTable(
  { schema: 'Extract', name: 'Extract' },
  {
    id: int64(),
    v: float64({ nullable: true }),
    t: timestamp({ nullable: true }),
    s: text({ nullable: true }),
    n: int64({ nullable: true }),
  },
)

export interface Canonical {
  id: bigint
  v: number | null
  t: bigint | null
  s: string | null
  n: bigint | null
}

/** How one row is rendered: the same canonical values, other JS shapes. */
export interface Rendering {
  idAsNumber: boolean
  tStyle: 0 | 1 | 2 | 3
  offsetMinutes: number
  flipZeroSign: boolean
}

/** An ISO-8601 text of the instant `micros` (≥ 0) as seen at `offsetMinutes` from UTC, µs included. */
export function isoWithOffset(micros: bigint, offsetMinutes: number, zulu = false): string {
  const local = micros + BigInt(offsetMinutes) * 60_000_000n
  const seconds = new Date(Number(local / 1_000_000n) * 1000).toISOString().slice(0, 19)
  const frac = (local % 1_000_000n).toString().padStart(6, '0')
  if (zulu && offsetMinutes === 0) return `${seconds}.${frac}Z`
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${seconds}.${frac}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** A timestamp's value in one of its accepted shapes: bigint µs, Date (when whole ms), ISO text with an offset or Z. */
export function renderTimestamp(micros: bigint, style: number, offsetMinutes: number): unknown {
  if (style === 0) return micros
  if (style === 1 && micros % 1000n === 0n) return new Date(Number(micros / 1000n))
  return isoWithOffset(micros, offsetMinutes, style === 3)
}

export function render(row: Canonical, r: Rendering): Record<string, unknown> {
  const safe = row.id >= BigInt(Number.MIN_SAFE_INTEGER) && row.id <= BigInt(Number.MAX_SAFE_INTEGER)
  return {
    id: r.idAsNumber && safe ? Number(row.id) : row.id,
    v: row.v === 0 && r.flipZeroSign ? -row.v : row.v,
    t: row.t === null ? null : renderTimestamp(row.t, r.tStyle, r.offsetMinutes),
    s: row.s,
    n: row.n,
  }
}

// -0 === 0 and 0.1 + 0.2 === 0.30000000000000004: floats are equal as values.
const same = (a: Canonical, b: Canonical) => a.v === b.v && a.t === b.t && a.s === b.s && a.n === b.n
export const byId = (a: { id: bigint }, b: { id: bigint }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export function modelDiff(previous: Canonical[], current: Canonical[]) {
  const before = new Map(previous.map((r) => [r.id, r]))
  const now = new Set(current.map((r) => r.id))
  const inserted = current.filter((r) => !before.has(r.id))
  const changed = current.filter((r) => before.has(r.id) && !same(before.get(r.id)!, r))
  return {
    upserts: [...inserted, ...changed].sort(byId),
    deletes: previous
      .filter((r) => !now.has(r.id))
      .map((r) => ({ id: r.id }))
      .sort(byId),
    stats: {
      inserted: inserted.length,
      changed: changed.length,
      unchanged: current.length - inserted.length - changed.length,
    },
  }
}

export interface LogEntry {
  row: Canonical
  op: 'insert' | 'update' | 'delete'
  /** The order value as a number the model compares (µs for instants). */
  order: bigint | number
}

/** Last entry per key after `since` by (order value, input position); the watermark is the top entry's index. */
export function modelCompaction(entries: LogEntry[], since: bigint | number | undefined) {
  const last = new Map<bigint, { entry: LogEntry; index: number }>()
  let top: number | undefined
  entries.forEach((entry, index) => {
    if (since !== undefined && !(entry.order > since)) return
    if (top === undefined || !(entry.order < entries[top]!.order)) top = index
    const prev = last.get(entry.row.id)
    if (!prev || !(entry.order < prev.entry.order)) last.set(entry.row.id, { entry, index })
  })
  const kept = [...last.values()].map((l) => l.entry)
  return {
    upserts: kept
      .filter((e) => e.op !== 'delete')
      .map((e) => e.row)
      .sort(byId),
    deletes: kept
      .filter((e) => e.op === 'delete')
      .map((e) => ({ id: e.row.id }))
      .sort(byId),
    top,
  }
}

const MAX_MICROS = 4_102_444_800_000_000n // 2100-01-01
export const idArb = fc.oneof(
  fc.bigInt({ min: -5n, max: 40n }),
  fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }),
)
export const valuesArb = fc.record({
  v: fc.oneof(
    fc.constant(null),
    fc.constant(0.1 + 0.2),
    fc.constant(0.30000000000000004),
    fc.constant(0),
    fc.constant(-0),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  t: fc.oneof(
    fc.constant(null),
    fc.bigInt({ min: 172_800_000_000n, max: MAX_MICROS }),
    fc.bigInt({ min: 0n, max: 1000n }).map((ms) => 1_700_000_000_000_000n + ms * 1000n),
  ),
  s: fc.oneof(fc.constant(null), fc.constant(''), fc.string({ maxLength: 4 }), fc.constantFrom('é', '東京', 'a"b')),
  n: fc.oneof(
    fc.constant(null),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -3n, max: 3n }),
  ),
})
export const renderingArb: fc.Arbitrary<Rendering> = fc.record({
  idAsNumber: fc.boolean(),
  tStyle: fc.constantFrom(0, 1, 2, 3),
  offsetMinutes: fc.constantFrom(0, 60, -300, 330, 840, -720),
  flipZeroSign: fc.boolean(),
})
