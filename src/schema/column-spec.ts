import {
  bool,
  COLUMN_KINDS,
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
} from './column-types.js'

/** The schema-file spellings of column types: each kind's name, `decimal(p, s)`, and `?` for nullable. */
export const COLUMN_SPEC_HINT = `${COLUMN_KINDS.filter((k) => k !== 'decimal').join(', ')}, decimal(p, s); ? = nullable`

const FACTORIES: Readonly<Record<string, (o: { nullable: boolean }) => ColumnType>> = {
  int64,
  int32,
  int16,
  float64,
  text,
  bool,
  date,
  timestamp: (o) => timestamp(o),
  timestamp_ntz: (o) => timestamp({ ...o, timeZone: false }),
  time,
}

/**
 * The column type a schema-file spec names (`"int64"`, `"decimal(21, 1)?"`, the inverse of
 * `describeColumnType`), or undefined when it names none.
 */
export function parseColumnSpec(spec: unknown): ColumnType | undefined {
  if (typeof spec !== 'string') return undefined
  const nullable = spec.endsWith('?')
  const name = (nullable ? spec.slice(0, -1) : spec).trim()
  const dec = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(name)
  if (dec) {
    try {
      return decimal(Number(dec[1]), Number(dec[2]), { nullable })
    } catch {
      return undefined
    }
  }
  return Object.hasOwn(FACTORIES, name) ? FACTORIES[name]!({ nullable }) : undefined
}
