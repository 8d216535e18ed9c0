import { HyperdeltaError } from '../errors.js'
import { COLUMN_KINDS, type ColumnType, type ValueOf } from './column-types.js'
import { setOwn } from './own-property.js'

/** Column definitions of a table, by column name. */
export type Columns = Record<string, ColumnType>

/** A table in a Hyper database (target) or in a change file (source): name, schema and typed columns. */
export interface Table<C extends Columns = Columns> {
  readonly kind: 'table'
  /**
   * Hyper schema (`Extract` for published extracts). Undefined means "not sent": the server then
   * picks the only schema holding a table of that name. Prefer giving it.
   */
  readonly schema: string | undefined
  readonly name: string
  readonly columns: Readonly<C>
  /** Column names in declaration order (the order of change-file columns). */
  readonly columnNames: readonly (keyof C & string)[]
  /** The same columns under another table name (and optionally schema): a source table for a batch. */
  as(name: string, schema?: string | undefined): Table<C>
  /** A table with only the given columns, e.g. the key columns a delete's source table may hold. */
  pick<K extends keyof C & string>(...names: K[]): Table<Pick<C, K>>
}

/** True for a table made by {@link defineTable} (the one check every module uses). */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'table'
}

type NullableKeys<C extends Columns> = { [K in keyof C]: C[K]['nullable'] extends true ? K : never }[keyof C]
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** The row object type of a table: nullable columns are optional and accept null. */
export type RowOf<T> =
  T extends Table<infer C>
    ? Simplify<
        { [K in Exclude<keyof C, NullableKeys<C>>]: ValueOf<C[K]> } & {
          [K in NullableKeys<C>]?: ValueOf<C[K]>
        }
      >
    : never

function invalid(message: string, details: Record<string, unknown>): HyperdeltaError {
  return new HyperdeltaError('TABLE_INVALID', `table: ${message}`, { details })
}

function makeTable<C extends Columns>(schema: string | undefined, name: string, columns: C): Table<C> {
  const columnNames = Object.keys(columns) as (keyof C & string)[]
  const table: Table<C> = {
    kind: 'table',
    schema,
    name,
    columns: Object.freeze({ ...columns }),
    columnNames: Object.freeze(columnNames),
    as: (newName, newSchema = schema) => defineTable({ schema: newSchema, name: newName }, columns),
    pick: (...names) => {
      const picked = {} as Pick<C, (typeof names)[number]>
      for (const n of names) {
        if (!Object.hasOwn(columns, n)) throw invalid(`${name} has no column "${n}"`, { table: name, column: n })
        setOwn(picked, n, columns[n])
      }
      return defineTable({ schema, name }, picked)
    },
  }
  return Object.freeze(table)
}

/**
 * Declares a table once; its column types drive the typed condition helpers, the change-file
 * writer and the wire constants.
 *
 * @example
 * ```ts
 * import { defineTable, int64, text, float64, timestamp } from 'hyperdelta'
 * const orders = defineTable({ schema: 'Extract', name: 'Extract' }, {
 *   id: int64(), customer: text(), amount: float64({ nullable: true }), updated_at: timestamp(),
 * })
 * const changes = orders.as('changes')        // source table with the same columns
 * const gone = orders.pick('id').as('gone')   // key-only source table for deletes
 * ```
 */
export function defineTable<const C extends Columns>(
  ref: { schema?: string | undefined; name: string },
  columns: C,
): Table<C> {
  const schema = ref.schema
  if (typeof ref.name !== 'string' || ref.name === '') throw invalid('name must be a non-empty string', { ref })
  if (schema !== undefined && (typeof schema !== 'string' || schema === '')) {
    throw invalid('schema must be a non-empty string when given', { ref })
  }
  const names = Object.keys(columns)
  if (names.length === 0) throw invalid(`${ref.name} needs at least one column`, { table: ref.name })
  for (const column of names) {
    const type = columns[column]
    if (column === '') throw invalid(`${ref.name} has an empty column name`, { table: ref.name })
    if (!type || !(COLUMN_KINDS as readonly string[]).includes(type.kind)) {
      throw invalid(`${ref.name}.${column} is not a column type (use int64(), text(), ...)`, {
        table: ref.name,
        column,
      })
    }
  }
  return makeTable(schema, ref.name, columns)
}
