import { open } from 'node:fs/promises'
import type { DuckDBConnection } from '@duckdb/node-api'
import type { WireAction } from '../../wire.js'
import { HYPER_PAYLOAD_NOTE, missingObjectNote, multipleMatchNote, PARQUET_PAYLOAD_NOTE } from '../core/inferred.js'
import { dateColumnsOf, type PersonalityCheck } from '../core/personality.js'
import { conditionSql, MissingColumn, type StagedConstants, sourceColumnsOf } from '../store/condition-sql.js'
import { ident, LEDGER_SCHEMA, ledgerTable, literal } from '../store/store.js'

/** A job failure: `notes` is what Query Job reports in `updateUploadedFileJob/notes`. */
export class JobFailure extends Error {
  constructor(readonly notes: string) {
    super(notes)
  }
}

export type PayloadFormat = 'parquet' | 'hyper' | 'unknown'

/** Detects the payload format by magic bytes: `Hyper…` or `PAR1` at both ends. */
export async function detectPayloadFormat(path: string): Promise<PayloadFormat> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const head = Buffer.alloc(5)
    await fh.read(head, 0, 5, 0)
    if (head.toString('latin1') === 'Hyper') return 'hyper'
    if (size >= 8 && head.subarray(0, 4).toString('latin1') === 'PAR1') {
      const tail = Buffer.alloc(4)
      await fh.read(tail, 0, 4, size - 4)
      if (tail.toString('latin1') === 'PAR1') return 'parquet'
    }
    return 'unknown'
  } finally {
    await fh.close()
  }
}

type Columns = Map<string, string>
interface TargetInfo {
  sql: string
  label: string
  columns: Columns
}

export interface ApplyOptions {
  /** DuckDB catalog alias of the data source's database. */
  alias: string
  actions: readonly WireAction[]
  /** The upload session's file, when the PATCH named one. */
  payloadPath: string | undefined
  onProgress(percent: number): void
  isCancelled(): boolean
  /** The job's id, recorded in the data source's ledger in the same transaction as the change. */
  jobId: string
  /** Awaited just before COMMIT and right after it (fault hooks: pause or crash there). */
  phase?: (phase: 'before-commit' | 'after-commit') => Promise<void>
  /** A lossy server (personality `dropOneRow`): the payload's first row is skipped. */
  dropFirstSourceRow?: boolean
  /** A personality's reason to fail the job before it runs (see personality.ts). */
  personalityFailure?: PersonalityCheck
  /** Called with DuckDB's count of rows each statement changed (rolled back if the job then fails). */
  onRowsChanged?(rows: number): void
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]
}

async function describeTargets(conn: DuckDBConnection, alias: string): Promise<Map<string, Map<string, Columns>>> {
  const out = new Map<string, Map<string, Columns>>() // schema -> table -> columns
  const cols = await rows(
    conn,
    `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ${literal(alias)} AND schema_name <> ${literal(LEDGER_SCHEMA)} ORDER BY column_index`,
  )
  for (const r of cols) {
    const schema = String(r['schema_name'])
    const table = String(r['table_name'])
    const tables = out.get(schema) ?? new Map<string, Columns>()
    out.set(schema, tables)
    const columns = tables.get(table) ?? new Map<string, string>()
    tables.set(table, columns)
    columns.set(String(r['column_name']), String(r['data_type']))
  }
  return out
}

/** `target-schema` given, or the unique schema holding a table of that name (docs/protocol.md §7.3.1). */
function resolveTarget(alias: string, all: Map<string, Map<string, Columns>>, action: WireAction): TargetInfo {
  const name = action['target-table']
  const schema = action['target-schema']
  const candidates = schema !== undefined ? [schema] : [...all.keys()].filter((s) => all.get(s)!.has(name))
  if (candidates.length > 1) {
    throw new JobFailure(
      missingObjectNote(`Table "${name}" exists in several schemas (${candidates.join(', ')}); specify target-schema.`),
    )
  }
  const chosen = candidates[0]
  const columns = chosen === undefined ? undefined : all.get(chosen)?.get(name)
  if (chosen === undefined || !columns) {
    const label = schema !== undefined ? `${schema}.${name}` : name
    throw new JobFailure(missingObjectNote(`Specified target table does not exist: ${label}.`))
  }
  return { sql: `${ident(alias)}.${ident(chosen)}.${ident(name)}`, label: `${chosen}.${name}`, columns }
}

const list = (names: Iterable<string>): string => [...names].map((n) => `"${n}"`).join(', ')

/**
 * Applies one request's actions in ONE DuckDB transaction, in order, all or nothing (docs/protocol.md §7.3.3).
 * The source is the Parquet payload read in place by DuckDB; no row passes through JS.
 * Returns 'cancelled' when a cancel was requested between actions (nothing is kept).
 */
export async function applyActions(conn: DuckDBConnection, o: ApplyOptions): Promise<'done' | 'cancelled'> {
  const sourceNames = new Set(o.actions.flatMap((a) => (a['source-table'] === undefined ? [] : [a['source-table']])))
  let sourceSql: string | undefined
  const sourceColumns: Columns = new Map()
  if (sourceNames.size > 0) {
    const first = [...sourceNames][0]!
    if (o.payloadPath === undefined) {
      throw new JobFailure(missingObjectNote(`Specified table does not exist: ${first} (no payload was uploaded).`))
    }
    const format = await detectPayloadFormat(o.payloadPath)
    if (format === 'hyper') throw new JobFailure(HYPER_PAYLOAD_NOTE)
    if (format !== 'parquet') throw new JobFailure('emulator: the payload is neither a Parquet nor a Hyper file')
    if (sourceNames.size > 1) throw new JobFailure(`${PARQUET_PAYLOAD_NOTE} (got ${list(sourceNames)})`)
    sourceSql = `(SELECT * FROM read_parquet(${literal(o.payloadPath)})${o.dropFirstSourceRow ? ' OFFSET 1' : ''})`
    for (const r of await rows(conn, `DESCRIBE SELECT * FROM read_parquet(${literal(o.payloadPath)})`)) {
      sourceColumns.set(String(r['column_name']), String(r['column_type']))
    }
  }

  const targets = await describeTargets(conn, o.alias)
  // Every action's SQL is worked out before the transaction: schema problems fail the job before
  // anything runs, and the constants a large condition stages go into temp tables up front.
  const staged: StagedConstants[] = []
  const planned = o.actions.map((action, index) => {
    const target = resolveTarget(o.alias, targets, action)
    const hasSource = action['source-table'] !== undefined
    const columns = hasSource ? sourceColumns : new Map<string, string>()
    let cond: string | undefined
    try {
      cond =
        action.condition &&
        conditionSql(
          action.condition,
          { targetType: (c) => target.columns.get(c), sourceType: (c) => columns.get(c) },
          staged,
        )
    } catch (e) {
      if (!(e instanceof MissingColumn)) throw e
      const table = e.side === 'target' ? target.label : String(action['source-table'])
      throw new JobFailure(
        missingObjectNote(
          `action ${index} (${action.action}): column "${e.column}" does not exist in ${e.side} table ${table}.`,
        ),
      )
    }
    return planAction(index, action, target, hasSource ? sourceSql! : undefined, columns, cond)
  })
  for (const constants of staged) await stageConstants(conn, constants)

  const refused = o.personalityFailure?.(o.actions, sourceSql !== undefined, dateColumnsOf(targets))
  if (refused !== undefined) throw new JobFailure(refused)
  await conn.run('BEGIN TRANSACTION')
  try {
    for (const [index, statements] of planned.entries()) {
      if (o.isCancelled()) {
        await conn.run('ROLLBACK')
        return 'cancelled'
      }
      for (const check of statements.checks) {
        const found = await rows(conn, check.sql)
        if (found.length > 0) throw new JobFailure(check.note)
      }
      for (const sql of statements.run) o.onRowsChanged?.((await conn.run(sql)).rowsChanged)
      o.onProgress(Math.round(10 + (80 * (index + 1)) / o.actions.length))
    }
    await conn.run(`INSERT INTO ${ledgerTable(o.alias)} VALUES (${literal(o.jobId)}, now())`)
    await o.phase?.('before-commit')
    await conn.run('COMMIT')
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {})
    if (e instanceof JobFailure) throw e
    throw new JobFailure(`emulator: the actions failed and nothing was applied: ${(e as Error).message}`)
  }
  await o.phase?.('after-commit')
  return 'done'
}

/** Fills the temp table a condition reads its staged constants from (per job connection). */
async function stageConstants(conn: DuckDBConnection, constants: StagedConstants): Promise<void> {
  const columns = Array.from({ length: constants.width }, (_, i) => `c${i} VARCHAR NOT NULL`)
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${ident(constants.name)} (${columns.join(', ')})`)
  const appender = await conn.createAppender(constants.name, 'main', 'temp')
  try {
    for (const row of constants.rows) {
      for (const v of row) appender.appendVarchar(v)
      appender.endRow()
    }
    appender.flushSync()
  } finally {
    appender.closeSync()
  }
}

interface Planned {
  checks: { sql: string; note: string }[]
  run: string[]
}

/** The SQL for one action (docs/protocol.md §7.3.3); problems found from the schemas alone throw JobFailure. */
function planAction(
  index: number,
  action: WireAction,
  target: TargetInfo,
  source: string | undefined,
  sourceColumns: Columns,
  cond: string | undefined,
): Planned {
  const kind = action.action
  const where = `action ${index} (${kind})`
  const usedSource = action.condition ? sourceColumnsOf(action.condition) : new Set<string>()
  const notInTarget = [...sourceColumns.keys()].filter((c) => !target.columns.has(c))
  const shared = [...sourceColumns.keys()].filter((c) => target.columns.has(c))
  const fail = (why: string): never => {
    throw new JobFailure(missingObjectNote(`${where}: ${why}`))
  }
  const colList = shared.map(ident).join(', ')
  const sColList = shared.map((c) => `s.${ident(c)}`).join(', ')
  const setList = shared.map((c) => `${ident(c)} = s.${ident(c)}`).join(', ')
  const multiMatch = {
    sql: `SELECT 1 FROM ${target.sql} AS t JOIN ${source} AS s ON ${cond} GROUP BY t.rowid HAVING count(*) > 1 LIMIT 1`,
    note: multipleMatchNote(index, kind),
  }

  switch (kind) {
    case 'insert':
      if (notInTarget.length > 0)
        fail(`source column(s) ${list(notInTarget)} do not exist in target table ${target.label}.`)
      return { checks: [], run: [`INSERT INTO ${target.sql} (${colList}) SELECT ${colList} FROM ${source}`] }
    case 'replace': {
      const missing = [...target.columns.keys()].filter((c) => !sourceColumns.has(c))
      const typeDiff = shared.filter((c) => sourceColumns.get(c) !== target.columns.get(c))
      if (notInTarget.length > 0 || missing.length > 0 || typeDiff.length > 0) {
        fail(
          `replace needs a source with the target's schema; ` +
            [
              notInTarget.length > 0 && `extra source column(s) ${list(notInTarget)}`,
              missing.length > 0 && `missing column(s) ${list(missing)}`,
              ...typeDiff.map(
                (c) => `"${c}" is ${sourceColumns.get(c)} in the source but ${target.columns.get(c)} in the target`,
              ),
            ]
              .filter(Boolean)
              .join('; ') +
            '.',
        )
      }
      return {
        checks: [],
        run: [`DELETE FROM ${target.sql}`, `INSERT INTO ${target.sql} (${colList}) SELECT ${colList} FROM ${source}`],
      }
    }
    case 'update':
    case 'upsert': {
      const extra = notInTarget.filter((c) => !usedSource.has(c))
      if (extra.length > 0)
        fail(
          `source column(s) ${list(extra)} do not exist in target table ${target.label} and are not used by the condition.`,
        )
      if (kind === 'update') {
        return {
          checks: [multiMatch],
          run:
            shared.length === 0 ? [] : [`UPDATE ${target.sql} AS t SET ${setList} FROM ${source} AS s WHERE ${cond}`],
        }
      }
      // MERGE decides matched / not matched against the state before the statement: exactly the
      // "precompute matched source rows, update them, insert the rest" model (docs/protocol.md §7.3.3).
      const matched = shared.length === 0 ? '' : ` WHEN MATCHED THEN UPDATE SET ${setList}`
      return {
        checks: [multiMatch],
        run: [
          `MERGE INTO ${target.sql} AS t USING ${source} AS s ON ${cond}${matched} WHEN NOT MATCHED THEN INSERT (${colList}) VALUES (${sColList})`,
        ],
      }
    }
    case 'delete': {
      if (source === undefined) return { checks: [], run: [`DELETE FROM ${target.sql} AS t WHERE ${cond}`] }
      const extra = [...sourceColumns.keys()].filter((c) => !usedSource.has(c))
      if (extra.length > 0) {
        fail(`a delete's source table may hold only the columns its condition uses; it also has ${list(extra)}.`)
      }
      return {
        checks: [],
        run: [`DELETE FROM ${target.sql} AS t WHERE EXISTS (SELECT 1 FROM ${source} AS s WHERE ${cond})`],
      }
    }
  }
}
