import type { Table } from '../../index.js'

/** Options of `Emulator.createDatasource`. */
export interface CreateDatasourceOptions {
  name: string
  /** Project name; created when missing. Default 'Default'. */
  project?: string
  /** Site contentUrl; default ''. */
  site?: string
  /** The table to create (its schema defaults to Extract). */
  table: Table
  /** Initial rows, validated against `table`. */
  rows?: Iterable<object> | AsyncIterable<object>
  /** A Parquet file whose columns are loaded by name. */
  parquet?: string
  /** Number of connections (>1 makes `/data` answer 403062). Default 1. */
  connections?: number
}
