import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'

/**
 * Test helper: writes the rows of a DuckDB query to `dir/name` as Parquet with DuckDB's own types
 * (TIMESTAMPTZ, TIMESTAMP_MS, INTEGER, DOUBLE, …), the way a user's export would. Returns the path.
 */
export async function writeParquetSql(dir: string, name: string, select: string): Promise<string> {
  const path = join(dir, name)
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await connection.run(`SET TimeZone = 'UTC'`)
    await connection.run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
  return path
}
