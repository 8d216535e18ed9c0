import type { ColumnKind, ColumnType } from '../schema/column-types.js'
import { fitsPrecision, parseDecimalText } from '../schema/decimal.js'
import { parseIsoTimestampMicros, parseTimeMicros, toEpochDays } from '../schema/temporal.js'
import { InvalidValue, type NormalizedValue, type NormalizedValueMap, normalizeValue } from '../schema/values.js'

// `verify` compares what was pushed with what the VizQL Data Service reads back, by the column's declared kind:
// the pushed value in any form the kind accepts (normalizeValue), the observed one in the service's JSON spelling.
// Nothing is guessed from the value itself: a text that looks like a date is compared as text, byte for byte.

/**
 * INFERRED (the one place for it): how the VizQL Data Service spells each kind in JSON. Integers: JSON numbers,
 * those beyond 2^53 decimal strings. Floats: JSON numbers; NaN and ±Infinity, which JSON numbers cannot hold, the
 * strings `NaN`, `Infinity`, `-Infinity`. Text: strings. Booleans: `true` / `false`. Dates: `YYYY-MM-DD`. Datetimes:
 * ISO 8601 with `Z`, an offset, or no zone (then UTC), the fraction down to the microsecond.
 */
export const VDS_NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
}
const DECIMAL_INTEGER = /^-?\d+$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const NAIVE_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$/

/** An observed integer, exactly; a JSON number beyond 2^53 was rounded on the way and reads as unknown. */
function observedInteger(observed: unknown): bigint | undefined {
  if (typeof observed === 'number') return Number.isSafeInteger(observed) ? BigInt(observed) : undefined
  if (typeof observed === 'string' && DECIMAL_INTEGER.test(observed)) return BigInt(observed)
  return undefined
}

function observedFloat(observed: unknown): number | undefined {
  if (typeof observed === 'number') return observed
  return typeof observed === 'string' ? VDS_NON_FINITE[observed] : undefined
}

/** An observed decimal as the unscaled integer of the column's scale, exactly (a number only when its text is exact). */
function observedDecimal(observed: unknown, type?: ColumnType): bigint | undefined {
  if (type?.kind !== 'decimal' || type.precision === undefined || type.scale === undefined) return undefined
  const text = typeof observed === 'number' ? String(observed) : observed
  if (typeof text !== 'string') return undefined
  const unscaled = parseDecimalText(text, type.scale)
  return typeof unscaled === 'bigint' && fitsPrecision(unscaled, type.precision) ? unscaled : undefined
}

function observedMicros(observed: unknown): bigint | undefined {
  if (typeof observed !== 'string') return undefined
  return parseIsoTimestampMicros(NAIVE_DATETIME.test(observed) ? `${observed}Z` : observed)
}

/**
 * An observed value (the service's JSON spelling) in the canonical form of its column's kind (see
 * NormalizedValueMap), or undefined when it is no spelling of a value of that kind.
 */
export const OBSERVED_AS: {
  readonly [K in ColumnKind]: (observed: unknown, type?: ColumnType) => NormalizedValueMap[K] | undefined
} = {
  int64: observedInteger,
  int32: (observed) => {
    const n = observedInteger(observed)
    return n === undefined ? undefined : Number(n)
  },
  float64: observedFloat,
  text: (observed) => (typeof observed === 'string' ? observed : undefined),
  bool: (observed) => (typeof observed === 'boolean' ? observed : undefined),
  date: (observed) => (typeof observed === 'string' && ISO_DATE.test(observed) ? toEpochDays(observed) : undefined),
  timestamp: observedMicros,
  int16: (observed) => {
    const n = observedInteger(observed)
    return n === undefined ? undefined : Number(n)
  },
  decimal: observedDecimal,
  // A wall-clock timestamp read as if at UTC: the service may spell it with or without a zone.
  timestamp_ntz: observedMicros,
  time: (observed) => (typeof observed === 'string' ? parseTimeMicros(observed) : undefined),
}

/**
 * One compare per kind: the pushed value (canonical) against the observed spelling.
 * int64 / int32: the same integer, exactly (2^53 + 1 is not 2^53). float64: the same double; -0 equals 0 (a JSON
 * number does not reliably keep the sign of zero), NaN equals only NaN. text: the same code units, no trimming,
 * case folding or Unicode normalization. bool: the same boolean. date: the same calendar day. timestamp: the same
 * instant to the microsecond, however either side spells it.
 */
export const COMPARE_BY_KIND: {
  readonly [K in ColumnKind]: (pushed: NormalizedValueMap[K], observed: unknown, type: ColumnType) => boolean
} = {
  int64: (pushed, observed) => OBSERVED_AS.int64(observed) === pushed,
  int32: (pushed, observed) => OBSERVED_AS.int32(observed) === pushed,
  float64: (pushed, observed) => {
    const seen = OBSERVED_AS.float64(observed)
    if (seen === undefined) return false
    return Number.isNaN(pushed) ? Number.isNaN(seen) : seen === pushed
  },
  text: (pushed, observed) => OBSERVED_AS.text(observed) === pushed,
  bool: (pushed, observed) => OBSERVED_AS.bool(observed) === pushed,
  date: (pushed, observed) => OBSERVED_AS.date(observed) === pushed,
  timestamp: (pushed, observed) => OBSERVED_AS.timestamp(observed) === pushed,
  int16: (pushed, observed) => OBSERVED_AS.int16(observed) === pushed,
  decimal: (pushed, observed, type) => OBSERVED_AS.decimal(observed, type) === pushed,
  timestamp_ntz: (pushed, observed) => OBSERVED_AS.timestamp_ntz(observed) === pushed,
  time: (pushed, observed) => OBSERVED_AS.time(observed) === pushed,
}

/**
 * Whether the observed value (the service's JSON) is the pushed one (canonical, from normalizeValue) for a
 * column of `type`. NULL equals only NULL: an empty text is not NULL, and NULL is not NaN.
 */
export function sameCanonical(type: ColumnType, pushed: NormalizedValue, observed: unknown): boolean {
  if (pushed === null) return observed === null || observed === undefined
  if (observed === null || observed === undefined) return false
  return (COMPARE_BY_KIND[type.kind] as (p: NormalizedValue, o: unknown, t: ColumnType) => boolean)(
    pushed,
    observed,
    type,
  )
}

/**
 * Compares a pushed value, in any form the column accepts (a timestamp as Date, ISO string or bigint
 * microseconds), with the VizQL Data Service's JSON spelling of the stored one, by the column's declared kind.
 * A pushed value the column does not accept is an {@link InvalidValue} (it cannot have been pushed).
 *
 * @example
 * ```ts
 * import { text, timestamp } from 'hyperdelta'
 * import { sameColumnValue } from './verify-compare.js'
 * sameColumnValue(timestamp(), 1_700_000_000_000_005n, '2023-11-14T22:13:20.000005Z') // true
 * sameColumnValue(text(), '10:30 AM', '10:30 am') // false
 * ```
 */
export function sameColumnValue(type: ColumnType, pushed: unknown, observed: unknown): boolean | InvalidValue {
  const canonical = normalizeValue(type, pushed)
  return canonical instanceof InvalidValue ? canonical : sameCanonical(type, canonical, observed)
}

/** A canonical value as a map key: equal values of one kind, one key (int64 2^53 + 1 stays itself). */
export function canonicalKey(value: NormalizedValue): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'number:NaN'
  return `${typeof value}:${Object.is(value, -0) ? 0 : String(value)}`
}
