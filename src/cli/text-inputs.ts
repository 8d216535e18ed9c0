import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse'
import { HyperdeltaError } from '../errors.js'
import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { setOwn } from '../schema/own-property.js'

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|[+-]?Infinity)$/

function inputError(file: string, line: number, column: string, message: string): HyperdeltaError {
  return new HyperdeltaError('INPUT_INVALID', `input: ${file}:${line}: column "${column}": ${message}`, {
    details: { file, line, column },
  })
}

/** One CSV field as the column's JS value (null = NULL). Numbers must look like numbers; nothing is guessed. */
function csvValue(type: ColumnType, raw: string | null): unknown {
  if (raw === null) return null
  switch (type.kind) {
    case 'int64':
      if (!INTEGER.test(raw)) throw new Error(`"${raw}" is not an integer`)
      return BigInt(raw)
    case 'int32':
      if (!INTEGER.test(raw)) throw new Error(`"${raw}" is not an integer`)
      return Number(raw)
    case 'float64':
      if (!NUMBER.test(raw)) throw new Error(`"${raw}" is not a number`)
      return Number(raw)
    case 'bool':
      if (raw !== 'true' && raw !== 'false') throw new Error(`"${raw}" is not true or false`)
      return raw === 'true'
    default:
      return raw // text, date (YYYY-MM-DD) and timestamp (ISO-8601) are validated by the change-file writer
  }
}

/**
 * Rows of a CSV file with a header line, typed by `table`, streamed. Unknown header columns are kept
 * (the change-file writer rejects them by default) so nothing is dropped silently.
 */
export async function* readCsvRows(file: string, table: Table): AsyncGenerator<Record<string, unknown>> {
  const parser = createReadStream(file).pipe(
    parse({
      columns: true,
      info: true,
      skip_empty_lines: true,
      bom: true,
      // An unquoted empty field is NULL; a quoted "" stays the empty string.
      cast: (value, context) => (!context.header && value === '' && !context.quoting ? null : value),
    }),
  ) as AsyncIterable<{ record: Record<string, string | null>; info: { lines: number } }>
  for await (const { record, info } of parser) {
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
}

/**
 * Rows of a newline-delimited JSON file, streamed. JSON numbers cannot carry int64 exactly, so int64
 * columns take a string of digits or a safe integer; an unsafe number is an error, never rounded.
 */
export async function* readNdjsonRows(file: string, table: Table): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })
  let lineNo = 0
  for await (const line of lines) {
    lineNo += 1
    if (line.trim() === '') continue
    let row: Record<string, unknown>
    try {
      row = JSON.parse(line)
    } catch (error) {
      throw new HyperdeltaError(
        'INPUT_INVALID',
        `input: ${file}:${lineNo}: not valid JSON (${(error as Error).message})`,
        {
          details: { file, line: lineNo },
        },
      )
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new HyperdeltaError('INPUT_INVALID', `input: ${file}:${lineNo}: expected a JSON object per line`, {
        details: { file, line: lineNo },
      })
    }
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
    yield row
  }
}
