import type { Store } from '../store/store.js'
import { ident, LEDGER_SCHEMA, literal } from '../store/store.js'

/** One column of a data source's table, as DuckDB describes it. */
export interface ColumnInfo {
  readonly name: string
  readonly type: string
  readonly nullable: boolean
}

/** A table of a data source's database (the emulator's ledger schema left out). */
export interface TableInfo {
  readonly schema: string
  readonly name: string
  readonly columns: readonly ColumnInfo[]
}

export type FilterOp = 'eq' | 'contains' | 'null' | 'not-null'
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'contains', 'null', 'not-null']

/** Which rows to show: one page, sorted by one column, filtered on one column. */
export interface RowQuery {
  readonly sort?: { column: string; descending: boolean }
  readonly filter?: { column: string; op: FilterOp; value: string }
  readonly page: number
  readonly pageSize: number
}

/** A page of rows: every value is DuckDB's own text for it (exact: int64, µs timestamps, decimals), or null. */
export interface RowPage {
  readonly total: number
  readonly rows: readonly (readonly (string | null)[])[]
}

/**
 * Runs `work` on a connection of its own (closed after), so the console never shares a connection with
 * the emulator's requests or jobs; committed data of every attached database is visible to it.
 */
export async function withConnection<T>(
  store: Store,
  work: (read: (sql: string) => Promise<unknown[][]>) => Promise<T>,
): Promise<T> {
  const conn = await store.connect()
  try {
    return await work(async (sql) => (await conn.runAndReadAll(sql)).getRows() as unknown[][])
  } finally {
    conn.closeSync()
  }
}

/** The tables (and their columns, in order) of the database attached as `alias`. */
export async function describeTables(store: Store, alias: string): Promise<TableInfo[]> {
  const rows = await withConnection(store, (read) =>
    read(
      `SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns() ` +
        `WHERE database_name = ${literal(alias)} AND schema_name <> ${literal(LEDGER_SCHEMA)} ` +
        `ORDER BY schema_name, table_name, column_index`,
    ),
  )
  const tables: { schema: string; name: string; columns: ColumnInfo[] }[] = []
  for (const [schema, table, column, type, nullable] of rows) {
    let t = tables.at(-1)
    if (!t || t.schema !== schema || t.name !== table) {
      t = { schema: String(schema), name: String(table), columns: [] }
      tables.push(t)
    }
    t.columns.push({ name: String(column), type: String(type), nullable: nullable === true })
  }
  return tables
}

/** One page of `table`'s rows, each value cast to VARCHAR by DuckDB (NULL stays null, '' stays ''). */
export async function readRows(store: Store, alias: string, table: TableInfo, q: RowQuery): Promise<RowPage> {
  const from = `${ident(alias)}.${ident(table.schema)}.${ident(table.name)}`
  const where = q.filter ? ` WHERE ${filterSql(q.filter)}` : ''
  const order = q.sort ? `${ident(q.sort.column)} ${q.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ` : ''
  const select = table.columns.map((c, i) => `CAST(${ident(c.name)} AS VARCHAR) AS c${i}`).join(', ')
  return withConnection(store, async (read) => {
    const [[total]] = (await read(`SELECT count(*) FROM ${from}${where}`)) as [[bigint]]
    const rows = await read(
      `SELECT ${select} FROM ${from}${where} ORDER BY ${order}rowid ` +
        `LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    )
    return { total: Number(total), rows: rows.map((r) => r.map((v) => (v === null ? null : String(v)))) }
  })
}

function filterSql(f: NonNullable<RowQuery['filter']>): string {
  const col = ident(f.column)
  switch (f.op) {
    case 'null':
      return `${col} IS NULL`
    case 'not-null':
      return `${col} IS NOT NULL`
    case 'contains':
      return `contains(CAST(${col} AS VARCHAR), ${literal(f.value)})`
    case 'eq':
      return `CAST(${col} AS VARCHAR) = ${literal(f.value)}`
  }
}

/** Rows per table of the database attached as `alias` (`schema.table` → count). */
export async function countRows(store: Store, alias: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const t of await describeTables(store, alias)) {
    const from = `${ident(alias)}.${ident(t.schema)}.${ident(t.name)}`
    const [[n]] = (await withConnection(store, (read) => read(`SELECT count(*) FROM ${from}`))) as [[bigint]]
    out.set(`${t.schema}.${t.name}`, Number(n))
  }
  return out
}
