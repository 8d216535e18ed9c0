import type { SchemaElement } from 'hyparquet'
import type { ColumnType } from '../../schema/column-types.js'
import type { Table } from '../../schema/define-table.js'

function element(name: string, column: ColumnType): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED'
  switch (column.kind) {
    case 'int64':
      return { name, repetition_type, type: 'INT64' }
    case 'int32':
      return { name, repetition_type, type: 'INT32' }
    case 'int16':
      return {
        name,
        repetition_type,
        type: 'INT32',
        converted_type: 'INT_16',
        logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: true },
      }
    case 'decimal': {
      const precision = column.precision ?? 38
      const scale = column.scale ?? 0
      const wide = precision > 18
      return {
        name,
        repetition_type,
        type: wide ? 'FIXED_LEN_BYTE_ARRAY' : 'INT64',
        ...(wide && { type_length: 16 }),
        converted_type: 'DECIMAL',
        precision,
        scale,
        logical_type: { type: 'DECIMAL', precision, scale },
      }
    }
    case 'timestamp_ntz':
      return {
        name,
        repetition_type,
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' },
      }
    case 'time':
      return {
        name,
        repetition_type,
        type: 'INT64',
        logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' },
      }
    case 'float64':
      return { name, repetition_type, type: 'DOUBLE' }
    case 'text':
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'bool':
      return { name, repetition_type, type: 'BOOLEAN' }
    case 'date':
      return { name, repetition_type, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'timestamp':
      // Microseconds since the epoch, adjusted to UTC (DuckDB reads TIMESTAMP WITH TIME ZONE). The
      // legacy converted type is written too, as DuckDB's own COPY does, for older readers.
      return {
        name,
        repetition_type,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      }
  }
}

/** The flat Parquet schema of a table: one leaf per column, in declaration order. */
export function parquetSchema(table: Table): SchemaElement[] {
  return [
    { name: 'root', num_children: table.columnNames.length },
    ...table.columnNames.map((name) => element(name, table.columns[name]!)),
  ]
}
