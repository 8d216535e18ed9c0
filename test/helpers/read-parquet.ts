import { DuckDBInstance } from '@duckdb/node-api'
import { asyncBufferFromFile, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'

/**
 * Test helper: reads Parquet files back with two independent readers and returns values in the
 * normalized form of `normalizeValue` (int64/timestamp → bigint, date → epoch days, NULL → null),
 * so tests compare exactly, microseconds included.
 */
export type ReadRow = Record<string, unknown>

function fromDuckDB(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if ('micros' in value) return (value as { micros: bigint }).micros // TIMESTAMP(TZ): exact µs
  if ('days' in value) return (value as { days: number }).days // DATE
  return value
}

/** Rows of the files, in order, read by DuckDB (`getRowObjects`, which keeps microseconds). */
export async function readWithDuckDB(paths: string | readonly string[]): Promise<ReadRow[]> {
  const list = typeof paths === 'string' ? [paths] : paths
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const rows: ReadRow[] = []
    for (const path of list) {
      const file = path.replaceAll("'", "''")
      const reader = await connection.runAndReadAll(
        `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`,
      )
      for (const row of reader.getRowObjects()) {
        const out: ReadRow = {}
        for (const [k, v] of Object.entries(row)) out[k] = fromDuckDB(v)
        rows.push(out)
      }
    }
    return rows
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** DuckDB's `DESCRIBE` of a file: column name → type, e.g. `TIMESTAMP WITH TIME ZONE`. */
export async function describeWithDuckDB(path: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')`,
    )
    return Object.fromEntries(reader.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]))
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** Rows of the files, in order, read by hyparquet with exact parsers. */
export async function readWithHyparquet(paths: string | readonly string[]): Promise<ReadRow[]> {
  const rows: ReadRow[] = []
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const file = await asyncBufferFromFile(path)
    const read = await parquetReadObjects({
      file,
      parsers: { timestampFromMicroseconds: (v: bigint) => v, dateFromDays: (d: number) => d },
    })
    for (const r of read) {
      const out: ReadRow = {}
      for (const [k, v] of Object.entries(r)) out[k] = v === undefined ? null : v
      rows.push(out)
    }
  }
  return rows
}

/** The footer of a file (schema, row groups, codecs). */
export async function parquetFooter(path: string): Promise<FileMetaData> {
  return parquetMetadataAsync(await asyncBufferFromFile(path))
}

/** Rows at the given zero-based positions of the concatenated files, read by DuckDB (for spot checks of big files). */
export async function readRowsWithDuckDB(paths: readonly string[], positions: readonly number[]): Promise<ReadRow[]> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const list = paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')
    await connection.run(
      `CREATE TEMP TABLE t AS SELECT row_number() OVER (ORDER BY filename, file_row_number) - 1 AS pos, * EXCLUDE (filename, file_row_number) FROM read_parquet([${list}], filename = true, file_row_number = true)`,
    )
    const reader = await connection.runAndReadAll(
      `SELECT * EXCLUDE (pos) FROM t WHERE pos IN (${positions.join(', ')}) ORDER BY pos`,
    )
    return reader.getRowObjects().map((row) => {
      const out: ReadRow = {}
      for (const [k, v] of Object.entries(row)) out[k] = fromDuckDB(v)
      return out
    })
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** Number of rows DuckDB counts in the files. */
export async function countWithDuckDB(paths: readonly string[]): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const list = paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet([${list}])`)
    return Number(reader.getRowObjects()[0]!.n)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
