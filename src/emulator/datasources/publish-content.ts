import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { APPEND_SCHEMA_MISMATCH, PUBLISHED_TABLE } from '../core/inferred.js'
import { ApiError } from '../http/api-error.js'
import type { EmulatorState } from '../runtime/state.js'
import { type ConnectionSettings, type DatasourceRecord, type RevisionRecord, restTimestamp } from '../store/catalog.js'
import { datasourceNameKey } from '../store/name-locks.js'
import { ident, LEDGER_SCHEMA, literal } from '../store/store.js'

/** What one publish request carries once the handler has validated it. */
export interface PublishInput {
  siteId: string
  projectId: string
  ownerId: string
  name: string
  /** The file as received: a temp file (moved) or an upload session's file (copied). */
  file: string
  fileIsTemporary: boolean
  /** The name the file was published under (its extension says the kind). */
  filename: string
  kind: 'parquet' | 'opaque'
  mode: 'create' | 'overwrite' | 'append'
  description?: string | undefined
  useRemoteQueryAgent?: boolean | undefined
  credentials?: ConnectionSettings | undefined
}

const dsNotFoundByName = (name: string): ApiError =>
  new ApiError(
    404,
    '404004',
    'Data source not found',
    `append=true, but the project has no data source named '${name}'.`,
  )

/** Every data source record, with those being created (their alias and contentUrl are taken already). */
const allRecords = (state: EmulatorState): DatasourceRecord[] => [
  ...state.catalog.data.datasources,
  ...state.catalog.creating,
]

/**
 * A DuckDB catalog alias for a new data source: its name (without NUL, which no identifier can hold), made unique
 * when needed. JavaScript's lower-casing folds at least what DuckDB's case-insensitive names fold.
 */
export function freeAlias(state: EmulatorState, name: string): string {
  const taken = new Set(allRecords(state).map((d) => d.alias.toLowerCase()))
  const base = name.replace(/\0/g, '_')
  let alias = base
  for (
    let n = 2;
    taken.has(alias.toLowerCase()) || ['memory', 'system', 'temp', 'main'].includes(alias.toLowerCase());
    n++
  )
    alias = `${base}#${n}`
  return alias
}

/** The name's URL-safe letters; unique on the site (as on Tableau), so a same-named data source in another project gets a suffix. */
function freeContentUrl(state: EmulatorState, siteId: string, name: string, number: number): string {
  const base = name.replace(/[^A-Za-z0-9_-]/g, '') || 'datasource'
  const taken = (url: string) =>
    allRecords(state).some((d) => d.siteId === siteId && d.contentUrl.toLowerCase() === url.toLowerCase())
  return taken(base) ? `${base}_${number}` : base
}

/**
 * Creates a data source: a new record (alias and contentUrl reserved at once) whose attached database `fill`
 * loads; once filled it joins the catalog (saved), else its database is deleted. Callers hold the name's lock.
 */
export async function createDatasourceRecord(
  state: EmulatorState,
  o: { siteId: string; projectId: string; ownerId: string; name: string; connections: number },
  fill: (ds: DatasourceRecord) => Promise<void>,
): Promise<DatasourceRecord> {
  const now = restTimestamp()
  const id = randomUUID()
  const number = state.catalog.nextNumber()
  const ds: DatasourceRecord = {
    id,
    siteId: o.siteId,
    projectId: o.projectId,
    ownerId: o.ownerId,
    name: o.name,
    contentUrl: freeContentUrl(state, o.siteId, o.name, number),
    alias: freeAlias(state, o.name),
    file: `datasources/${id}.duckdb`,
    connectionIds: Array.from({ length: Math.max(1, o.connections) }, () => randomUUID()),
    createdAt: now,
    updatedAt: now,
    number,
    tags: [],
    revisions: [],
  }
  state.catalog.creating.add(ds)
  try {
    try {
      await state.store.attach(ds.alias, ds.file)
      await fill(ds)
    } catch (e) {
      await state.store.detachAndDelete(ds.alias, ds.file)
      throw e
    }
    state.catalog.data.datasources.push(ds)
    await state.catalog.save()
    return ds
  } finally {
    state.catalog.creating.delete(ds)
  }
}

/** Drops every data table of the data source's database (inside the caller's transaction); the job ledger stays. */
async function dropAllTables(conn: DuckDBConnection, alias: string): Promise<void> {
  const tables = (
    await conn.runAndReadAll(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ${literal(alias)} AND schema_name <> ${literal(LEDGER_SCHEMA)}`,
    )
  ).getRowObjectsJS() as { schema_name: string; table_name: string }[]
  for (const t of tables) await conn.run(`DROP TABLE ${ident(alias)}.${ident(t.schema_name)}.${ident(t.table_name)}`)
}

async function loadParquet(conn: DuckDBConnection, alias: string, file: string): Promise<void> {
  const { schema, name } = PUBLISHED_TABLE
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(alias)}.${ident(schema)}`)
  await conn.run(
    `CREATE TABLE ${ident(alias)}.${ident(schema)}.${ident(name)} AS SELECT * FROM read_parquet(${literal(file)})`,
  )
}

type Columns = Map<string, string>
async function columnsOf(conn: DuckDBConnection, sql: string): Promise<Columns> {
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS() as { n: string; t: string }[]
  return new Map(rows.map((r) => [r.n, r.t]))
}

/** Append: the file's columns must be the table's (names and types, any order), else 400011 naming them. */
async function appendParquet(conn: DuckDBConnection, ds: DatasourceRecord, file: string): Promise<void> {
  const content = ds.content
  const schema = content?.kind === 'table' ? content.schema : PUBLISHED_TABLE.schema
  const table = content?.kind === 'table' ? content.table : PUBLISHED_TABLE.name
  const target = await columnsOf(
    conn,
    `SELECT column_name AS n, data_type AS t FROM duckdb_columns() WHERE database_name = ${literal(ds.alias)} ` +
      `AND schema_name = ${literal(schema)} AND table_name = ${literal(table)}`,
  )
  const source = await columnsOf(
    conn,
    `SELECT column_name AS n, column_type AS t FROM (DESCRIBE SELECT * FROM read_parquet(${literal(file)}))`,
  )
  const problems: string[] = []
  for (const [n, t] of target) {
    const s = source.get(n)
    if (s === undefined) problems.push(`column "${n}" (${t}) is missing from the file`)
    else if (s !== t) problems.push(`column "${n}" is ${s} in the file but ${t} in the data source`)
  }
  for (const [n, t] of source) if (!target.has(n)) problems.push(`column "${n}" (${t}) is not in the data source`)
  if (problems.length > 0) {
    const { status, code, summary } = APPEND_SCHEMA_MISMATCH
    throw new ApiError(status, code, summary, `The schema of the appended file does not match: ${problems.join('; ')}.`)
  }
  await conn.run(
    `INSERT INTO ${ident(ds.alias)}.${ident(schema)}.${ident(table)} BY NAME SELECT * FROM read_parquet(${literal(file)})`,
  )
}

/** Puts the published file in place as revision `number` (moved when temporary, else copied). */
async function keepRevisionFile(state: EmulatorState, ds: DatasourceRecord, input: PublishInput, number: number) {
  const ext = input.filename.includes('.') ? input.filename.slice(input.filename.lastIndexOf('.')) : ''
  const rel = `revisions/${ds.id}/${number}${ext.toLowerCase()}`
  const to = join(state.store.dir, rel)
  await mkdir(dirname(to), { recursive: true })
  if (input.fileIsTemporary) await rename(input.file, to)
  else await copyFile(input.file, to, constants.COPYFILE_FICLONE)
  return { rel, size: (await stat(to)).size }
}

/**
 * Publishes: create, overwrite (the table is replaced in one DuckDB transaction, so a failure keeps
 * the old data) or append (Parquet onto a Parquet-published table, schemas must match). Only the
 * data source of that name in the same project is overwritten or appended to; the name's lock is
 * held throughout, so concurrent publishes of one name run one after the other.
 */
export function publishContent(
  state: EmulatorState,
  input: PublishInput,
): Promise<{ ds: DatasourceRecord; created: boolean }> {
  return state.names.with([datasourceNameKey(input.siteId, input.projectId, input.name)], () =>
    publishLocked(state, input),
  )
}

async function publishLocked(
  state: EmulatorState,
  input: PublishInput,
): Promise<{ ds: DatasourceRecord; created: boolean }> {
  const existing = state.catalog.datasourceNamed(input.siteId, input.projectId, input.name)
  if (input.mode === 'append') {
    if (!existing) throw dsNotFoundByName(input.name)
    if (input.kind !== 'parquet' || existing.content?.kind === 'opaque') {
      throw new ApiError(
        400,
        '400011',
        'Publishing error',
        'emulator: append needs a Parquet file and a data source published from Parquet.',
      )
    }
    await state.store.transaction((conn) => appendParquet(conn, existing, input.file))
    existing.updatedAt = restTimestamp()
    await state.catalog.save()
    return { ds: existing, created: false }
  }
  if (existing && input.mode !== 'overwrite') {
    throw new ApiError(
      403,
      '403007',
      'Overwrite forbidden',
      `A data source named '${existing.name}' already exists in the project.`,
    )
  }
  if (existing) {
    await replaceContent(state, existing, input)
    await state.catalog.save()
    return { ds: existing, created: false }
  }
  const ds = await createDatasourceRecord(state, { ...input, connections: 1 }, (d) => replaceContent(state, d, input))
  return { ds, created: true }
}

/** Keeps the file as the next revision and makes it the content; on failure nothing changes (the kept file goes). */
async function replaceContent(state: EmulatorState, ds: DatasourceRecord, input: PublishInput): Promise<void> {
  ds.revisions ??= []
  const revisions = ds.revisions
  const number = (revisions.at(-1)?.number ?? 0) + 1
  const kept = await keepRevisionFile(state, ds, input, number)
  const keptPath = join(state.store.dir, kept.rel)
  try {
    await state.store.transaction(async (conn) => {
      await dropAllTables(conn, ds.alias)
      if (input.kind === 'parquet') await loadParquet(conn, ds.alias, keptPath)
    })
  } catch (e) {
    await rm(keptPath, { force: true })
    throw e
  }
  ds.content =
    input.kind === 'parquet'
      ? { kind: 'table', schema: PUBLISHED_TABLE.schema, table: PUBLISHED_TABLE.name }
      : { kind: 'opaque', file: kept.rel, filename: input.filename }
  const revision: RevisionRecord = {
    number,
    publishedAt: restTimestamp(),
    publisherId: input.ownerId,
    file: kept.rel,
    filename: input.filename,
    size: kept.size,
    deleted: false,
  }
  revisions.push(revision)
  ds.updatedAt = revision.publishedAt
  if (input.description !== undefined) ds.description = input.description
  if (input.useRemoteQueryAgent !== undefined) ds.useRemoteQueryAgent = input.useRemoteQueryAgent
  if (input.credentials) {
    ds.connections ??= {}
    for (const id of ds.connectionIds) ds.connections[id] = { ...ds.connections[id], ...input.credentials }
  }
}
