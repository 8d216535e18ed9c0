import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  dateValue,
  timestampTZValue,
} from '@duckdb/node-api'
import { HyperdeltaError, type Table } from '../../index.js'
import { InvalidValue, normalizeValue, sqlTypeOf, sqlValueText } from '../../wire.js'

/** Quotes a SQL identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`
/** Quotes a SQL string literal. */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`

/**
 * Each data source's database holds a ledger of the jobs whose change committed, written in the
 * same DuckDB transaction as the change itself: after a crash, the ledger (not the catalog file,
 * which is saved separately) says whether a job applied. The schema is hidden from the tables a
 * job can target.
 */
export const LEDGER_SCHEMA = 'hyperdelta_emulator'
/** The ledger table of the database attached as `alias`. */
export const ledgerTable = (alias: string): string =>
  `${ident(alias)}.${ident(LEDGER_SCHEMA)}.${ident('committed_jobs')}`

/**
 * The DuckDB side of the emulator: one in-memory instance, one attached database file per data
 * source (attached under the data source's alias, so `"Orders"."Extract"."Extract"` works).
 */
export class Store {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly main: DuckDBConnection,
    readonly dir: string,
  ) {}

  static async open(dir: string): Promise<Store> {
    const instance = await DuckDBInstance.create(':memory:')
    const main = await instance.connect()
    await main.run(`SET TimeZone='UTC'`)
    return new Store(instance, main, dir)
  }

  /** A fresh connection (one per job: each job runs its own transaction). */
  async connect(): Promise<DuckDBConnection> {
    const c = await this.instance.connect()
    await c.run(`SET TimeZone='UTC'`)
    return c
  }

  fileOf(file: string): string {
    return join(this.dir, file)
  }

  /** Attaches a data source's database and makes sure its committed-jobs ledger exists. */
  async attach(alias: string, file: string): Promise<void> {
    await this.main.run(`ATTACH ${literal(this.fileOf(file))} AS ${ident(alias)}`)
    await this.main.run(`CREATE SCHEMA IF NOT EXISTS ${ident(alias)}.${ident(LEDGER_SCHEMA)}`)
    await this.main.run(
      `CREATE TABLE IF NOT EXISTS ${ledgerTable(alias)} (job_id VARCHAR PRIMARY KEY, committed_at TIMESTAMPTZ NOT NULL)`,
    )
  }

  async detach(alias: string): Promise<void> {
    await this.main.run(`DETACH DATABASE IF EXISTS ${ident(alias)}`)
  }

  /** True when the job's data change committed (its ledger row is part of the same transaction). */
  async jobCommitted(alias: string, jobId: string): Promise<boolean> {
    const found = await this.query(`SELECT 1 AS hit FROM ${ledgerTable(alias)} WHERE job_id = ${literal(jobId)}`)
    return found.length > 0
  }

  async detachAndDelete(alias: string, file: string): Promise<void> {
    await this.main.run(`DETACH DATABASE IF EXISTS ${ident(alias)}`)
    await rm(this.fileOf(file), { force: true })
    await rm(`${this.fileOf(file)}.wal`, { force: true })
  }

  /** Creates `alias.schema.name` from a table definition, then loads rows or a Parquet file. */
  async createTable(
    alias: string,
    table: Table,
    source: { rows?: Iterable<object> | AsyncIterable<object>; parquet?: string },
  ): Promise<void> {
    const schema = table.schema ?? 'Extract'
    const target = `${ident(alias)}.${ident(schema)}.${ident(table.name)}`
    const cols = table.columnNames.map((c) => {
      const type = table.columns[c]!
      return `${ident(c)} ${sqlTypeOf(type)}${type.nullable ? '' : ' NOT NULL'}`
    })
    await this.main.run(`CREATE SCHEMA IF NOT EXISTS ${ident(alias)}.${ident(schema)}`)
    await this.main.run(`CREATE TABLE ${target} (${cols.join(', ')})`)
    if (source.parquet !== undefined) {
      await this.main.run(`INSERT INTO ${target} BY NAME SELECT * FROM read_parquet(${literal(source.parquet)})`)
    }
    if (source.rows !== undefined) {
      const appender = await this.main.createAppender(table.name, schema, alias)
      try {
        let index = 0
        for await (const row of source.rows) appendRow(appender, table, row as Record<string, unknown>, index++)
        appender.flushSync()
      } finally {
        appender.closeSync()
      }
    }
  }

  /** Throws DuckDB's error when `parquet` is not a readable Parquet file (footer and schema). */
  async checkParquet(parquet: string): Promise<void> {
    await this.main.run(`DESCRIBE SELECT * FROM read_parquet(${literal(parquet)})`)
  }

  /** Creates `alias.schema.name` as a copy of a Parquet file (publish). */
  async createTableFromParquet(alias: string, schema: string, name: string, parquet: string): Promise<void> {
    await this.main.run(`CREATE SCHEMA IF NOT EXISTS ${ident(alias)}.${ident(schema)}`)
    await this.main.run(
      `CREATE TABLE ${ident(alias)}.${ident(schema)}.${ident(name)} AS SELECT * FROM read_parquet(${literal(parquet)})`,
    )
  }

  /**
   * Runs `work` in one transaction on a fresh connection: either all of it lands or none
   * (an overwrite that fails half-way leaves the old table).
   */
  async transaction<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.connect()
    try {
      await conn.run('BEGIN TRANSACTION')
      try {
        const out = await work(conn)
        await conn.run('COMMIT')
        return out
      } catch (e) {
        await conn.run('ROLLBACK').catch(() => {})
        throw e
      }
    } finally {
      conn.closeSync()
    }
  }

  /** Runs SQL on the shared connection; values exactly as DuckDB returns them (bigint, µs timestamps). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.main.runAndReadAll(sql)
    return reader.getRowObjects() as Record<string, unknown>[]
  }

  close(): void {
    this.main.closeSync()
    this.instance.closeSync()
  }
}

function appendRow(appender: DuckDBAppender, table: Table, row: Record<string, unknown>, index: number): void {
  for (const name of table.columnNames) {
    const type = table.columns[name]!
    const value = normalizeValue(type, row[name])
    if (value instanceof InvalidValue) {
      throw new HyperdeltaError('EMULATOR_ROW_INVALID', `emulator: row ${index}, column "${name}": ${value.reason}`, {
        details: { row: index, column: name },
      })
    }
    if (value === null) {
      appender.appendNull()
      continue
    }
    switch (type.kind) {
      case 'int64':
        appender.appendBigInt(value as bigint)
        break
      case 'int32':
        appender.appendInteger(value as number)
        break
      case 'float64':
        appender.appendDouble(value as number)
        break
      case 'text':
        appender.appendVarchar(value as string)
        break
      case 'bool':
        appender.appendBoolean(value as boolean)
        break
      case 'date':
        appender.appendDate(dateValue(value as number))
        break
      case 'timestamp':
        appender.appendTimestampTZ(timestampTZValue(value as bigint))
        break
      default:
        // decimal, time, timestamp_ntz: exact text the appender casts to the column's type.
        appender.appendVarchar(sqlValueText(type, value))
    }
  }
  appender.endRow()
}
