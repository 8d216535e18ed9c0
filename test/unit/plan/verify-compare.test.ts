import { describe, expect, it } from 'vitest'
import {
  bool,
  type ColumnType,
  date,
  decimal,
  float64,
  int16,
  int32,
  int64,
  text,
  time,
  timestamp,
} from '../../../src/index.js'
import { COMPARE_BY_KIND, sameColumnValue } from '../../../src/plan/verify-compare.js'
import { InvalidValue } from '../../../src/wire.js'

// One compare per declared kind: every pushed form the kind accepts against the service's JSON spelling.
// `same`: must read as verified (no false mismatch); `differs`: must read as a mismatch (no false "verified").
type Case = [pushed: unknown, observed: unknown]
const kinds: [string, ColumnType, same: Case[], differs: Case[]][] = [
  [
    'int64',
    int64({ nullable: true }),
    [
      [2n ** 53n + 1n, '9007199254740993'],
      [-(2n ** 63n), '-9223372036854775808'],
      [42n, 42],
      [42, 42],
      [42n, '42'],
      [null, null],
    ],
    [
      [2n ** 53n + 1n, '9007199254740992'],
      [2n ** 53n + 1n, 9007199254740992], // rounded on the way: cannot be the pushed integer
      [2n ** 53n, 9007199254740992 * 1], // an unsafe JSON number is never trusted
      [42n, 43],
      [42n, '42.0'],
      [42n, ' 42'],
      [42n, true],
      [42n, null],
      [null, 0],
    ],
  ],
  [
    'int32',
    int32({ nullable: true }),
    [
      [-(2 ** 31), -2147483648],
      [7, '7'],
      [0, 0],
    ],
    [
      [7, 8],
      [7, 7.5],
      [7, '7a'],
      [0, null],
      [null, 0],
    ],
  ],
  [
    'float64',
    float64({ nullable: true, allowNonFinite: true }),
    [
      [1.5, 1.5],
      [0.1 + 0.2, 0.30000000000000004],
      [-0, 0], // policy: a JSON number does not reliably keep the sign of zero
      [0, -0],
      [Number.NaN, 'NaN'],
      [Number.NaN, Number.NaN],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ],
    [
      [0.3, 0.30000000000000004],
      [1.5, '1.5'],
      [Number.NaN, null], // NULL is not NaN
      [null, 'NaN'],
      [Number.NaN, 0],
      [Number.POSITIVE_INFINITY, '-Infinity'],
      [Number.POSITIVE_INFINITY, 1.7976931348623157e308],
      [1, true],
    ],
  ],
  [
    'text',
    text({ nullable: true }),
    [
      ['Hello', 'Hello'],
      ['', ''],
      ['10:30 AM', '10:30 AM'],
      ['日本 😀', '日本 😀'],
      ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    ],
    [
      ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'], // the same instant, but not the same text
      ['2024-01-01T10:30:00+02:00', '2024-01-01T08:30:00Z'],
      ['10:30 AM', '10:30 am'],
      ['10:30 AM', '10:30 AM '],
      ['at 10:30', 'at 10:3'],
      ['café', 'cafe\u0301'], // NFC vs NFD: other code units
      ['', null], // empty text is not NULL
      [null, ''],
      ['1', 1],
      ['true', true],
    ],
  ],
  [
    'bool',
    bool({ nullable: true }),
    [
      [true, true],
      [false, false],
    ],
    [
      [true, false],
      [false, null],
      [true, 'true'],
      [true, 1],
    ],
  ],
  [
    'date',
    date({ nullable: true }),
    [
      ['2024-02-29', '2024-02-29'],
      [new Date(Date.UTC(2024, 1, 29)), '2024-02-29'],
      ['0000-02-29', '0000-02-29'],
    ],
    [
      ['2024-02-29', '2024-03-01'],
      ['2024-02-29', '2024-02-29T00:00:00Z'],
      ['2024-02-29', '20240229'],
      ['2024-02-29', null],
    ],
  ],
  [
    'timestamp',
    timestamp({ nullable: true }),
    [
      [1_700_000_000_000_005n, '2023-11-14T22:13:20.000005Z'], // bigint microseconds
      [new Date('2023-11-14T22:13:20.123Z'), '2023-11-14T22:13:20.123Z'],
      ['2023-11-14T23:13:20+01:00', '2023-11-14T22:13:20Z'], // same instant, other offset
      ['2023-11-14T22:13:20Z', '2023-11-14T22:13:20.000000Z'],
      ['2023-11-14T22:13:20Z', '2023-11-14 22:13:20'], // no zone: UTC
      [1_700_000_000_000_000n, '2023-11-14T22:13:20Z'],
    ],
    [
      [1_700_000_000_000_005n, '2023-11-14T22:13:20Z'], // a lost microsecond is a difference
      [1_700_000_000_000_005n, '2023-11-14T22:13:20.000006Z'],
      [new Date('2023-11-14T22:13:20.123Z'), '2023-11-14T22:13:20.124Z'],
      ['2023-11-14T22:13:20Z', '2023-11-14T22:13:20+01:00'],
      ['2023-11-14T22:13:20Z', '2023-11-14'],
      ['2023-11-14T22:13:20Z', 1700000000000],
      ['2023-11-14T22:13:20Z', null],
      [null, '2023-11-14T22:13:20Z'],
    ],
  ],

  [
    'int16',
    int16({ nullable: true }),
    [
      [-32768, -32768],
      [7, '7'],
      [null, null],
    ],
    [
      [7, 8],
      [7, '7.0'],
      [7, null],
    ],
  ],
  [
    'decimal',
    decimal(21, 2, { nullable: true }),
    [
      ['12.30', '12.3'],
      ['12.30', 12.3],
      ['-0.05', '-0.050'],
      ['1234567890123456789.01', '1234567890123456789.01'],
      [5n, '5.00'],
      [null, null],
    ],
    [
      ['12.30', '12.31'],
      // a JSON number that rounded on the way never verifies a wide decimal
      ['1234567890123456789.01', 1_234_567_890_123_456_800],
      ['12.30', '12.305'],
      ['12.30', 'twelve'],
      ['12.30', null],
    ],
  ],
  [
    'timestamp_ntz',
    timestamp({ timeZone: false, nullable: true }),
    [
      ['2024-03-01T10:00:00', '2024-03-01T10:00:00'],
      ['2024-03-01T10:00:00.000001', '2024-03-01T10:00:00.000001Z'],
      [null, null],
    ],
    [
      ['2024-03-01T10:00:00', '2024-03-01T10:00:01'],
      ['2024-03-01T10:00:00', '2024-03-01'],
      ['2024-03-01T10:00:00', null],
    ],
  ],
  [
    'time',
    time({ nullable: true }),
    [
      ['10:30', '10:30:00'],
      ['23:59:59.999999', '23:59:59.999999'],
      [null, null],
    ],
    [
      ['10:30', '10:30:01'],
      ['10:30', '10:30 AM'],
      ['10:30', null],
    ],
  ],
]

describe.each(kinds)('%s: compared by the declared kind', (_kind, type, same, differs) => {
  it.each(same)('%s reads back as %s: the same value', (pushed, observed) => {
    expect(sameColumnValue(type, pushed, observed)).toBe(true)
  })
  it.each(differs)('%s read back as %s: a mismatch', (pushed, observed) => {
    expect(sameColumnValue(type, pushed, observed)).toBe(false)
  })
})

describe('sameColumnValue', () => {
  it('has one compare per column kind', () => {
    expect(Object.keys(COMPARE_BY_KIND).sort()).toEqual(kinds.map(([k]) => k).sort())
  })

  it('a pushed value the column does not take is an InvalidValue, never compared by its look', () => {
    expect(sameColumnValue(timestamp(), 1_700_000_000_000, '2023-11-14T22:13:20Z')).toBeInstanceOf(InvalidValue)
    expect(sameColumnValue(text(), 5, '5')).toBeInstanceOf(InvalidValue)
    expect(sameColumnValue(int64(), '5', 5)).toBeInstanceOf(InvalidValue)
    expect(sameColumnValue(float64(), Number.NaN, 'NaN')).toBeInstanceOf(InvalidValue) // not allowed by the column
    expect(sameColumnValue(text(), null, null)).toBeInstanceOf(InvalidValue) // non-nullable
  })
})
