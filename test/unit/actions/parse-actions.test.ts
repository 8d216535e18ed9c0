import { describe, expect, it } from 'vitest'
import { formatJsonPath } from '../../../src/actions/parse-actions.js'
import { type HyperdeltaError, isHyperdeltaError, parseActions } from '../../../src/index.js'

/** A valid const-only delete; cases below break one thing at a time. */
function del(condition: unknown, extra: Record<string, unknown> = {}): unknown {
  return { actions: [{ action: 'delete', 'target-schema': 'Extract', 'target-table': 'Extract', ...extra, condition }] }
}
const cmp = (op: string, v: unknown, type = 'integer') => ({ op, 'target-col': 'id', const: { type, v } })

function wireError(input: unknown): HyperdeltaError<'WIRE_INVALID'> {
  try {
    parseActions(input)
  } catch (e) {
    if (isHyperdeltaError(e, 'WIRE_INVALID')) return e
    throw e
  }
  throw new Error('parseActions accepted malformed input')
}

// [name, input, expected details.path, a fragment of the message]
const MALFORMED: [string, unknown, string, string][] = [
  ['const.v as a number', del(cmp('eq', 42)), 'actions[0].condition.const.v', 'must be a JSON string'],
  ['const.v as a boolean', del(cmp('eq', true, 'boolean')), 'actions[0].condition.const.v', 'JSON string'],
  ['unknown op', del(cmp('like', '1')), 'actions[0].condition.op', 'expected one of'],
  ['ne on the wire', del(cmp('ne', '1')), 'actions[0].condition.op', 'expected one of'],
  ['neq on the wire', del(cmp('neq', '1')), 'actions[0].condition.op', 'expected one of'],
  ['not on the wire', del({ op: 'not', args: [cmp('eq', '1')] }), 'actions[0].condition.op', 'expected one of'],
  ['symbolic = op', del(cmp('=', '1')), 'actions[0].condition.op', 'expected one of'],
  ['and() with zero args', del({ op: 'and', args: [] }), 'actions[0].condition.args', 'at least one'],
  [
    'or() with zero args nested',
    del({ op: 'and', args: [{ op: 'or', args: [] }] }),
    'actions[0].condition.args[0].args',
    'at least one',
  ],
  ['args not an array', del({ op: 'and', args: {} }), 'actions[0].condition.args', 'expected array'],
  ['condition null', del(null), 'actions[0].condition', 'expected object'],
  [
    'missing target-table',
    { actions: [{ action: 'insert', 'source-table': 's' }] },
    'actions[0]["target-table"]',
    'expected string',
  ],
  [
    'empty target-table',
    { actions: [{ action: 'insert', 'source-table': 's', 'target-table': '' }] },
    'actions[0]["target-table"]',
    'non-empty',
  ],
  [
    'unknown action',
    { actions: [{ action: 'merge', 'source-table': 's', 'target-table': 't' }] },
    'actions[0].action',
    'expected one of',
  ],
  [
    'update without condition',
    { actions: [{ action: 'update', 'source-table': 's', 'target-table': 't' }] },
    'actions[0].condition',
    '"update" requires a condition',
  ],
  [
    'upsert without condition',
    { actions: [{ action: 'upsert', 'source-table': 's', 'target-table': 't' }] },
    'actions[0].condition',
    '"upsert" requires a condition',
  ],
  [
    'delete without condition',
    { actions: [{ action: 'delete', 'target-table': 't' }] },
    'actions[0].condition',
    '"delete" requires a condition',
  ],
  [
    'insert with condition',
    { actions: [{ action: 'insert', 'source-table': 's', 'target-table': 't', condition: cmp('eq', '1') }] },
    'actions[0].condition',
    '"insert" takes no condition',
  ],
  [
    'replace with condition',
    { actions: [{ action: 'replace', 'source-table': 's', 'target-table': 't', condition: cmp('eq', '1') }] },
    'actions[0].condition',
    '"replace" takes no condition',
  ],
  [
    'insert without source-table',
    { actions: [{ action: 'insert', 'target-table': 't' }] },
    'actions[0]["source-table"]',
    'requires a source-table',
  ],
  [
    'source-col without source-table',
    del({ op: 'and', args: [cmp('eq', '1'), { op: 'eq', 'target-col': 'id', 'source-col': 'id' }] }),
    'actions[0].condition.args[1]["source-col"]',
    'needs a "source-table"',
  ],
  [
    'source-schema without source-table',
    del(cmp('eq', '1'), { 'source-schema': 'Extract' }),
    'actions[0]["source-schema"]',
    'needs a "source-table"',
  ],
  [
    'comparison with both source-col and const',
    del(
      { op: 'eq', 'target-col': 'id', 'source-col': 'id', const: { type: 'integer', v: '1' } },
      { 'source-table': 's' },
    ),
    'actions[0].condition',
    'exactly one of "source-col" or "const"',
  ],
  [
    'comparison with neither source-col nor const',
    del({ op: 'eq', 'target-col': 'id' }),
    'actions[0].condition',
    'exactly one of',
  ],
  [
    'comparison without target-col',
    del({ op: 'eq', const: { type: 'integer', v: '1' } }),
    'actions[0].condition["target-col"]',
    'expected string',
  ],
  ['bad integer string', del(cmp('eq', '1.5')), 'actions[0].condition.const.v', '"1.5" is not an integer'],
  ['integer with spaces', del(cmp('eq', ' 1')), 'actions[0].condition.const.v', 'is not an integer'],
  ['int64 overflow string', del(cmp('eq', '9223372036854775808')), 'actions[0].condition.const.v', 'outside int64'],
  ['int64 underflow string', del(cmp('eq', '-9223372036854775809')), 'actions[0].condition.const.v', 'outside int64'],
  ['bad double string', del(cmp('eq', 'NaN', 'double')), 'actions[0].condition.const.v', 'not a finite number'],
  [
    'double overflow to Infinity',
    del(cmp('eq', '1e400', 'double')),
    'actions[0].condition.const.v',
    'not a finite number',
  ],
  ['bad boolean string', del(cmp('eq', 'TRUE', 'boolean')), 'actions[0].condition.const.v', 'is not true or false'],
  [
    'naive datetime',
    del(cmp('eq', '2024-01-01T00:00:00', 'datetime')),
    'actions[0].condition.const.v',
    'ISO-8601 with Z or an offset',
  ],
  [
    'impossible datetime',
    del(cmp('eq', '2023-02-29T00:00:00Z', 'datetime')),
    'actions[0].condition.const.v',
    'ISO-8601',
  ],
  [
    'datetime below µs',
    del(cmp('eq', '2024-01-01T00:00:00.1234567Z', 'datetime')),
    'actions[0].condition.const.v',
    'ISO-8601',
  ],
  ['unknown const type', del(cmp('eq', '2024-01-01', 'date')), 'actions[0].condition.const.type', 'expected one of'],
  [
    'extra key on an action',
    del(cmp('eq', '1'), { 'source-file': 'x.hyper' }),
    'actions[0]["source-file"]',
    'Unrecognized key',
  ],
  [
    'extra key on a const',
    del({ op: 'eq', 'target-col': 'id', const: { type: 'integer', v: '1', value: 1 } }),
    'actions[0].condition.const.value',
    'Unrecognized key',
  ],
  [
    'extra key at the top level',
    { actions: [{ action: 'insert', 'source-table': 's', 'target-table': 't' }], dryRun: true },
    'dryRun',
    'Unrecognized key',
  ],
  ['empty actions', { actions: [] }, 'actions', 'at least one action'],
  ['missing actions', {}, 'actions', 'expected array'],
  ['action not an object', { actions: ['insert'] }, 'actions[0]', 'expected object'],
  ['non-object (array)', [], '(root)', 'expected object'],
  ['non-object (number)', 42, '(root)', 'expected object'],
  ['null', null, '(root)', 'expected object'],
]

describe('parseActions rejects malformed wire JSON with the JSON path', () => {
  it('has at least 15 cases', () => expect(MALFORMED.length).toBeGreaterThanOrEqual(15))

  it.each(MALFORMED)('%s', (_name, input, path, fragment) => {
    const e = wireError(input)
    expect(e.code).toBe('WIRE_INVALID')
    expect(e.retryable).toBe(false)
    expect(e.details.path).toBe(path)
    expect(e.message).toMatch(/^actions: /)
    expect(e.message).toContain(`${path}: `)
    expect(e.message).toContain(fragment)
  })

  it('also rejects the same input given as a JSON string', () => {
    const e = wireError(JSON.stringify(del(cmp('eq', 42))))
    expect(e.details.path).toBe('actions[0].condition.const.v')
  })

  it('rejects a string that is not JSON, at the root', () => {
    const e = wireError('{"actions": [')
    expect(e.code).toBe('WIRE_INVALID')
    expect(e.details.path).toBe('(root)')
    expect(e.message).toMatch(/^actions: not valid JSON/)
    expect(e.cause).toBeInstanceOf(SyntaxError)
  })

  it('points into the right action of a longer batch and lists every problem in details.issues', () => {
    const input = {
      actions: [
        { action: 'insert', 'source-table': 's', 'target-table': 't' },
        { action: 'delete', 'target-table': 't', condition: cmp('eq', 1) },
        { action: 'update', 'source-table': 's', 'target-table': 't' },
      ],
    }
    const e = wireError(input)
    expect(e.details.path).toBe('actions[1].condition.const.v')
    expect(e.message).toContain('(and 1 more)')
    expect(e.details.issues).toEqual([
      { path: 'actions[1].condition.const.v', message: expect.stringContaining('JSON string') },
      { path: 'actions[2].condition', message: '"update" requires a condition' },
    ])
  })
})

describe('parseActions accepts what the spec allows', () => {
  it('accepts offsets and fractions in datetime constants, and returns them unchanged', () => {
    for (const v of ['2007-12-03T10:15:30Z', '2007-12-03T10:15:30+0100', '2024-05-01T10:15:30.123456+02:00']) {
      const wire = parseActions(del(cmp('gte', v, 'datetime')))
      expect(wire.actions[0]!.condition).toEqual(cmp('gte', v, 'datetime'))
    }
  })

  it('accepts a delete with a source table and source-col, and a single-arg and()', () => {
    const input = {
      actions: [
        {
          action: 'delete',
          'source-table': 'gone',
          'target-table': 't',
          condition: { op: 'and', args: [{ op: 'eq', 'target-col': 'id', 'source-col': 'id' }] },
        },
      ],
    }
    expect(parseActions(input)).toEqual(input)
  })

  it('reads a key holding undefined as a key left out (as JSON does), and returns it without the key', () => {
    const built = {
      actions: [
        {
          action: 'upsert',
          'source-schema': undefined,
          'source-table': 'changes',
          'target-table': 't',
          condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id', const: undefined },
        },
        { action: 'insert', 'source-table': 'changes', 'target-table': 't', condition: undefined },
      ],
    }
    const wire = parseActions(built)
    expect(wire).toEqual(parseActions(JSON.parse(JSON.stringify(built))))
    expect(Object.keys(wire.actions[0]!)).toEqual(['action', 'source-table', 'target-table', 'condition'])
    expect(Object.keys(wire.actions[0]!.condition!)).toEqual(['op', 'target-col', 'source-col'])
    expect(Object.keys(wire.actions[1]!)).toEqual(['action', 'source-table', 'target-table'])
  })

  it('returns keys in the canonical order whatever the input order', () => {
    const scrambled = {
      actions: [
        {
          condition: { const: { v: 'Europe', type: 'string' }, 'target-col': 'Region', op: 'eq' },
          'target-schema': 'Extract',
          'target-table': 'Extract',
          action: 'delete',
        },
      ],
    }
    expect(JSON.stringify(parseActions(scrambled))).toBe(
      '{"actions":[{"action":"delete","target-schema":"Extract","target-table":"Extract",' +
        '"condition":{"op":"eq","target-col":"Region","const":{"type":"string","v":"Europe"}}}]}',
    )
  })
})

describe('formatJsonPath', () => {
  it('uses dots for identifiers, brackets for indexes and quoted keys', () => {
    expect(formatJsonPath([])).toBe('(root)')
    expect(formatJsonPath(['actions', 0, 'condition', 'args', 2, 'target-col'])).toBe(
      'actions[0].condition.args[2]["target-col"]',
    )
    expect(formatJsonPath([0, 'a'])).toBe('[0].a')
  })
})
