import { endianness } from 'node:os'
import type { ColumnType } from '../schema/column-types.js'
import { InvalidValue, type NormalizedValue, normalizeValue } from '../schema/values.js'

/**
 * Copies one row object's values into the batch columns at position `i`, validating each, and
 * returns the PLAIN bytes of its text values. Calls `invalid(j, reason)` (which
 * throws) for a bad value in column `j` and `unknown(key)` (which throws) for an undeclared key.
 */
export type RowReader = (
  record: Record<string, unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: typed arrays, arrays and TextColumns, per column kind
  columns: readonly any[],
  i: number,
  invalid: (column: number, reason: string) => never,
  unknown: (key: string) => never,
  /** Per column: a little-endian word view of a BigInt64Array column, for values written without a BigInt. */
  words: readonly (Int32Array | undefined)[],
) => number

/**
 * Inline accept tests per kind: each is a strict subset of `normalizeValue`'s accepted inputs and
 * keeps the value as is (same result). Everything else, including every error, goes through
 * `normalizeValue`, the one source of truth for the rules.
 */
const FAST_ACCEPT: Record<ColumnType['kind'], ((v: string) => string) | undefined> = {
  // In range exactly when wrapping to 64 bits changes nothing: a third of the cost of two compares.
  int64: (v) => `typeof ${v} === 'bigint' && BigInt.asIntN(64, ${v}) === ${v}`,
  timestamp: (v) => `typeof ${v} === 'bigint' && BigInt.asIntN(64, ${v}) === ${v}`,
  int32: (v) => `typeof ${v} === 'number' && (${v} | 0) === ${v}`,
  int16: (v) => `typeof ${v} === 'number' && ((${v} << 16) >> 16) === ${v}`,
  // Inputs are whole values or text: the unscaled form always comes from normalizeValue.
  decimal: undefined,
  timestamp_ntz: (v) => `typeof ${v} === 'bigint' && BigInt.asIntN(64, ${v}) === ${v}`,
  time: undefined,
  float64: (v) => `typeof ${v} === 'number' && ${v} - ${v} === 0`,
  text: (v) => `typeof ${v} === 'string' && ${v}.isWellFormed()`,
  bool: (v) => `typeof ${v} === 'boolean'`,
  date: undefined,
}

/**
 * Inline conversions of the common non-canonical inputs, tried after FAST_ACCEPT and before
 * `normalizeValue`: a `Date` (what users build timestamps from) in the form `normalizeValue` gives
 * it. Each leaves `v` unchanged when it does not apply (an Invalid Date included), so the slow path
 * still decides and words every error.
 */
const FAST_CONVERT: Partial<Record<ColumnType['kind'], (v: string) => string>> = {
  // µs of a valid Date are a safe integer up to ±2^53 (year 2255) and always within int64.
  timestamp: (v) => `if (${v} instanceof Date && Number.isSafeInteger(t = ${v}.getTime() * 1000)) ${v} = BigInt(t)`,
  timestamp_ntz: (v) => `if (${v} instanceof Date && Number.isSafeInteger(t = ${v}.getTime() * 1000)) ${v} = BigInt(t)`,
  date: (v) => `if (${v} instanceof Date && (t = ${v}.getTime()) % 86400000 === 0) ${v} = t / 86400000`,
}

const DATE_WORDS = new Set<ColumnType['kind']>(['timestamp', 'timestamp_ntz'])
const LITTLE_ENDIAN = endianness() === 'LE'

/**
 * Builds a {@link RowReader} specialised to the table's columns. Why generated code: a generic loop
 * reads `record[name]` with a different key each time and calls a different validator each time,
 * which V8 cannot specialise; the generated function reads each column by a constant key and inlines
 * its check, several times faster per value (bench/results.md, "Measurements behind design choices"). Column names only ever appear as
 * `JSON.stringify`-quoted string literals.
 */
export function compileRowReader(
  names: readonly string[],
  types: readonly ColumnType[],
  checkUnknownKeys: boolean,
): RowReader {
  const lines: string[] = ['let v', 'let t', 'let bytes = 0']
  if (checkUnknownKeys) {
    const known = names.map((n) => `k !== ${JSON.stringify(n)}`).join(' && ')
    lines.push(`for (const k in record) if (${known || 'true'} && Object.hasOwn(record, k)) unknown(k)`)
  }
  types.forEach((type, j) => {
    lines.push(`v = record[${JSON.stringify(names[j])}]`)
    const fast = FAST_ACCEPT[type.kind]
    const slow = `{ v = slow[${j}](v); if (v instanceof InvalidValue) invalid(${j}, v.reason) }`
    const convert = FAST_CONVERT[type.kind]
    if (DATE_WORDS.has(type.kind) && !type.nullable && LITTLE_ENDIAN) {
      // A Date's µs written as the column's two int64 words: no BigInt for each row's timestamp.
      lines.push(
        `if (v instanceof Date && Number.isSafeInteger(t = v.getTime() * 1000)) { words[${j}][2 * i] = t >>> 0; words[${j}][2 * i + 1] = Math.floor(t / 4294967296) } else {`,
        `if (!(${fast!('v')})) ${slow}`,
        `columns[${j}][i] = v }`,
      )
      return
    }
    if (convert) lines.push(`if (!(${fast ? fast('v') : 'false'})) { ${convert('v')}; else ${slow} }`)
    else lines.push(fast ? `if (!(${fast('v')})) ${slow}` : slow)
    // Text is encoded right away (TextColumn.push), counting its UTF-8 bytes and length prefix.
    if (type.kind === 'text') lines.push(`bytes += 4 + columns[${j}].push(v)`)
    // A boolean stored into a Uint8Array goes through a generic conversion; a number does not.
    else if (type.kind === 'bool' && !type.nullable) lines.push(`columns[${j}][i] = v ? 1 : 0`)
    else lines.push(`columns[${j}][i] = v`)
  })
  lines.push('return bytes')
  const slow = types.map(
    (type) =>
      (value: unknown): NormalizedValue | InvalidValue =>
        normalizeValue(type, value),
  )
  const factory = new Function(
    'InvalidValue',
    'slow',
    `return function readRow(record, columns, i, invalid, unknown, words) {\n${lines.join('\n')}\n}`,
  )
  return factory(InvalidValue, slow) as RowReader
}
