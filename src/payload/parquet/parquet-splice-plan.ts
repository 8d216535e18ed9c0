import type { ColumnType } from '../../schema/column-types.js'
import type { Table } from '../../schema/define-table.js'
import { CODEC, ENCODING, physicalType } from './parquet-metadata.js'
import type { ValueCheck } from './parquet-page-checks.js'
import type { SourceChunk, SourceFooter, SourceGroup, SourceLeaf } from './parquet-source.js'

/**
 * Which parts of a Parquet input can be copied into change files as bytes. A column qualifies when
 * its physical and logical type store exactly the values the table's column accepts; a row group
 * qualifies when, in addition, its codec and encodings are ones we write ourselves or standard
 * dictionary encoding, and metadata proves what validation would otherwise check value by value
 * (no NULLs in a non-nullable column, dates inside the range a JS Date holds). Text and float64
 * values are checked on their pages (see parquet-page-checks.ts). Anything else is decoded and
 * validated row by row, so the single validation rule holds on every path.
 */

/**
 * Codecs kept as they are. INFERRED (the one place for it): the server reads spliced row groups as
 * DuckDB and hyparquet do — SNAPPY (what we write) or uncompressed pages, the encodings below,
 * data page v1, and a column's repetition as the source file declares it. Other codecs are re-encoded.
 */
const KEPT_CODECS: readonly number[] = [CODEC.SNAPPY, CODEC.UNCOMPRESSED]
/** Encodings kept as they are: PLAIN, dictionary encoding, and RLE / bit-packed levels. */
const KEPT_ENCODINGS: readonly number[] = [
  ENCODING.PLAIN,
  ENCODING.PLAIN_DICTIONARY,
  ENCODING.RLE_DICTIONARY,
  ENCODING.RLE,
  ENCODING.BIT_PACKED,
]
/** Days a JS Date can hold (±10^8 days around the epoch): `normalizeValue` rejects dates beyond. */
const MAX_DATE_DAYS = 100_000_000

// ConvertedType and LogicalType union ids (parquet.thrift).
const CONVERTED = { UTF8: 0, DATE: 6, TIMESTAMP_MICROS: 10, INT_8: 15, INT_16: 16, INT_32: 17, INT_64: 18 }
const LOGICAL = { STRING: 1, DATE: 6, TIMESTAMP: 8, INTEGER: 10 }

/** A table column's source: the file leaf it is copied from, and the page check its values need. */
export interface SplicedColumn {
  readonly leaf: number
  readonly check: ValueCheck | undefined
  readonly kind: ColumnType['kind']
  readonly nullable: boolean
}

function signedInteger(leaf: SourceLeaf, bits: number): boolean {
  if (leaf.logical) {
    if (leaf.logical.id !== LOGICAL.INTEGER) return false
    const width = Number(leaf.logical.fields[1])
    return leaf.logical.fields[2] === true && width <= bits
  }
  if (leaf.converted === undefined) return true
  return bits === 64 ? leaf.converted === CONVERTED.INT_64 : [15, 16, 17].includes(leaf.converted)
}

/** Whether the leaf stores exactly the column's values, and which page check they still need. */
function columnFits(column: ColumnType, leaf: SourceLeaf): { check: ValueCheck | undefined } | undefined {
  if (leaf.physical !== physicalType(column)) return undefined
  const { logical, converted } = leaf
  switch (column.kind) {
    case 'int64':
      return signedInteger(leaf, 64) ? { check: undefined } : undefined
    case 'int32':
      return signedInteger(leaf, 32) ? { check: undefined } : undefined
    case 'float64':
      if (logical || converted !== undefined) return undefined
      return { check: column.allowNonFinite ? undefined : 'finite' }
    case 'bool':
      return { check: undefined }
    case 'text': {
      const utf8 = logical ? logical.id === LOGICAL.STRING : converted === CONVERTED.UTF8
      return utf8 ? { check: 'utf8' } : undefined
    }
    case 'date': {
      const date = logical ? logical.id === LOGICAL.DATE : converted === CONVERTED.DATE
      return date ? { check: undefined } : undefined
    }
    case 'timestamp': {
      if (logical) {
        const unit = logical.fields[2] as Record<number, unknown> | undefined
        return logical.id === LOGICAL.TIMESTAMP && unit?.[2] !== undefined ? { check: undefined } : undefined
      }
      return converted === CONVERTED.TIMESTAMP_MICROS ? { check: undefined } : undefined
    }
    default:
      // int16, decimal, timestamp_ntz and time take the row path, which converts and checks each value.
      return undefined
  }
}

/**
 * The table's columns mapped onto the file's leaves, or undefined when the file as a whole must be
 * read row by row (nested, a table column missing, a type that needs conversion, or a column the
 * table does not define while `extraColumns` is 'error' — the row path reports that error).
 */
export function planColumns(
  table: Table,
  footer: SourceFooter,
  extraColumns: 'error' | 'ignore',
): SplicedColumn[] | undefined {
  if (!footer.flat) return undefined
  const byName = new Map(footer.leaves.map((leaf, i) => [leaf.name, i]))
  if (byName.size !== footer.leaves.length) return undefined
  if (extraColumns === 'error' && footer.leaves.some((leaf) => table.columns[leaf.name] === undefined)) return undefined
  const plan: SplicedColumn[] = []
  for (const name of table.columnNames) {
    const column = table.columns[name]!
    const index = byName.get(name)
    if (index === undefined) return undefined
    const fits = columnFits(column, footer.leaves[index]!)
    if (!fits) return undefined
    plan.push({ leaf: index, check: fits.check, kind: column.kind, nullable: column.nullable })
  }
  return plan
}

function int32Stat(value: unknown): number | undefined {
  if (!(value instanceof Uint8Array) || value.length !== 4) return undefined
  return new DataView(value.buffer, value.byteOffset, 4).getInt32(0, true)
}

/** What metadata alone proves about one chunk: kept codec and encodings, no NULLs where none may be, dates in range. */
function chunkProvable(column: SplicedColumn, leaf: SourceLeaf, chunk: SourceChunk): boolean {
  if (!KEPT_CODECS.includes(chunk.codec)) return false
  if (!chunk.encodings.every((e) => KEPT_ENCODINGS.includes(e))) return false
  if (!column.nullable && leaf.optional) {
    const nulls = chunk.statistics?.[3]
    if (nulls === undefined || BigInt(nulls as bigint) !== 0n) return false
  }
  if (column.kind === 'date') {
    const stats = chunk.statistics
    const min = int32Stat(stats?.[6] ?? stats?.[2])
    const max = int32Stat(stats?.[5] ?? stats?.[1])
    // An all-NULL chunk has no min/max and no values to check.
    const allNull = stats?.[3] !== undefined && Number(stats[3]) === chunk.numValues
    if (!allNull && (min === undefined || max === undefined || min < -MAX_DATE_DAYS || max > MAX_DATE_DAYS)) {
      return false
    }
  }
  return true
}

/** True when the row group's chunks for `plan` can be copied once their page checks pass. */
export function groupProvable(plan: readonly SplicedColumn[], footer: SourceFooter, group: SourceGroup): boolean {
  if (group.chunks.length !== footer.leaves.length) return false
  return plan.every((column) => chunkProvable(column, footer.leaves[column.leaf]!, group.chunks[column.leaf]!))
}
