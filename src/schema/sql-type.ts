import type { ColumnType } from './column-types.js'
import { formatDecimal } from './decimal.js'
import { formatMicrosIso, formatTimeMicros } from './temporal.js'
import type { NormalizedValue } from './values.js'

/**
 * The SQL (DuckDB, and Hyper's own names) type of each column kind: what the emulator creates,
 * what nightly CDC compares in, and what a change file of the kind reads back as.
 */
export function sqlTypeOf(column: ColumnType): string {
  switch (column.kind) {
    case 'int64':
      return 'BIGINT'
    case 'int32':
      return 'INTEGER'
    case 'int16':
      return 'SMALLINT'
    case 'float64':
      return 'DOUBLE'
    case 'decimal':
      return `DECIMAL(${column.precision ?? 38},${column.scale ?? 0})`
    case 'text':
      return 'VARCHAR'
    case 'bool':
      return 'BOOLEAN'
    case 'date':
      return 'DATE'
    case 'timestamp':
      // Instants in UTC; connections run with TimeZone=UTC so casts are deterministic.
      return 'TIMESTAMP WITH TIME ZONE'
    case 'timestamp_ntz':
      return 'TIMESTAMP'
    case 'time':
      return 'TIME'
  }
}

/**
 * A normalized value of the kinds an appender has no typed call for (decimal, time, timestamp_ntz)
 * as SQL text that casts exactly to {@link sqlTypeOf}.
 */
export function sqlValueText(column: ColumnType, value: Exclude<NormalizedValue, null>): string {
  switch (column.kind) {
    case 'decimal':
      return formatDecimal(value as bigint, column.scale ?? 0)
    case 'time':
      return formatTimeMicros(value as bigint)
    case 'timestamp':
    case 'timestamp_ntz':
      return formatMicrosIso(value as bigint)
        .replace('T', ' ')
        .replace('Z', '')
    default:
      return String(value)
  }
}
