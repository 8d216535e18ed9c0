import {
  bool,
  type ColumnKind,
  type ColumnType,
  date,
  float64,
  int64,
  text,
  timestamp,
} from '../../schema/column-types.js'
import type { VdsFieldMetadata } from './vds.js'

/**
 * What the VizQL Data Service's `read-metadata` says about a published data source's columns, and
 * what it does not. Every fact about its answer's shape that hyperdelta relies on is here; all of it
 * is INFERRED (docs/protocol.md §10.5) from the public VDS OpenAPI description, and should be edited
 * here, and only here, if a real server disagrees.
 *
 * - `fieldName` or `fieldCaption` is the column's name as change files spell it (either may match; a
 *   caption may be prettified, so a data source none of whose fields match is treated as not
 *   describable rather than as missing every column).
 * - `dataType` is one of INTEGER, REAL, STRING, BOOLEAN, DATE, DATETIME (others: SPATIAL, UNKNOWN).
 * - It does NOT say: an integer's width (SMALLINT/INTEGER/BIGINT), whether REAL is DOUBLE or
 *   NUMERIC(p, s) (nor p and s), whether DATETIME has a time zone, how TIME is reported, or
 *   whether a column is nullable.
 */
export const VDS_DATA_TYPE_KINDS: Readonly<Record<string, readonly ColumnKind[]>> = {
  INTEGER: ['int64', 'int32', 'int16'],
  REAL: ['float64', 'decimal'],
  STRING: ['text'],
  BOOLEAN: ['bool'],
  DATE: ['date'],
  DATETIME: ['timestamp', 'timestamp_ntz'],
}

/** What the VDS cannot say about a column of this data type (the facts a check must skip). */
const NOT_SAID: Readonly<Record<string, string>> = {
  INTEGER: 'integer width',
  REAL: 'DOUBLE or NUMERIC, precision and scale',
  DATETIME: 'time zone',
}

/** One published column as the server describes it. */
export interface DescribedColumn {
  readonly name: string
  /** Every name the server gives the field (`fieldName`, `fieldCaption`). */
  readonly names: readonly string[]
  /** The server's own word for the type (VDS `dataType`). */
  readonly dataType: string
  /** The column kinds that type can be; empty when hyperdelta has none for it. */
  readonly kinds: readonly ColumnKind[]
  /** A column type that holds every value of the server's type (the widest of `kinds`), or undefined. */
  readonly widest: ColumnType | undefined
  /** Facts the server does not give for this column (always includes nullability). */
  readonly notAvailable: readonly string[]
}

const WIDEST: Readonly<Record<string, ColumnType>> = {
  INTEGER: int64({ nullable: true }),
  REAL: float64({ nullable: true }),
  STRING: text({ nullable: true }),
  BOOLEAN: bool({ nullable: true }),
  DATE: date({ nullable: true }),
  DATETIME: timestamp({ nullable: true }),
}

/** The described columns of a `read-metadata` answer. */
export function describedColumns(fields: readonly VdsFieldMetadata[]): DescribedColumn[] {
  return fields.flatMap((f) => {
    const names = [...new Set([f.fieldName, f.fieldCaption].filter((n): n is string => typeof n === 'string'))]
    const name = f.fieldCaption ?? f.fieldName
    if (name === undefined) return []
    const dataType = (f.dataType ?? 'UNKNOWN').toUpperCase()
    const extra = NOT_SAID[dataType]
    return [
      {
        name,
        names,
        dataType,
        kinds: VDS_DATA_TYPE_KINDS[dataType] ?? [],
        widest: WIDEST[dataType],
        notAvailable: extra ? [extra, 'nullability'] : ['nullability'],
      },
    ]
  })
}
