import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse'
import type { ColumnType, Table } from '../index.js'
import { HyperdeltaError } from '../index.js'
import { setOwn } from '../wire.js'
import { parseJsonText, unreadableFile } from './input-files.js'

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|[+-]?Infinity)$/

function inputError(file: string, line: number, column: string, message: string): HyperdeltaError {
  return new HyperdeltaError('INPUT_INVALID', `${file}:${line}: column "${column}": ${message}`, {
    details: { file, line, column },
  })
}

/**
 * Header names must be unique and plain: a repeated name would silently drop a column, and `__proto__`
 * (or another Object.prototype name) would reach an object's prototype instead of a field.
 */
function checkHeader(file: string, header: string[], table: Table): string[] {
  const seen = new Map<string, number>()
  header.forEach((name, index) => {
    const at = `${file}:1: column ${index + 1}`
    if (name === '') throw headerError(file, index, `${at} has no name`)
    if (name in Object.prototype) throw headerError(file, index, `${at}: "${name}" is not allowed as a column name`)
    const first = seen.get(name)
    if (first !== undefined)
      throw headerError(file, index, `${at}: "${name}" repeats column ${first + 1}; column names must be unique`)
    seen.set(name, index)
  })
  const missing = table.columnNames.find((c) => !seen.has(c))
  if (missing !== undefined) throw missingColumn(file, 1, missing, 'header')
  return header
}

/** A declared column the input lacks: it would be NULL in every row (an upsert would overwrite values with NULL). */
function missingColumn(file: string, line: number, column: string, from: 'header' | 'object'): HyperdeltaError {
  const how = from === 'header' ? 'an empty field is NULL' : 'write null for NULL'
  return new HyperdeltaError(
    'INPUT_INVALID',
    `${file}:${line}: column "${column}" is missing from the ${from}; the table declares it and a missing column is never read as NULL (${how})`,
    { details: { file, line, column } },
  )
}

function headerError(file: string, index: number, message: string): HyperdeltaError {
  return new HyperdeltaError('INPUT_INVALID', message, { details: { file, line: 1, column: index + 1 } })
}

interface CsvParseError {
  code: string
  lines?: number
  index?: number
  column?: string | number
  message: string
}

/** A csv-parse error as an INPUT_INVALID naming the file, the line and the column. */
function csvError(file: string, error: CsvParseError, recordStartLine: number): HyperdeltaError {
  const field = error.index === undefined ? 1 : error.index + 1
  const name = typeof error.column === 'string' ? ` ("${error.column}")` : ''
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new HyperdeltaError(
      'INPUT_INVALID',
      `${file}:${recordStartLine}: column ${field}${name}: a quote opened in the record starting here is never closed`,
      { details: { file, line: recordStartLine, column: field } },
    )
  }
  const line = error.lines ?? recordStartLine
  const what =
    error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
      ? 'the row has a different number of fields than the header'
      : error.message
  return new HyperdeltaError('INPUT_INVALID', `${file}:${line}: column ${field}${name}: ${what}`, {
    details: { file, line, column: field, csvCode: error.code },
  })
}

/** A read stream whose open/read errors reach `target` (pipe() alone leaves them unhandled and crashes). */
function fileStream(file: string, onError: (error: HyperdeltaError) => void) {
  return createReadStream(file).on('error', (error) => onError(unreadableFile('--input', file, error)))
}

/** One CSV field as the column's JS value (null = NULL). Numbers must look like numbers; nothing is guessed. */
function csvValue(type: ColumnType, raw: string | null): unknown {
  if (raw === null) return null
  switch (type.kind) {
    case 'int64':
      if (!INTEGER.test(raw)) throw new Error(`"${raw}" is not an integer`)
      return BigInt(raw)
    case 'int32':
    case 'int16':
      if (!INTEGER.test(raw)) throw new Error(`"${raw}" is not an integer`)
      return Number(raw)
    case 'float64':
      if (!NUMBER.test(raw)) throw new Error(`"${raw}" is not a number`)
      return Number(raw)
    case 'bool':
      if (raw !== 'true' && raw !== 'false') throw new Error(`"${raw}" is not true or false`)
      return raw === 'true'
    default:
      return raw // text, decimal, date, timestamp and time text are validated (exactly) by the change-file writer
  }
}

/**
 * Rows of a CSV file with a header line, typed by `table`, streamed. Unknown header columns are kept
 * (the change-file writer rejects them by default) so nothing is dropped silently; a header without one of the
 * table's columns, or no header at all, is an error (the column would be NULL in every row).
 */
export async function* readCsvRows(file: string, table: Table): AsyncGenerator<Record<string, unknown>> {
  let header = false
  const csv = parse({
    columns: (names: string[]) => {
      header = true
      return checkHeader(file, names, table)
    },
    info: true,
    skip_empty_lines: true,
    bom: true,
    // An unquoted empty field is NULL; a quoted "" stays the empty string.
    cast: (value, context) => (!context.header && value === '' && !context.quoting ? null : value),
  })
  const input = fileStream(file, (error) => csv.destroy(error))
  const parser = input.pipe(csv) as AsyncIterable<{
    record: Record<string, string | null>
    info: { lines: number }
  }>
  let lastLine = 1
  const records = (async function* () {
    try {
      yield* parser
    } catch (error) {
      if (error instanceof HyperdeltaError) throw error
      throw csvError(file, error as CsvParseError, lastLine + 1)
    } finally {
      input.destroy()
    }
  })()
  for await (const { record, info } of records) {
    lastLine = info.lines
    const row: Record<string, unknown> = {}
    for (const [name, raw] of Object.entries(record)) {
      const type = table.columns[name]
      if (!type) {
        setOwn(row, name, raw)
        continue
      }
      try {
        setOwn(row, name, csvValue(type, raw))
      } catch (error) {
        throw inputError(file, info.lines, name, (error as Error).message)
      }
    }
    yield row
  }
  const first = table.columnNames[0]
  if (!header && first !== undefined) throw missingColumn(file, 1, first, 'header')
}

/**
 * Rows of a newline-delimited JSON file, streamed. JSON numbers cannot carry int64 exactly, so int64
 * columns take a string of digits or a safe integer; an unsafe number is an error, never rounded. Every line
 * holds each of the table's columns; `null` is NULL, a missing key an error.
 */
export async function* readNdjsonRows(file: string, table: Table): AsyncGenerator<Record<string, unknown>> {
  const input = createReadStream(file, 'utf8')
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  // Some Node versions' readline do not forward the input's errors (the loop would end as if the file
  // were empty); the race makes a read error reject either way.
  const failure = new Promise<never>((_, reject) => {
    input.once('error', (error) => reject(unreadableFile('--input', file, error)))
  })
  failure.catch(() => {})
  let lineNo = 0
  try {
    const iterator = lines[Symbol.asyncIterator]()
    for (;;) {
      const next = await Promise.race([iterator.next(), failure]).catch((error: unknown) => {
        throw error instanceof HyperdeltaError ? error : unreadableFile('--input', file, error)
      })
      if (next.done) break
      const line = next.value
      lineNo += 1
      if (lineNo === 1 && line.startsWith('\uFEFF')) {
        throw new HyperdeltaError(
          'INPUT_INVALID',
          `${file}:1:1: starts with a byte-order mark (U+FEFF); NDJSON is UTF-8 without one: save the file without BOM`,
          { details: { file, line: 1, column: 1 } },
        )
      }
      if (line.trim() === '') continue
      const row = parseJsonText(file, line, lineNo) as Record<string, unknown>
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new HyperdeltaError('INPUT_INVALID', `${file}:${lineNo}:1: expected a JSON object per line`, {
          details: { file, line: lineNo, column: 1 },
        })
      }
      const missing = table.columnNames.find((c) => !Object.hasOwn(row, c))
      if (missing !== undefined) throw missingColumn(file, lineNo, missing, 'object')
      yield convertInt64(file, lineNo, table, row)
    }
  } finally {
    lines.close()
    input.destroy()
  }
}

/** int64 columns from JSON: a string of digits or a safe integer; an unsafe number is an error, never rounded. */
function convertInt64(file: string, lineNo: number, table: Table, row: Record<string, unknown>) {
  for (const [name, type] of Object.entries(table.columns)) {
    const value = row[name]
    if (type.kind !== 'int64' || value === null || value === undefined) continue
    if (typeof value === 'string') {
      if (!INTEGER.test(value)) throw inputError(file, lineNo, name, `"${value}" is not an integer`)
      row[name] = BigInt(value)
    } else if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw inputError(
        file,
        lineNo,
        name,
        `${value} is beyond 2^53 and lost precision in JSON; write int64 values as strings`,
      )
    }
  }
  return row
}
