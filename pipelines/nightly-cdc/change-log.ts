import { type Columns, HyperdeltaError, type Table } from '../../src/index.js'
import { formatEpochDay, formatMicrosIso } from '../../src/wire.js'
import { ident, literal } from '../sql-text.js'
import { CdcEngine, type CdcEngineOptions } from './cdc-engine.js'
import type { RowSource } from './cdc-input.js'
import { type LoadedLog, loadChangeLog } from './change-log-input.js'
import { type ChangeSet, changeFilePaths, changeSetFrom, checkChangeFiles, copyToParquet } from './change-set.js'
import { sinceSql, usableOrderSql } from './watermark-fit.js'
import type { Watermark } from './watermark-store.js'

export interface ChangeLogOptions extends CdcEngineOptions {
  /** Key columns of the target table. */
  keys: readonly string[]
  /** Column holding the operation; its values are mapped by `ops`. Default `op`. */
  opColumn?: string
  /** Values of the op column. Default `{ insert: 'insert', update: 'update', delete: 'delete' }`. */
  ops?: { insert: string; update: string; delete: string }
  /** Column that orders changes (a log sequence number or a change timestamp). */
  orderColumn: string
  /** Only entries with order > since are taken (the last run's watermark). */
  since?: Watermark | undefined
  /** Parent of the work directory (DuckDB database, spill files, result files). Default: the OS temp dir. */
  dir?: string | undefined
}

/** ISO-8601 with a date, a time and Z or an offset: text order values that are all like this are instants. */
const ISO_INSTANT = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$`

/**
 * The typed order expression: text that is all ISO instants is compared as instants, never as text. Text
 * where only some values are ISO instants (or look like one and are not) is refused: compared as text,
 * the instants would order by their spelling, not by time.
 */
async function orderExpression(
  engine: CdcEngine,
  log: LoadedLog,
  column: string,
): Promise<{ sql: (order: string) => string; type: string; iso: boolean }> {
  const same = (order: string) => order
  if (log.orderType !== 'VARCHAR') return { sql: same, type: log.orderType, iso: false }
  const looks = `regexp_full_match(__order, ${literal(ISO_INSTANT)})`
  const instant = `(${looks} AND TRY_CAST(__order AS TIMESTAMPTZ) IS NOT NULL)`
  const [r] = await engine.rows(
    `SELECT count(__order) AS n, count(*) FILTER (${instant}) AS instants, count(*) FILTER (${looks}) AS looks,
      min({f: __f, r: __r, v: __order}) FILTER (__order IS NOT NULL AND NOT ${instant}) AS other FROM log_src`,
    'change log',
  )
  const n = Number(r?.n ?? 0)
  const instants = Number(r?.instants)
  if (Number(r?.looks) > 0 && instants < n) {
    const { f, r: row, v } = (r!.other as { entries: { f: number; r: bigint; v: string } }).entries
    throw new HyperdeltaError(
      'ROW_INVALID',
      `cdc: change log ${log.position(Number(f), BigInt(row))}: order column "${column}" is ${JSON.stringify(v)}, but other entries are ISO-8601 instants; give every entry an instant (date, time, Z or offset) or none`,
      { details: { column } },
    )
  }
  return n > 0 && instants === n
    ? { sql: (order) => `CAST(CAST(${order} AS TIMESTAMPTZ) AS TIMESTAMP)`, type: 'TIMESTAMP', iso: true }
    : { sql: same, type: 'VARCHAR', iso: false }
}

/**
 * The highest order value as written in the log. Only ISO text can spell one instant several ways;
 * there the input position picks the spelling, so a rerun stores the same text. Plain max elsewhere.
 */
const topSql = (iso: boolean) => (iso ? 'arg_max(__order, {o: __o, f: __f, r: __r})' : 'max(__order)')

/** Order types whose every value is an int64, so it packs into the high half of a HUGEINT. */
const INT64_ORDER_TYPES = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']

/**
 * One sort key per entry, highest = the entry that wins: the order value, then the file index, then the
 * row. A single key lets DuckDB turn "the first row of each key's window" into a per-key arg_max
 * and fetch only the winning rows, instead of sorting the whole log. Order values that fit 64 bits
 * (integers, timestamps as µs) are packed into one HUGEINT — order value in the high 64 bits, file in
 * the next 16, row in the low 48 — which compares much faster than a struct; the rest use a struct.
 */
function rankSql(type: string, log: LoadedLog, o: string): string {
  const { file: f, row: r } = log.scan
  const packed = (v: string) => `(${v})::HUGEINT * 18446744073709551616 + (${f})::HUGEINT * 281474976710656 + ${r}`
  if (log.files < 65536 && INT64_ORDER_TYPES.includes(type)) return packed(o)
  if (log.files < 65536 && type === 'TIMESTAMP') {
    // epoch_us of ±infinity is NULL; they sort as the extremes they are.
    return packed(
      `coalesce(epoch_us(${o}), CASE WHEN ${o} > TIMESTAMP '1970-01-01' THEN 9223372036854775807 ELSE -9223372036854775808 END)`,
    )
  }
  return `{o: ${o}, f: ${f}, r: ${r}}`
}

/** The highest order value taken, back in the type the caller's order values had. */
function watermarkFrom(raw: unknown, log: LoadedLog, type: string): Watermark {
  const micros = (raw as { micros?: bigint }).micros
  if (log.jsOrder === 'date' && micros !== undefined) return new Date(Number(micros / 1000n))
  if (micros !== undefined) return formatMicrosIso(micros)
  const days = (raw as { days?: number }).days
  if (type === 'DATE' && days !== undefined) return formatEpochDay(days)
  if (log.jsOrder === 'number' || typeof raw === 'number')
    return type.includes('INT') ? BigInt(raw as number) : (raw as number)
  if (typeof raw === 'bigint' || typeof raw === 'string') return raw
  return String(raw) // decimals: their text, which reads back exactly
}

/**
 * Compacts a change log (rows with an op column and an order column) to the last operation per key,
 * in DuckDB, taking only entries after `since`: insert/update → one upsert row (the target's
 * columns), delete → one key row. Returns the change set and the new watermark (the highest order
 * value taken; `since` when nothing was).
 *
 * Order is by the order column's typed value: numbers numerically, timestamps as instants (offsets,
 * `Z`, fractional seconds; text order values that are all ISO-8601 instants count as timestamps),
 * other text byte by byte. Ties (equal order values for one key) go to the entry that comes later
 * in the input: later file, then later row.
 *
 * @example
 * ```ts
 * const { changes, watermark } = await compactChangeLog(orders, 'log.parquet', { keys: ['id'], orderColumn: 'lsn', since: 100n })
 * ```
 */
export async function compactChangeLog(
  table: Table<Columns>,
  log: RowSource,
  options: ChangeLogOptions,
): Promise<{ changes: ChangeSet; watermark: Watermark | undefined }> {
  const keys = options.keys
  if (keys.length === 0)
    throw new HyperdeltaError('CDC_INVALID', 'cdc: change-log compaction needs at least one key column')
  for (const k of keys) {
    if (!(k in table.columns))
      throw new HyperdeltaError('CDC_INVALID', `cdc: key column "${k}" is not a column of ${table.name}`)
  }
  const shape = {
    keys,
    opColumn: options.opColumn ?? 'op',
    ops: options.ops ?? { insert: 'insert', update: 'update', delete: 'delete' },
    orderColumn: options.orderColumn,
  }
  const engine = await CdcEngine.open(options)
  try {
    const loaded = await loadChangeLog(engine, table, log, shape)
    const order = await orderExpression(engine, loaded, shape.orderColumn)
    const since =
      options.since === undefined || loaded.empty ? undefined : sinceSql(options.since, order.type, shape.orderColumn)
    const taken = (o: string) => (since === undefined ? 'true' : `${o} > ${since}`)
    await engine.run(`CREATE VIEW log AS SELECT *, ${order.sql('__order')} AS __o FROM log_src`, 'change log')
    const [s] = await engine.rows(
      `SELECT count(*) AS entries, count(*) FILTER (${taken('__o')}) AS taken,
        min({f: __f, r: __r, op: __del IS NULL}) FILTER (__del IS NULL OR NOT ${usableOrderSql('__o', order.type)}) AS bad,
        ${topSql(order.iso)} FILTER (${taken('__o')}) AS top${loaded.converted.map((c) => `, count(${ident(c)})`).join('')} FROM log`,
      'change log',
    )
    const bad = s?.bad as { entries: { f: number; r: bigint; op: boolean } } | null
    if (bad) {
      const { f, r, op } = bad.entries
      const where = `cdc: change log ${loaded.position(Number(f), BigInt(r))}`
      throw new HyperdeltaError(
        'ROW_INVALID',
        op
          ? `${where}: column "${shape.opColumn}" is not ${Object.values(shape.ops).join(', ')}`
          : `${where}: order column "${shape.orderColumn}" has no usable value (NULL, NaN, infinite, or a date outside years 0000 to 9999)`,
        { details: { column: op ? shape.opColumn : shape.orderColumn } },
      )
    }
    const partition = keys.map(ident).join(', ')
    const o = order.sql(loaded.scan.order)
    await engine.run(
      `CREATE TABLE last AS SELECT ${loaded.scan.select} FROM ${loaded.scan.from} WHERE ${taken(o)}
       QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ${rankSql(order.type, loaded, o)} DESC) = 1`,
      'change-log compaction',
    )
    const files = changeFilePaths(engine)
    const columns = table.columnNames.map(ident).join(', ')
    const upserts = await copyToParquet(
      engine,
      `SELECT ${columns} FROM last WHERE NOT __del ORDER BY ${partition}`,
      files.upserts,
      'change-log compaction',
    )
    const deletes = await copyToParquet(
      engine,
      `SELECT ${partition} FROM last WHERE __del ORDER BY ${partition}`,
      files.deletes,
      'change-log compaction',
    )
    // One row per key by construction (the window), so no duplicate check.
    await checkChangeFiles(engine, table, keys, files, 'change-log compaction', { duplicates: false })
    const stats = {
      entries: Number(s?.entries),
      taken: Number(s?.taken),
      upserts,
      deletes,
    }
    const top = s?.top
    const watermark = top === null || top === undefined ? options.since : watermarkFrom(top, loaded, order.type)
    return { changes: changeSetFrom(engine, files, stats), watermark }
  } catch (error) {
    await engine.dispose()
    throw error
  }
}
