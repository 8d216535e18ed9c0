import { type CliIo, jsonReplacer } from './io.js'

// The one way a command prints a list: `--json` always JSON; on a terminal an aligned table with a header;
// otherwise (a pipe, a file, cron) TSV with a header line, so `cut -f2` and spreadsheets read it. A value's tab,
// newline, carriage return and backslash are escaped (`\t`, `\n`, `\r`, `\\`) so one row stays one line.

/** One column of a list: its header and how a row shows in it. */
export interface ListColumn<T> {
  header: string
  value: (row: T) => string | number | boolean | undefined | null
}

/** A cell as one line: backslash, tab, newline and carriage return escaped, other control characters as \xNN. */
export function escapeCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return ''
  return String(value).replace(/[\\\t\n\r\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\') return '\\\\'
    if (c === '\t') return '\\t'
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
}

/** The rows as text: an aligned table with `tty`, TSV otherwise; a header line first either way. */
export function formatList<T>(rows: readonly T[], columns: readonly ListColumn<T>[], tty: boolean): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => escapeCell(c.value(r))))]
  if (!tty) return cells.map((row) => `${row.join('\t')}\n`).join('')
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)))
  return cells
    .map(
      (row) =>
        `${row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('')
}

/** Prints a list on stdout: `json` (the value, whole) as JSON, else `rows` in `columns` (table on a TTY, else TSV). */
export function printList<T>(
  io: CliIo,
  json: boolean,
  value: unknown,
  rows: readonly T[],
  columns: readonly ListColumn<T>[],
): number {
  io.stdout.write(
    json ? `${JSON.stringify(value, jsonReplacer, 2)}\n` : formatList(rows, columns, io.stdout.isTTY === true),
  )
  return 0
}
