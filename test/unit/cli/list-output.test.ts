import { describe, expect, it } from 'vitest'
import type { CliIo } from '../../../src/cli/io.js'
import { escapeCell, formatList, type ListColumn, printList } from '../../../src/cli/list-output.js'

type Row = { id: string; name: string; n?: number }
const COLUMNS: ListColumn<Row>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'name', value: (r) => r.name },
  { header: 'n', value: (r) => r.n },
]
const ROWS: Row[] = [
  { id: 'a1', name: 'Orders', n: 3 },
  { id: 'b22222', name: 'Line\titems\nnext', n: 10 },
  { id: 'c', name: 'back\\slash\r' },
]

function io(isTTY?: boolean): { io: CliIo; out: () => string } {
  let out = ''
  const stdout = {
    write(s: string) {
      out += s
      return true
    },
    ...(isTTY !== undefined && { isTTY }),
  }
  const sink = { write: () => true }
  return { io: { stdout, stderr: sink, env: {}, signal: new AbortController().signal }, out: () => out }
}

describe('list output', () => {
  it('escapes tab, newline, carriage return, backslash and other control characters', () => {
    expect(escapeCell('a\tb\nc\rd\\e\x01f')).toBe('a\\tb\\nc\\rd\\\\e\\x01f')
    expect(escapeCell(undefined)).toBe('')
    expect(escapeCell(7)).toBe('7')
  })

  it('is TSV with a header and one line per row off a terminal (the default)', () => {
    const t = io()
    printList(t.io, false, ROWS, ROWS, COLUMNS)
    const lines = t.out().split('\n')
    expect(lines).toEqual([
      'id\tname\tn',
      'a1\tOrders\t3',
      'b22222\tLine\\titems\\nnext\t10',
      'c\tback\\\\slash\\r\t',
      '',
    ])
    for (const l of lines.slice(0, -1)) expect(l.split('\t')).toHaveLength(3)
  })

  it('is an aligned table with a header on a terminal', () => {
    const t = io(true)
    printList(t.io, false, ROWS, ROWS, COLUMNS)
    expect(t.out()).toBe(
      [
        'id      name               n',
        'a1      Orders             3',
        'b22222  Line\\titems\\nnext  10',
        'c       back\\\\slash\\r',
        '',
      ].join('\n'),
    )
    expect(t.out()).not.toContain('\t')
  })

  it('prints the whole value as JSON with --json, on a terminal too', () => {
    const t = io(true)
    printList(t.io, true, { rows: ROWS, size: 3n }, ROWS, COLUMNS)
    expect(JSON.parse(t.out())).toEqual({ rows: ROWS, size: '3' })
  })

  it('prints only the header for an empty list', () => {
    expect(formatList([], COLUMNS, false)).toBe('id\tname\tn\n')
  })
})
